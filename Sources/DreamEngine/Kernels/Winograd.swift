internal import CKernels

/// Winograd F(2x2, 3x3) for 3x3 stride-1 convolutions (Lavin & Gray 2015): each 2x2 block of
/// outputs comes from a 4x4 block of inputs through 16 elementwise products in a transformed
/// space, so the multiply count is 16 per 4 outputs instead of 36 (2.25x fewer). Per band of tiles:
/// the input transform V = B^T d B (16 matrices of tiles x cin), 16 GEMMs V[xi] * U[xi] with the
/// weights transformed once at model load (U = G g G^T, cin x cout), and the output transform
/// A^T M A. The same kernel computes the input gradient: for a stride-1 3x3 convolution it is a
/// 3x3 correlation of dy with the weights flipped in space and transposed in channels, padded by
/// 2 - pad (``WinogradWeights/backward``).
///
/// Thread-count independence: tiles are transformed one per loop index, each GEMM row block is
/// one single-threaded OpenBLAS call (``sgemmBatch``), and bands depend only on the sizes.
struct WinogradWeights: Sendable {
  /// `16 x cin x cout`: U[xi] for the forward pass.
  let forward: FloatBuffer
  /// `16 x cout x cin`: for the input gradient.
  let backward: FloatBuffer

  /// From HWIO weights `3 x 3 x cin x cout`.
  init(weights: FloatBuffer, cin: Int, cout: Int) {
    forward = FloatBuffer(uninitialized: 16 * cin * cout)
    backward = FloatBuffer(uninitialized: 16 * cin * cout)
    let w = weights.base
    for ci in 0..<cin {
      for co in 0..<cout {
        var g = [Double](repeating: 0, count: 9)
        var flipped = [Double](repeating: 0, count: 9)
        for k in 0..<9 {
          g[k] = Double(w[k * cin * cout + ci * cout + co])
          flipped[8 - k] = g[k]
        }
        let u = Self.transform(g)
        let v = Self.transform(flipped)
        for xi in 0..<16 {
          forward.base[xi * cin * cout + ci * cout + co] = Float(u[xi])
          backward.base[xi * cin * cout + co * cin + ci] = Float(v[xi])
        }
      }
    }
  }

  /// G g G^T for a row-major 3x3 `g`, with G = [[1, 0, 0], [1/2, 1/2, 1/2], [1/2, -1/2, 1/2], [0, 0, 1]].
  static func transform(_ g: [Double]) -> [Double] {
    func rows(_ a: Double, _ b: Double, _ c: Double) -> [Double] { [a, (a + b + c) / 2, (a - b + c) / 2, c] }
    // t = G g: 4 x 3.
    var t = [Double](repeating: 0, count: 12)
    for j in 0..<3 {
      let column = rows(g[j], g[3 + j], g[6 + j])
      for i in 0..<4 { t[i * 3 + j] = column[i] }
    }
    // u = t G^T: 4 x 4.
    var u = [Double](repeating: 0, count: 16)
    for i in 0..<4 {
      let row = rows(t[i * 3], t[i * 3 + 1], t[i * 3 + 2])
      for j in 0..<4 { u[i * 4 + j] = row[j] }
    }
    return u
  }
}

/// Floats of V and M scratch per band (bands of tile rows keep large frames bounded).
let winogradScratchLimit = 24 << 20

/// `y = x (*) w` for a 3x3 stride-1 window: `x` is `inH x inW x cin` (HWC), read with `padTop` /
/// `padLeft` zero rows/columns before it (and zeros past its end), `y` is `outH x outW x cout`,
/// `u` is `16 x cin x cout` (``WinogradWeights``).
func winogradConv3x3(
  x: UnsafePointer<Float>, inH: Int, inW: Int, cin: Int, padTop: Int, padLeft: Int,
  y: UnsafeMutablePointer<Float>, outH: Int, outW: Int, cout: Int, u: UnsafePointer<Float>
) {
  let tilesW = (outW + 1) / 2
  let tilesH = (outH + 1) / 2
  guard tilesW > 0, tilesH > 0 else { return }
  let perTileRow = 16 * tilesW * (cin + cout)
  let bandRows = max(1, min(tilesH, winogradScratchLimit / max(1, perTileRow)))
  ScratchPool.withScratch(bandRows * perTileRow) { scratch in
    var firstRow = 0
    while firstRow < tilesH {
      let rows = min(bandRows, tilesH - firstRow)
      let tiles = rows * tilesW
      let v = scratch
      let m = scratch + 16 * tiles * cin
      parallelChunks(tiles, minimumChunk: 8) { range in
        let patch = UnsafeMutablePointer<Float>.allocate(capacity: 16 * cin)
        defer { patch.deallocate() }
        for t in range {
          let iy0 = 2 * (firstRow + t / tilesW) - padTop
          let ix0 = 2 * (t % tilesW) - padLeft
          for r in 0..<4 {
            let iy = iy0 + r
            for s in 0..<4 {
              let ix = ix0 + s
              let destination = patch + (r * 4 + s) * cin
              if iy >= 0, iy < inH, ix >= 0, ix < inW {
                destination.update(from: x + (iy * inW + ix) * cin, count: cin)
              } else {
                destination.update(repeating: 0, count: cin)
              }
            }
          }
          dr_winograd_input(patch, v + t * cin, tiles * cin, cin)
        }
      }
      sgemmBatch(
        count: 16, m: tiles, n: cout, k: cin, a: v, strideA: tiles * cin, b: u, strideB: cin * cout, c: m,
        strideC: tiles * cout)
      parallelChunks(tiles, minimumChunk: 8) { range in
        let out = UnsafeMutablePointer<Float>.allocate(capacity: 4 * cout)
        defer { out.deallocate() }
        for t in range {
          dr_winograd_output(m + t * cout, tiles * cout, out, cout)
          let oy = 2 * (firstRow + t / tilesW)
          let ox = 2 * (t % tilesW)
          for r in 0..<2 where oy + r < outH {
            for s in 0..<2 where ox + s < outW {
              (y + ((oy + r) * outW + ox + s) * cout).update(from: out + (r * 2 + s) * cout, count: cout)
            }
          }
        }
      }
      firstRow += rows
    }
  }
}
