/// Layer names that mean the same layer in different exports of one network, so a recipe written
/// for one runs with the other.
///
/// The GoogLeNet family: `inception5h` (Google's TensorFlow export used by the DeepDream notebook)
/// and `googlenet.pb` (the BVLC/Caffe naming) are the same architecture, GoogLeNet of Szegedy et
/// al., "Going deeper with convolutions" (2014), Table 1: the 7x7/2 convolution, the 1x1 reduction
/// and 3x3 convolution of the second stage, then the nine inception modules 3a...5b. Each pair
/// below names one row of that table; the models' weights differ (they were trained separately),
/// so the same layer dreams similar, not identical, patterns.
public enum LayerAliases {
  /// (inception5h name, googlenet.pb name), in network order.
  public static let googLeNet: [(inception5h: String, googlenet: String)] = [
    ("conv2d0", "conv1/7x7_s2"),
    ("conv2d1", "conv2/3x3_reduce"),
    ("conv2d2", "conv2/3x3"),
    ("mixed3a", "inception_3a/output"),
    ("mixed3b", "inception_3b/output"),
    ("mixed4a", "inception_4a/output"),
    ("mixed4b", "inception_4b/output"),
    ("mixed4c", "inception_4c/output"),
    ("mixed4d", "inception_4d/output"),
    ("mixed4e", "inception_4e/output"),
    ("mixed5a", "inception_5a/output"),
    ("mixed5b", "inception_5b/output"),
  ]

  /// The other names of the layer `name` (empty when it has none).
  public static func aliases(of name: String) -> [String] {
    googLeNet.compactMap { pair in
      if pair.inception5h == name { return pair.googlenet }
      if pair.googlenet == name { return pair.inception5h }
      return nil
    }
  }
}
