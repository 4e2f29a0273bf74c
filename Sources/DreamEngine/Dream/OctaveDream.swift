import DreamVocabulary

/// The Caffe DeepDream notebook's algorithm (google/deepdream `deepdream` + `make_step`).
///
/// Octaves: base_0 = the image, base_k = bilinear resize of base_(k-1) to
/// round(size / octaveScale) per axis. From the smallest octave up: image = base + detail (detail
/// starts at zero and is bilinearly resized to each larger octave), `iterations` steps, then
/// detail = image - base.
/// Step: draw (ox, oy) uniformly in -jitter...jitter (ox first), roll the image by them, take the
/// gradient, `image += stepSize / mean(|g|) * g`, roll back, clamp to 0...255 if `clip`.
/// Rolling is done by index arithmetic: the tiles read the rolled image and write the gradient
/// back at unrolled positions, which is the same arithmetic as roll / step / unroll.
///
/// Tiling (a dream-run addition, to bound memory on big images): the rolled image is cut by
/// `TileGrid.fixedTiles` (grid at 0, tile lengths as the classic); each tile's gradient is
/// weighted by its input area / image area, which approximates the whole-image gradient of a
/// mean-over-activations loss; the global mean-|g| normalisation is unchanged. Images up to
/// 1.5 x tileSize per axis are one tile, i.e. exactly the notebook's step.
///
/// Memory: the smaller octaves' bases (about 1 image for scale 1.4), the image, the gradient and
/// the detail (4 images at the largest octave), plus one tile. Measured at 3840x2160 with 4
/// octaves and a trivial source: peak RSS 353 MB including the caller's 100 MB input.
struct OctaveDream {
  let parameters: OctaveDreamParameters
  let context: DreamRunContext

  /// Octave sizes, full size first.
  static func sizes(width: Int, height: Int, parameters: OctaveDreamParameters) -> [ImageSize] {
    var sizes = [ImageSize(width: width, height: height)]
    for _ in 1..<max(1, parameters.octaves) {
      guard let last = sizes.last else { break }
      sizes.append(
        ImageSize(
          width: max(1, Int((Double(last.width) / parameters.octaveScale).rounded(.toNearestOrEven))),
          height: max(1, Int((Double(last.height) / parameters.octaveScale).rounded(.toNearestOrEven)))))
    }
    return sizes
  }

  func run(_ image: RGBImage) throws -> RGBImage {
    let ops = context.ops
    let sizes = Self.sizes(width: image.width, height: image.height, parameters: parameters)
    var bases = [image]
    for size in sizes.dropFirst() {
      guard let last = bases.last else { break }
      bases.append(try ops.resizeBilinear(last, width: size.width, height: size.height))
    }
    var detail: RGBImage? = nil
    var index = bases.count - 1
    while true {
      let base = bases[index]
      var current = base
      if let previous = detail {
        current = combine(
          base, try ops.resizeBilinear(previous, width: base.width, height: base.height), sign: 1)
        detail = nil
      }
      current = try steps(consume current, octave: sizes.count - index, octaveCount: sizes.count)
      if index == 0 { return current }
      detail = combine(current, base, sign: -1)
      bases.removeLast()  // this octave's base is no longer needed
      index -= 1
    }
  }

  /// `iterations` jittered, mean-|g|-normalised ascent steps at one octave.
  private func steps(_ image: consuming RGBImage, octave: Int, octaveCount: Int) throws -> RGBImage {
    let tiles = TileGrid.fixedTiles(
      width: image.width, height: image.height, tileSize: parameters.tileSize,
      minimumInputSize: context.source.minimumInputSize)
    var gradient = [Float](repeating: 0, count: image.pixels.count)
    for i in 0..<parameters.iterations {
      try context.checkStop()
      let ox = context.generator.uniformInt(in: -parameters.jitter...parameters.jitter)
      let oy = context.generator.uniformInt(in: -parameters.jitter...parameters.jitter)
      let loss = try context.tiledGradient(
        of: image, tiles: tiles, shiftX: ox, shiftY: oy, normalization: .areaWeighted, into: &gradient)
      let g = RGBImage(width: image.width, height: image.height, pixels: gradient)
      context.ascend(
        &image, gradient: g, step: parameters.stepSize, normalization: parameters.normalization,
        totalVariation: parameters.totalVariation, clip: parameters.clip)
      context.report(
        DreamProgress(
          octave: octave, octaveCount: octaveCount, iteration: i + 1, iterationCount: parameters.iterations,
          size: ImageSize(width: image.width, height: image.height), loss: loss))
    }
    return image
  }

  /// a + sign * b, element-wise (same sizes).
  private func combine(_ a: RGBImage, _ b: RGBImage, sign: Float) -> RGBImage {
    precondition(
      a.width == b.width && a.height == b.height, "combine: \(a.width)x\(a.height) vs \(b.width)x\(b.height)")
    let rowLength = a.width * 3
    var out = a
    b.pixels.withUnsafeBufferPointer { bp in
      let bs = UncheckedSendable(bp)
      context.ops.rows.update(&out.pixels, rows: a.height) { range, o in
        for j in (range.lowerBound * rowLength)..<(range.upperBound * rowLength) {
          o[j] = o[j] + sign * bs.value[j]
        }
      }
    }
    return out
  }
}
