import DreamVocabulary

/// The classic algorithm (seed `recursive_optimize` / `optimize_image`), see docs/seed-algorithm.md.
///
/// Memory at the octave being dreamed (W x H, one "image" = W * H * 3 floats): the image, the
/// full gradient and the smoothed sum (3 images; the blur works in row bands), plus the larger
/// octaves' images held for their blends (a geometric series, about 1 image for factor 0.7) and
/// one tile at a time inside the gradient source. Measured at 3840x2160 with repeats 2 and a
/// trivial source: peak RSS 448 MB including the caller's 100 MB input.
struct ClassicDream {
  let parameters: ClassicDreamParameters
  let context: DreamRunContext

  /// Octave sizes, full size first: each next one is int(w * f) x int(h * f). Stops after the
  /// first size with a side below 1 (nothing smaller can be dreamed; validation reports it), so
  /// a huge `repeats` costs nothing here.
  static func sizes(width: Int, height: Int, parameters: ClassicDreamParameters) -> [ImageSize] {
    var sizes = [ImageSize(width: width, height: height)]
    for _ in 0..<max(0, parameters.repeats) {
      guard let last = sizes.last, last.width >= 1, last.height >= 1 else { break }
      sizes.append(
        ImageSize(
          width: Int(Double(last.width) * parameters.rescaleFactor),
          height: Int(Double(last.height) * parameters.rescaleFactor)))
    }
    return sizes
  }

  /// `recursive_optimize`: if repeats > 0, blur (sigma 0.5, spatial), shrink (Lanczos), recurse,
  /// enlarge back (Lanczos), blend; then `optimize` at this size.
  func run(_ image: RGBImage, repeats: Int) throws -> RGBImage {
    var current = image
    if repeats > 0 {
      let ops = context.ops
      let precision: LanczosPrecision = parameters.quantizeOctaves ? .eightBit : .float
      let small = try ops.resizeLanczos(
        ops.gaussianBlur(image, sigmaY: 0.5, sigmaX: 0.5),
        width: Int(Double(image.width) * parameters.rescaleFactor),
        height: Int(Double(image.height) * parameters.rescaleFactor), precision: precision)
      let dreamed = try run(small, repeats: repeats - 1)
      let upscaled = try ops.resizeLanczos(
        dreamed, width: image.width, height: image.height, precision: precision)
      current = try ops.blend(image, upscaled, alpha: parameters.blend)
    }
    return try optimize(consume current, octave: repeats + 1)
  }

  /// `optimize_image`: `iterations` steps of
  /// grad = tiled gradient (random grid, per-tile std normalisation);
  /// sigma = 0.5 + 4 i / N; smooth = blur(grad, sigma) + blur(grad, 2 sigma) + blur(grad, sigma / 2)
  /// (unless `smoothing` is `.none`); image += smooth * step / (std(smooth) + 1e-8) with the default
  /// normalisation (see ``GradientNormalization``), minus the total-variation term when set.
  /// `image` is consumed so that the steps update its storage in place (no image-sized copy).
  func optimize(_ image: consuming RGBImage, octave: Int) throws -> RGBImage {
    let n = parameters.iterations
    var gradient = [Float](repeating: 0, count: image.pixels.count)
    for i in 0..<n {
      try context.checkStop()
      let tiles = TileGrid.randomTiles(
        width: image.width, height: image.height, tileSize: parameters.tileSize,
        minimumInputSize: context.source.minimumInputSize, generator: &context.generator)
      let loss = try context.tiledGradient(
        of: image, tiles: tiles, normalization: .standardDeviation, into: &gradient)
      let g = RGBImage(width: image.width, height: image.height, pixels: gradient)
      let smooth = smoothed(g, iteration: i, of: n)
      context.ascend(
        &image, gradient: smooth, step: parameters.stepSize, normalization: parameters.normalization,
        totalVariation: parameters.totalVariation, clip: false)
      context.report(
        DreamProgress(
          octave: octave, octaveCount: parameters.repeats + 1, iteration: i + 1, iterationCount: n,
          size: ImageSize(width: image.width, height: image.height), loss: loss))
    }
    return image
  }

  /// The gradient blurred by the sum of 3 Gaussians of sigma, 2 sigma and sigma / 2, where
  /// sigma = 0.5 + 4 i / N (unchanged with `smoothing: .none`).
  private func smoothed(_ gradient: RGBImage, iteration i: Int, of n: Int) -> RGBImage {
    let sigma = Double(i) * 4.0 / Double(n) + 0.5
    let channelSigma: (Double) -> Double
    switch parameters.smoothing {
    case .none: return gradient
    case .volumetric: channelSigma = { $0 }
    case .spatial: channelSigma = { _ in 0 }
    }
    return context.ops.blurSum(
      gradient, sigmas: [sigma, sigma * 2, sigma * 0.5].map { ($0, $0, channelSigma($0)) })
  }
}
