/// State of one `Dreamer.run`: the gradient source, image ops, the seeded generator and the
/// caller's callbacks (valid only during the run).
final class DreamRunContext {
  let source: any GradientSource
  let ops: ImageOps
  var generator: SeededGenerator
  private let progressHandler: (DreamProgress) -> Void
  private let shouldStop: () -> Bool

  init(
    source: any GradientSource, ops: ImageOps, seed: UInt64, progress: @escaping (DreamProgress) -> Void,
    shouldStop: @escaping () -> Bool
  ) {
    self.source = source
    self.ops = ops
    self.generator = SeededGenerator(seed: seed)
    self.progressHandler = progress
    self.shouldStop = shouldStop
  }

  func report(_ progress: DreamProgress) { progressHandler(progress) }

  func checkStop() throws {
    if shouldStop() { throw DreamCancelled() }
  }

  /// How each tile's gradient is scaled before it is written into the full gradient.
  enum TileNormalization {
    /// Divided by (the standard deviation of the tile's own part + 1e-8): the classic rule.
    case standardDeviation
    /// Multiplied by (the tile's input area / the image area): for a mean-over-activations loss
    /// this approximates the whole image's gradient (the octave algorithm normalises globally).
    case areaWeighted
  }

  /// Computes the gradient of `image`, as seen rolled by (`shiftX`, `shiftY`) pixels (numpy
  /// `roll`), tile by tile, into `gradient` (height * width * 3 floats, HWC, in the unrolled
  /// image's coordinates). `tiles` are in rolled coordinates and must partition the image.
  ///
  /// Returns the tiles' losses weighted by their own share of the image area. Checks
  /// `shouldStop` before every group of tiles. Memory: one group's tile inputs and gradients.
  func tiledGradient(
    of image: RGBImage, tiles: [DreamTile], shiftX: Int = 0, shiftY: Int = 0,
    normalization: TileNormalization, into gradient: inout [Float]
  ) throws -> Float {
    let w = image.width
    let h = image.height
    precondition(gradient.count == w * h * 3, "tiledGradient: buffer \(gradient.count) for \(w)x\(h)")
    // Rolled coordinate -> unrolled index, per axis.
    let sx = ((shiftX % w) + w) % w
    let sy = ((shiftY % h) + h) % h
    let columnOf = (0..<w).map { ($0 - sx + w) % w }
    let rowOf = (0..<h).map { ($0 - sy + h) % h }
    var loss = 0.0
    // Tiles are independent: a source that can compute several at once gets them in groups;
    // each group is written back in tile order, so the result is the same either way.
    let group = max(1, source.concurrentImages)
    var start = 0
    while start < tiles.count {
      try checkStop()
      let batch = Array(tiles[start..<min(tiles.count, start + group)])
      start += batch.count
      let inputs = batch.map {
        extract(image, rows: $0.inputRows, columns: $0.inputColumns, rowOf: rowOf, columnOf: columnOf)
      }
      let results = try source.lossAndGradients(of: inputs)
      precondition(
        results.count == inputs.count,
        "GradientSource returned \(results.count) results for \(inputs.count) images")
      for (tile, (input, (tileLoss, tileGradient))) in zip(batch, zip(inputs, results)) {
        precondition(
          tileGradient.width == input.width && tileGradient.height == input.height,
          "GradientSource returned a \(tileGradient.width)x\(tileGradient.height) gradient for a "
            + "\(input.width)x\(input.height) input")
        let own = ops.cropUnchecked(
          tileGradient, x: tile.columns.lowerBound - tile.inputColumns.lowerBound,
          y: tile.rows.lowerBound - tile.inputRows.lowerBound, width: tile.columns.count,
          height: tile.rows.count)
        let area = Double(tile.rows.count * tile.columns.count) / Double(w * h)
        loss += area * Double(tileLoss)
        switch normalization {
        case .standardDeviation:
          let divisor = Float(ops.standardDeviation(own) + 1e-8)
          write(own, into: &gradient, width: w, tile: tile, rowOf: rowOf, columnOf: columnOf) { $0 / divisor }
        case .areaWeighted:
          let weight = Float(Double(input.pixelCount) / Double(w * h))
          write(own, into: &gradient, width: w, tile: tile, rowOf: rowOf, columnOf: columnOf) { $0 * weight }
        }
      }
    }
    return Float(loss)
  }

  /// The rolled image's rectangle `rows` x `columns`.
  private func extract(
    _ image: RGBImage, rows: Range<Int>, columns: Range<Int>, rowOf: [Int], columnOf: [Int]
  ) -> RGBImage {
    let stride = image.width * 3
    var pixels = [Float](repeating: 0, count: rows.count * columns.count * 3)
    image.pixels.withUnsafeBufferPointer { src in
      pixels.withUnsafeMutableBufferPointer { dst in
        var d = 0
        for y in rows {
          let rowBase = rowOf[y] * stride
          for x in columns {
            let s = rowBase + columnOf[x] * 3
            dst[d] = src[s]
            dst[d + 1] = src[s + 1]
            dst[d + 2] = src[s + 2]
            d += 3
          }
        }
      }
    }
    return RGBImage(width: columns.count, height: rows.count, pixels: pixels)
  }

  /// Writes `scale(value)` of the tile's own gradient at its unrolled positions.
  private func write(
    _ own: RGBImage, into gradient: inout [Float], width: Int, tile: DreamTile, rowOf: [Int], columnOf: [Int],
    scale: (Float) -> Float
  ) {
    let stride = width * 3
    own.pixels.withUnsafeBufferPointer { src in
      gradient.withUnsafeMutableBufferPointer { dst in
        var s = 0
        for y in tile.rows {
          let rowBase = rowOf[y] * stride
          for x in tile.columns {
            let d = rowBase + columnOf[x] * 3
            dst[d] = scale(src[s])
            dst[d + 1] = scale(src[s + 1])
            dst[d + 2] = scale(src[s + 2])
            s += 3
          }
        }
      }
    }
  }
}
