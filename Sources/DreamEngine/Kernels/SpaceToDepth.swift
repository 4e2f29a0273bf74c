/// A 7x7 stride-2 convolution (googlenet's first layer: 3 channels in, 64 out) as a 4x4
/// stride-1 convolution over the input's four 2x2 phases stacked as channels, computed by
/// Winograd F(3x3, 4x4).
///
/// With S[i][j][(a * 2 + b) * cin + c] = x[2i + a - padTop][2j + b - padLeft][c] (zero outside
/// the image), `y[oy][ox] = sum over p, q < 4 of S[oy + p][ox + q] . w'[p][q]`, where
/// w'[p][q][(a * 2 + b) * cin + c] = w[2p + a][2q + b][c] (zero past row or column 6). S has
/// `outH + 3` rows and `outW + 3` columns. The direct form costs 147 multiplies per output and
/// channel out; the 4x4 form 192, which Winograd brings down to 48.
///
/// The input gradient goes the same way backwards: dS is a correlation of dy with w' flipped and
/// transposed, padded by 3, and each input pixel's gradient is the one element of dS it was
/// copied to.
struct SpaceToDepthConv: Sendable {
  let cin: Int
  let cout: Int
  let winograd: WinogradWeights

  /// Whether a convolution of this shape takes this path.
  static func applies(kernelH: Int, kernelW: Int, strideH: Int, strideW: Int) -> Bool {
    kernelH == 7 && kernelW == 7 && strideH == 2 && strideW == 2
  }

  /// From HWIO weights `7 x 7 x cin x cout`.
  init(weights: FloatBuffer, cin: Int, cout: Int) {
    self.cin = cin
    self.cout = cout
    let c4 = 4 * cin
    let folded = FloatBuffer(zeros: 16 * c4 * cout)
    for p in 0..<4 {
      for q in 0..<4 {
        for a in 0..<2 where 2 * p + a < 7 {
          for b in 0..<2 where 2 * q + b < 7 {
            let source = weights.base + ((2 * p + a) * 7 + 2 * q + b) * cin * cout
            let destination = folded.base + ((p * 4 + q) * c4 + (a * 2 + b) * cin) * cout
            destination.update(from: source, count: cin * cout)
          }
        }
      }
    }
    winograd = WinogradWeights(weights: folded.base, tile: .kernel4, cin: c4, cout: cout)
  }

  /// `y = relu?(x (*) w + bias?)`, `y` being `outH x outW x cout`.
  func forward(
    x: UnsafePointer<Float>, geometry g: WindowGeometry, y: UnsafeMutablePointer<Float>,
    bias: UnsafePointer<Float>?, relu: Bool
  ) {
    let (rows, columns, c4) = (g.outH + 3, g.outW + 3, 4 * cin)
    ScratchPool.withScratch(rows * columns * c4) { s in
      parallelChunks(rows, minimumChunk: 8) { range in
        for i in range {
          for j in 0..<columns {
            for phase in 0..<4 {
              let iy = 2 * i + phase / 2 - g.padTop
              let ix = 2 * j + phase % 2 - g.padLeft
              let destination = s + ((i * columns + j) * 4 + phase) * cin
              if iy >= 0, iy < g.input.height, ix >= 0, ix < g.input.width {
                destination.update(from: x + (iy * g.input.width + ix) * cin, count: cin)
              } else {
                destination.update(repeating: 0, count: cin)
              }
            }
          }
        }
      }
      winogradConvolve(
        .kernel4, x: s, inH: rows, inW: columns, cin: c4, padTop: 0, padLeft: 0, y: y, outH: g.outH,
        outW: g.outW, cout: cout, u: winograd.forward.base, bias: bias, relu: relu)
    }
  }

  /// `dx` (the input's shape) from `dy` (`outH x outW x cout`), overwritten.
  func backward(dy: UnsafePointer<Float>, geometry g: WindowGeometry, dx: UnsafeMutablePointer<Float>) {
    let (rows, columns, c4) = (g.outH + 3, g.outW + 3, 4 * cin)
    ScratchPool.withScratch(rows * columns * c4) { ds in
      winogradConvolve(
        .kernel4, x: dy, inH: g.outH, inW: g.outW, cin: cout, padTop: 3, padLeft: 3, y: ds, outH: rows,
        outW: columns, cout: c4, u: winograd.backward.base)
      let (height, width) = (g.input.height, g.input.width)
      parallelChunks(height, minimumChunk: 16) { range in
        for iy in range {
          let i = (iy + g.padTop) / 2
          let a = (iy + g.padTop) % 2
          for ix in 0..<width {
            let j = (ix + g.padLeft) / 2
            let b = (ix + g.padLeft) % 2
            (dx + (iy * width + ix) * cin).update(
              from: ds + ((i * columns + j) * 4 + a * 2 + b) * cin, count: cin)
          }
        }
      }
    }
  }
}
