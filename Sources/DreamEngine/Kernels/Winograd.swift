internal import CKernels

/// Winograd F(4x4, 3x3) for 3x3 stride-1 convolutions (Lavin & Gray 2015): each 4x4 block of
/// outputs comes from a 6x6 block of inputs through 36 elementwise products in a transformed
/// space, so the multiply count is 36 per 16 outputs instead of 144 (4x fewer). Per band of tiles:
/// the input transform V = B^T d B, 36 GEMMs V[xi] * U[xi] with the weights transformed once at
/// model load (U = G g G^T, cin x cout), and the output transform A^T M A (with the op's bias and
/// Relu). The same kernel computes the input gradient: for a stride-1 3x3 convolution it is a 3x3
/// correlation of dy with the weights flipped in space and transposed in channels, padded by
/// 2 - pad (``WinogradWeights/backward``).
///
/// Layout: a tile's 36 transformed rows are contiguous (`[tile][xi][channel]`), so each
/// transform reads and writes one block; GEMM `xi` reads every tile's row `xi` through a leading
/// dimension of `36 * channels`. Tiles go in chunks small enough for a core's L2 cache, which
/// holds a chunk's transforms and products from one step to the next (a seed frame's 3x3 time
/// went from 1.86 to 1.28 s when whole bands were transformed, multiplied and inverted in turn).
///
/// Thread-count independence: each chunk is one thread's, its GEMMs are single-threaded
/// OpenBLAS calls, and the chunks depend only on the sizes.
struct WinogradWeights: Sendable {
  /// `36 x cin x cout`: U[xi] for the forward pass.
  let forward: FloatBuffer
  /// `36 x cout x cin`: for the input gradient.
  let backward: FloatBuffer

  /// From HWIO weights `3 x 3 x cin x cout`.
  init(weights: FloatBuffer, cin: Int, cout: Int) {
    forward = FloatBuffer(uninitialized: 36 * cin * cout)
    backward = FloatBuffer(uninitialized: 36 * cin * cout)
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
        for xi in 0..<36 {
          forward.base[xi * cin * cout + ci * cout + co] = Float(u[xi])
          backward.base[xi * cin * cout + co * cin + ci] = Float(v[xi])
        }
      }
    }
  }

  /// G g G^T for a row-major 3x3 `g` (in double precision), with G's rows (1/4, 0, 0),
  /// (-1/6, -1/6, -1/6), (-1/6, 1/6, -1/6), (1/24, 1/12, 1/6), (1/24, -1/12, 1/6), (0, 0, 1).
  static func transform(_ g: [Double]) -> [Double] {
    func rows(_ a: Double, _ b: Double, _ c: Double) -> [Double] {
      [a / 4, -(a + b + c) / 6, -(a - b + c) / 6, a / 24 + b / 12 + c / 6, a / 24 - b / 12 + c / 6, c]
    }
    // t = G g: 6 x 3.
    var t = [Double](repeating: 0, count: 18)
    for j in 0..<3 {
      let column = rows(g[j], g[3 + j], g[6 + j])
      for i in 0..<6 { t[i * 3 + j] = column[i] }
    }
    // u = t G^T: 6 x 6.
    var u = [Double](repeating: 0, count: 36)
    for i in 0..<6 {
      let row = rows(t[i * 3], t[i * 3 + 1], t[i * 3 + 2])
      for j in 0..<6 { u[i * 6 + j] = row[j] }
    }
    return u
  }
}

/// Tiles per chunk: a chunk's transformed inputs and products (`36 * (cin + cout)` floats per
/// tile) are sized to stay in a core's 1 MB L2 cache between the transforms and the GEMMs,
/// with at least 16 and at most 256 tiles. Part of the arithmetic: it sets the GEMMs' rows per
/// call, so changing it changes the last bits of results (bump `EngineVersion`).
func winogradChunkTiles(cin: Int, cout: Int) -> Int {
  let budget = (512 << 10) / MemoryLayout<Float>.size
  return min(256, max(16, budget / (36 * (cin + cout))))
}

/// `y = relu?(x (*) w + bias?)` for a 3x3 stride-1 window: `x` is `inH x inW x cin` (HWC), read
/// with `padTop` / `padLeft` zero rows/columns before it (and zeros past its end), `y` is
/// `outH x outW x cout`, `u` is `36 x cin x cout` (``WinogradWeights``).
///
/// Tiles (row-major over the output) are processed in fixed chunks of
/// ``winogradChunkTiles(cin:cout:)``; each chunk is transformed, multiplied and transformed back
/// by one thread, so chunks run concurrently and the result does not depend on the thread count.
func winogradConv3x3(
  x: UnsafePointer<Float>, inH: Int, inW: Int, cin: Int, padTop: Int, padLeft: Int,
  y: UnsafeMutablePointer<Float>, outH: Int, outW: Int, cout: Int, u: UnsafePointer<Float>,
  bias: UnsafePointer<Float>? = nil, relu: Bool = false
) {
  let tilesW = (outW + 3) / 4
  let tileCount = tilesW * ((outH + 3) / 4)
  guard tileCount > 0 else { return }
  let chunk = winogradChunkTiles(cin: cin, cout: cout)
  let chunks = (tileCount + chunk - 1) / chunk
  parallelChunks(chunks) { range in
    let scratch = UnsafeMutablePointer<Float>.allocate(
      capacity: chunk * 36 * (cin + cout) + max(36 * cin, 16 * cout))
    defer { scratch.deallocate() }
    let v = scratch
    let m = scratch + chunk * 36 * cin
    let edge = m + chunk * 36 * cout  // one tile's input or output at the image's edge
    for c in range {
      let first = c * chunk
      let tiles = min(chunk, tileCount - first)
      for t in 0..<tiles {
        let iy0 = 4 * ((first + t) / tilesW) - padTop
        let ix0 = 4 * ((first + t) % tilesW) - padLeft
        if iy0 >= 0, iy0 + 6 <= inH, ix0 >= 0, ix0 + 6 <= inW {
          dr_winograd4_input(x + (iy0 * inW + ix0) * cin, inW * cin, v + t * 36 * cin, cin)
          continue
        }
        for r in 0..<6 {
          let iy = iy0 + r
          for s in 0..<6 {
            let ix = ix0 + s
            let destination = edge + (r * 6 + s) * cin
            if iy >= 0, iy < inH, ix >= 0, ix < inW {
              destination.update(from: x + (iy * inW + ix) * cin, count: cin)
            } else {
              destination.update(repeating: 0, count: cin)
            }
          }
        }
        dr_winograd4_input(edge, 6 * cin, v + t * 36 * cin, cin)
      }
      for xi in 0..<36 {
        sgemmSerial(
          m: tiles, n: cout, k: cin, a: v + xi * cin, lda: 36 * cin, b: u + xi * cin * cout, ldb: cout,
          c: m + xi * cout, ldc: 36 * cout)
      }
      for t in 0..<tiles {
        let oy = 4 * ((first + t) / tilesW)
        let ox = 4 * ((first + t) % tilesW)
        if oy + 4 <= outH, ox + 4 <= outW {
          dr_winograd4_output(
            m + t * 36 * cout, y + (oy * outW + ox) * cout, outW * cout, cout, bias, relu ? 1 : 0)
          continue
        }
        dr_winograd4_output(m + t * 36 * cout, edge, 4 * cout, cout, bias, relu ? 1 : 0)
        for r in 0..<min(4, outH - oy) {
          (y + ((oy + r) * outW + ox) * cout).update(
            from: edge + r * 4 * cout, count: min(4, outW - ox) * cout)
        }
      }
    }
  }
}
