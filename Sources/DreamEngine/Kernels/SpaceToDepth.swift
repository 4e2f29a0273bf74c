/// A k x k stride-2 convolution over few channels (googlenet's first layer: 7x7, 3 channels in;
/// inception_v3's: 3x3) as a k' x k' stride-1 convolution, k' = ceil(k / 2), over the input's
/// four 2x2 phases stacked as channels, computed by Winograd F((7 - k') x (7 - k'), k' x k').
///
/// With S[i][j][(a * 2 + b) * cin + c] = x[2i + a - padTop][2j + b - padLeft][c] (zero outside
/// the image), `y[oy][ox] = sum over p, q < k' of S[oy + p][ox + q] . w'[p][q]`, where
/// w'[p][q][(a * 2 + b) * cin + c] = w[2p + a][2q + b][c] (zero past row or column k - 1). S has
/// `outH + k' - 1` rows and `outW + k' - 1` columns. For the 7x7 first layer the direct form costs
/// 147 multiplies per output and channel out, the 4x4 form 192, which F(3x3, 4x4) brings down to
/// 48; for 3x3 kernels 9, 16 and 5.8.
///
/// The input gradient goes the same way backwards: dS is a correlation of dy with w' flipped and
/// transposed, padded by k' - 1, and each input pixel's gradient is the one element of dS it was
/// copied to.
struct SpaceToDepthConv: Sendable {
  let cin: Int
  let cout: Int
  let winograd: WinogradWeights

  /// Whether a convolution of this shape takes this path: square stride-2 kernels over at most
  /// 16 channels (an image's first layer). With more channels the 4x wider transforms and the
  /// transformed weights (36 x 4cin x cout) cost more than the multiplies they save: inception_v3's
  /// 3x3 stride-2 reduction over 288 channels ran at 26 direct-equivalent GFLOPS this way against
  /// 76-89 by im2col + GEMM.
  static func applies(
    kernelH: Int, kernelW: Int, strideH: Int, strideW: Int, inChannels: Int, outChannels: Int
  ) -> Bool {
    kernelH == kernelW && strideH == 2 && strideW == 2 && inChannels <= 16
      && WinogradTile.supports(kernel: (kernelH + 1) / 2)
      && WinogradWeights.fit(cin: 4 * inChannels, cout: outChannels)
  }

  /// From HWIO weights `k x k x cin x cout`.
  init(weights: FloatBuffer, kernel k: Int, cin: Int, cout: Int) {
    self.cin = cin
    self.cout = cout
    let (folded, c4) = ((k + 1) / 2, 4 * cin)
    let w = FloatBuffer(zeros: folded * folded * c4 * cout)
    for p in 0..<folded {
      for q in 0..<folded {
        for a in 0..<2 where 2 * p + a < k {
          for b in 0..<2 where 2 * q + b < k {
            let source = weights.base + ((2 * p + a) * k + 2 * q + b) * cin * cout
            let destination = w.base + ((p * folded + q) * c4 + (a * 2 + b) * cin) * cout
            destination.update(from: source, count: cin * cout)
          }
        }
      }
    }
    winograd = WinogradWeights(weights: w.base, tile: WinogradTile(kernel: folded), cin: c4, cout: cout)
  }

  /// `y = relu?(x (*) w + bias?)`, `y` being `outH x outW x cout`.
  func forward(
    x: UnsafePointer<Float>, geometry g: WindowGeometry, y: UnsafeMutablePointer<Float>,
    bias: UnsafePointer<Float>?, relu: Bool
  ) {
    let tile = winograd.tile
    let (rows, columns, c4) = (g.outH + tile.kernel - 1, g.outW + tile.kernel - 1, 4 * cin)
    ScratchPool.withScratch(rows * columns * c4) { s in
      parallelChunks(rows, minimumChunk: 8) { range in
        for i in range {
          for j in 0..<columns {
            for phase in 0..<4 {
              copyPixelOrZero(
                x, height: g.input.height, width: g.input.width, channels: cin,
                row: 2 * i + phase / 2 - g.padTop, column: 2 * j + phase % 2 - g.padLeft,
                to: s + ((i * columns + j) * 4 + phase) * cin)
            }
          }
        }
      }
      winogradConvolve(
        tile, x: s, inH: rows, inW: columns, cin: c4, padTop: 0, padLeft: 0, y: y, outH: g.outH,
        outW: g.outW, cout: cout, u: winograd.forward.base, bias: bias, relu: relu)
    }
  }

  /// `dx` (the input's shape) from `dy` (`outH x outW x cout`), overwritten.
  func backward(dy: UnsafePointer<Float>, geometry g: WindowGeometry, dx: UnsafeMutablePointer<Float>) {
    let tile = winograd.tile
    let (rows, columns, c4) = (g.outH + tile.kernel - 1, g.outW + tile.kernel - 1, 4 * cin)
    ScratchPool.withScratch(rows * columns * c4) { ds in
      winogradConvolve(
        tile, x: dy, inH: g.outH, inW: g.outW, cin: cout, padTop: tile.kernel - 1, padLeft: tile.kernel - 1,
        y: ds, outH: rows, outW: columns, cout: c4, u: winograd.backward.base)
      let (height, width) = (g.input.height, g.input.width)
      parallelChunks(height, minimumChunk: 16) { range in
        for iy in range {
          let i = (iy + g.padTop) / 2
          let a = (iy + g.padTop) % 2
          for ix in 0..<width {
            let j = (ix + g.padLeft) / 2
            let b = (ix + g.padLeft) % 2
            let destination = dx + (iy * width + ix) * cin
            // Pixels no window reads (the last row or column of a VALID even kernel) get 0.
            guard i < rows, j < columns else {
              destination.update(repeating: 0, count: cin)
              continue
            }
            destination.update(from: ds + ((i * columns + j) * 4 + a * 2 + b) * cin, count: cin)
          }
        }
      }
    }
  }
}
