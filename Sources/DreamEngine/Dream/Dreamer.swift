import DreamVocabulary

/// The entry point of the dream algorithms.
///
/// ```swift
/// let dreamer = Dreamer(source: network, threads: 4)
/// let out = try dreamer.run(image, algorithm: .classic(.seedCompatible), seed: 42,
///                           progress: { print($0) }, shouldStop: { interrupted })
/// ```
/// The gradient source is called from the calling thread, one tile at a time; image operations
/// use `threads` workers. All randomness comes from a `SeededGenerator(seed:)`: the same image,
/// parameters and seed give a bit-identical result at every thread count (the image ops and the
/// network's kernels split work into blocks that do not depend on it).
public struct Dreamer {
  public let source: any GradientSource
  public let threads: Int

  public init(source: any GradientSource, threads: Int = 1) {
    precondition(threads >= 1, "Dreamer: threads must be >= 1, got \(threads)")
    self.source = source
    self.threads = threads
  }

  /// Sizes of the octaves `algorithm` will dream for a `width` x `height` image, in processing
  /// order (smallest first, the full size last).
  public static func octaveSizes(width: Int, height: Int, algorithm: DreamAlgorithm) -> [ImageSize] {
    switch algorithm {
    case .classic(let p): return ClassicDream.sizes(width: width, height: height, parameters: p).reversed()
    case .octave(let p): return OctaveDream.sizes(width: width, height: height, parameters: p).reversed()
    }
  }

  /// Checks the parameters and that every octave is at least `minimumInputSize` pixels (and 1)
  /// per side, without computing anything. `run` calls it first.
  public static func validate(width: Int, height: Int, algorithm: DreamAlgorithm, minimumInputSize: Int)
    throws
  {
    switch algorithm {
    case .classic(let p): try p.validate()
    case .octave(let p): try p.validate()
    }
    let minimum = max(1, minimumInputSize)
    let sizes = octaveSizes(width: width, height: height, algorithm: algorithm)
    for (index, size) in sizes.enumerated() where size.width < minimum || size.height < minimum {
      let level: DreamLevel
      switch algorithm {
      case .classic: level = .rescaled(sizes.count - 1 - index)
      case .octave: level = .octave(index + 1)
      }
      throw DreamError.imageTooSmall(level: level, size: size, minimum: minimum)
    }
  }

  /// Dreams `image` (float RGB HWC, 0...255) and returns the result (same size; values may leave
  /// 0...255 unless the algorithm clips).
  ///
  /// - progress: called after every iteration (octave k of n, iteration i of N, size, loss).
  /// - shouldStop: polled before every tile gradient; returning true throws `DreamCancelled`.
  /// - Throws: `DreamError` for invalid parameters or too-small octaves (before any work),
  ///   `DreamCancelled`, or the source's errors.
  public func run(
    _ image: RGBImage, algorithm: DreamAlgorithm, seed: UInt64,
    progress: (DreamProgress) -> Void = { _ in }, shouldStop: () -> Bool = { false }
  ) throws -> RGBImage {
    try Self.validate(
      width: image.width, height: image.height, algorithm: algorithm,
      minimumInputSize: source.minimumInputSize)
    return try withoutActuallyEscaping(progress) { progress in
      try withoutActuallyEscaping(shouldStop) { shouldStop in
        let context = DreamRunContext(
          source: source, ops: ImageOps(threads: threads), seed: seed, progress: progress,
          shouldStop: shouldStop)
        switch algorithm {
        case .classic(let p):
          return try ClassicDream(parameters: p, context: context).run(image, repeats: p.repeats)
        case .octave(let p):
          return try OctaveDream(parameters: p, context: context).run(image)
        }
      }
    }
  }

  /// One classic tiled gradient of `image` (the first iteration's tiles for `seed`): every tile's
  /// gradient divided by (its standard deviation + 1e-8). For benchmarks and tests.
  ///
  /// - Returns: the area-weighted loss, the full gradient (HWC, same size) and the tiles used.
  public func classicTiledGradient(of image: RGBImage, tileSize: Int, seed: UInt64) throws -> (
    loss: Float, gradient: RGBImage, tiles: [DreamTile]
  ) {
    guard tileSize >= 1 else {
      throw DreamError.invalidParameter(name: "tile-size", value: "\(tileSize)", expected: "an integer >= 1")
    }
    let minimum = max(1, source.minimumInputSize)
    guard image.width >= minimum, image.height >= minimum else {
      throw DreamError.imageTooSmall(
        level: .rescaled(0), size: ImageSize(width: image.width, height: image.height), minimum: minimum)
    }
    let context = DreamRunContext(
      source: source, ops: ImageOps(threads: threads), seed: seed, progress: { _ in }, shouldStop: { false })
    let tiles = TileGrid.randomTiles(
      width: image.width, height: image.height, tileSize: tileSize, minimumInputSize: source.minimumInputSize,
      generator: &context.generator)
    var gradient = [Float](repeating: 0, count: image.pixels.count)
    let loss = try context.tiledGradient(
      of: image, tiles: tiles, normalization: .standardDeviation, into: &gradient)
    return (loss, RGBImage(width: image.width, height: image.height, pixels: gradient), tiles)
  }
}
