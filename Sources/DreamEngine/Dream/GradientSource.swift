/// Anything that can compute an objective's loss and its gradient with respect to an input image.
///
/// The compiled network (`Network`) is the real implementation; tests use small analytic
/// sources. The dream algorithms only ever see this protocol, so they know nothing of graphs.
public protocol GradientSource: AnyObject {
  /// The smallest width and height (in pixels) the source accepts. 1 for all-SAME networks;
  /// larger for networks with VALID convolutions or pools (e.g. 43 for inception_v3 mixed_3).
  var minimumInputSize: Int { get }

  /// The objective's value for `image` and d(loss)/d(image), same size and layout as `image`
  /// (HWC, RGB, in the image's 0...255 pixel units).
  /// Throws a user-facing error when the image is smaller than `minimumInputSize`.
  func lossAndGradient(of image: RGBImage) throws -> (loss: Float, gradient: RGBImage)

  /// How many independent images `lossAndGradients(of:)` usefully computes at once (1: serial).
  var concurrentImages: Int { get }

  /// `lossAndGradient` of each image, in order. A source may compute them concurrently; the
  /// results must not depend on whether it does.
  func lossAndGradients(of images: [RGBImage]) throws -> [(loss: Float, gradient: RGBImage)]
}

extension GradientSource {
  public var concurrentImages: Int { 1 }

  public func lossAndGradients(of images: [RGBImage]) throws -> [(loss: Float, gradient: RGBImage)] {
    try images.map { try lossAndGradient(of: $0) }
  }
}
