/// A recipe's `sweep:` matrix: named keys, each with a list of values; every combination is one
/// variant of the recipe, rendered independently of the others.
///
/// Variants are numbered in nested-loop order: the first key changes slowest, the last fastest.
public struct Sweep: Sendable, Equatable {
  /// One swept key and its values.
  public struct Axis: Sendable, Equatable {
    /// `layer`, `step`, `input`, `seed`, or another dream setting.
    public let key: String
    /// Each value as written (`mixed4c`, `1.5`, `[1, 2]`), for captions.
    public let texts: [String]
    /// Each value as it appears in templated paths (`{layer}`): file-name safe, distinct.
    public let labels: [String]
    /// Where the key was written.
    public let location: SourceLocation
  }

  public let axes: [Axis]
  /// Where `sweep:` was written.
  public let location: SourceLocation

  /// How many variants the matrix makes (the product of the axes' lengths).
  public var count: Int { axes.reduce(1) { $0 * $1.texts.count } }

  /// Variant `index`'s value position on each axis.
  public func positions(ofVariant index: Int) -> [Int] {
    precondition(index >= 0 && index < count, "variant \(index) is outside the sweep's \(count)")
    var remaining = index
    var result = [Int](repeating: 0, count: axes.count)
    for axis in axes.indices.reversed() {
      result[axis] = remaining % axes[axis].texts.count
      remaining /= axes[axis].texts.count
    }
    return result
  }

  /// Variant `index`: its key values.
  public func variant(_ index: Int) -> SweepVariant {
    let positions = positions(ofVariant: index)
    return SweepVariant(
      index: index, count: count,
      values: axes.indices.map { axis in
        SweepVariant.Value(
          key: axes[axis].key, text: axes[axis].texts[positions[axis]],
          label: axes[axis].labels[positions[axis]])
      })
  }
}

/// One variant of a ``Sweep``.
public struct SweepVariant: Sendable, Equatable {
  public struct Value: Sendable, Equatable {
    public let key: String
    /// As written in the recipe.
    public let text: String
    /// As it appears in templated paths.
    public let label: String
  }

  /// Position in the sweep's order, 0-based.
  public let index: Int
  /// How many variants the sweep has.
  public let count: Int
  public let values: [Value]

  /// `layer=mixed4c step=1.5`: how messages and captions name the variant.
  public var name: String {
    values.map { "\($0.key)=\($0.text)" }.joined(separator: " ")
  }

  /// `layer=mixed4c,step=1.5`: the variant in file names (its run state), made of path-safe labels.
  public var fileName: String {
    values.map { "\($0.key)=\($0.label)" }.joined(separator: ",")
  }
}
