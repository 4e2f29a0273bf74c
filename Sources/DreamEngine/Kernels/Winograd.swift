internal import CKernels

/// Winograd convolutions on 6x6 input tiles (Lavin & Gray 2015), points 0, 1, -1, 2, -2 and
/// infinity: F(n x n, k x k) with n + k = 7 computes n x n outputs of a k x k kernel from 36
/// products, where a direct convolution needs n^2 k^2. All of them share the input transform
/// V = B^T d B; the engine uses
/// - F(4x4, 3x3) for 3x3 stride-1 kernels (36 products instead of 144),
/// - F(2x2, 5x5) for 5x5 stride-1 kernels (36 instead of 100),
/// - F(3x3, 4x4) and F(5x5, 2x2) for the 4x4 and 2x2 kernels that 7x7 and 3x3 stride-2 kernels
///   become after a space-to-depth (``SpaceToDepthConv``).
///
/// Per chunk of tiles: the input transform, 36 GEMMs V[xi] * U[xi] with the weights transformed
/// once at model load (``WinogradWeights``), and the output transform (with the op's bias and
/// Relu). The same kernel computes input gradients: for a stride-1 convolution the gradient is a
/// correlation of dy with the weights flipped in space and transposed in channels, padded by
/// kernel - 1 - pad (``WinogradWeights/backward``).
///
/// Layout: a tile's 36 transformed rows are contiguous (`[tile][xi][channel]`), so each
/// transform reads and writes one block; GEMM `xi` reads every tile's row `xi` through a leading
/// dimension of `36 * channels`. Tiles go in chunks small enough for a core's L2 cache, which
/// holds a chunk's transforms and products from one step to the next (a seed frame's 3x3 time
/// went from 1.86 to 1.28 s when whole bands were transformed, multiplied and inverted in turn).
///
/// Thread-count independence: each chunk is one thread's, its GEMMs are single-threaded
/// OpenBLAS calls, and the chunks depend only on the sizes.
struct WinogradTile: Sendable, Equatable {
  /// Kernel rows and columns: 2...5.
  let kernel: Int
  /// Outputs per tile, in each direction.
  var outputs: Int { 7 - kernel }

  init(kernel: Int) {
    precondition(Self.supports(kernel: kernel), "WinogradTile: no 6x6-tile algorithm for \(kernel)x\(kernel)")
    self.kernel = kernel
  }

  /// Whether a kernel of this size has one.
  static func supports(kernel: Int) -> Bool { (2...5).contains(kernel) }

  /// The output transform to `outputs x outputs` (kernels.c).
  var outputTransform:
    @convention(c) (
      UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int, Int, UnsafePointer<Float>?, Int32
    ) -> Void
  {
    switch outputs {
    case 2: return dr_winograd_output2
    case 3: return dr_winograd_output3
    case 4: return dr_winograd_output4
    default: return dr_winograd_output5
    }
  }

  /// The finite points and their scales f_x = the product over the other finite points y of
  /// (x - y); the point at infinity comes last.
  private static let points: [Double] = [0, 1, -1, 2, -2]
  private static let scales: [Double] = [4, -6, -6, 24, 24]

  /// The filter transform of one row or column of the kernel (`kernel` values `stride` apart in
  /// `g`, six out, `outStride` apart): G g, with G's row for a finite point x
  /// (1, x, x^2, ...) / f_x and for infinity (0, ..., 0, 1). The 1/f scales live here so that the
  /// output transform has integer coefficients (see kernels.c).
  func filterColumn(
    _ g: UnsafePointer<Double>, stride: Int, _ out: UnsafeMutablePointer<Double>, outStride: Int
  ) {
    for (j, x) in Self.points.enumerated() {
      var sum = 0.0
      var power = 1.0
      for k in 0..<kernel {
        sum += power * g[k * stride]
        power *= x
      }
      out[j * outStride] = sum / Self.scales[j]
    }
    out[5 * outStride] = g[(kernel - 1) * stride]
  }

  /// `u` (6 x 6) = the transformed kernel of a row-major `kernel x kernel` `g`, in double
  /// precision; `t` is scratch for `6 * kernel` values.
  func transform(
    _ g: UnsafePointer<Double>, _ u: UnsafeMutablePointer<Double>, scratch t: UnsafeMutablePointer<Double>
  ) {
    let k = kernel
    // t = G g: 6 x k, a column at a time.
    for j in 0..<k { filterColumn(g + j, stride: k, t + j, outStride: k) }
    // u = t G^T: 6 x 6, a row at a time.
    for i in 0..<6 { filterColumn(t + i * k, stride: 1, u + i * 6, outStride: 1) }
  }
}

struct WinogradWeights: Sendable {
  /// The most floats of transformed weights per direction a convolution may have (2^25:
  /// 128 MiB); past it the GEMM path runs. inception_v3's largest 3x3 kernel (448 x 384 channels)
  /// needs 6.2 million.
  static let limit = 1 << 25

  /// Whether `cin x cout` channels stay within ``limit`` (36 / k^2 times a k x k kernel's floats).
  static func fit(cin: Int, cout: Int) -> Bool { 36 * cin * cout <= limit }

  let tile: WinogradTile
  /// `36 x cin x cout`: U[xi] for the forward pass.
  let forward: FloatBuffer
  /// `36 x cout x cin`: from the kernel flipped in space, for the input gradient.
  let backward: FloatBuffer

  /// From HWIO weights `k x k x cin x cout`, `k` the tile's kernel size.
  init(weights: UnsafePointer<Float>, tile: WinogradTile, cin: Int, cout: Int) {
    self.tile = tile
    forward = FloatBuffer(uninitialized: 36 * cin * cout)
    backward = FloatBuffer(uninitialized: 36 * cin * cout)
    let taps = tile.kernel * tile.kernel
    // g, the flipped g, their transforms and the transform's scratch.
    withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * taps + 72 + 6 * tile.kernel) { buffer in
      guard let g = buffer.baseAddress else { return }
      let flipped = g + taps
      let (u, v, t) = (flipped + taps, flipped + taps + 36, flipped + taps + 72)
      for ci in 0..<cin {
        for co in 0..<cout {
          for k in 0..<taps {
            g[k] = Double(weights[k * cin * cout + ci * cout + co])
            flipped[taps - 1 - k] = g[k]
          }
          tile.transform(g, u, scratch: t)
          tile.transform(flipped, v, scratch: t)
          for xi in 0..<36 {
            forward.base[xi * cin * cout + ci * cout + co] = Float(u[xi])
            backward.base[xi * cin * cout + co * cin + ci] = Float(v[xi])
          }
        }
      }
    }
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

/// `y = relu?(x (*) w + bias?)` for a stride-1 window of the tile's kernel size: `x` is
/// `inH x inW x cin` (HWC), read with `padTop` / `padLeft` zero rows/columns before it (and zeros
/// past its end), `y` is `outH x outW x cout`, `u` is `36 x cin x cout` (``WinogradWeights``).
///
/// Tiles (row-major over the output) are processed in fixed chunks of
/// ``winogradChunkTiles(cin:cout:)``; each chunk is transformed, multiplied and transformed back
/// by one thread, so chunks run concurrently and the result does not depend on the thread count.
func winogradConvolve(
  _ tile: WinogradTile, x: UnsafePointer<Float>, inH: Int, inW: Int, cin: Int, padTop: Int, padLeft: Int,
  y: UnsafeMutablePointer<Float>, outH: Int, outW: Int, cout: Int, u: UnsafePointer<Float>,
  bias: UnsafePointer<Float>? = nil, relu: Bool = false
) {
  let n = tile.outputs
  let tilesW = (outW + n - 1) / n
  let tileCount = tilesW * ((outH + n - 1) / n)
  guard tileCount > 0 else { return }
  let chunk = winogradChunkTiles(cin: cin, cout: cout)
  let chunks = (tileCount + chunk - 1) / chunk
  let output = tile.outputTransform
  parallelChunks(chunks) { range in
    let scratch = UnsafeMutablePointer<Float>.allocate(
      capacity: chunk * 36 * (cin + cout) + max(36 * cin, n * n * cout))
    defer { scratch.deallocate() }
    let v = scratch
    let m = scratch + chunk * 36 * cin
    let edge = m + chunk * 36 * cout  // one tile's input or output at the image's edge
    for c in range {
      let first = c * chunk
      let tiles = min(chunk, tileCount - first)
      for t in 0..<tiles {
        let iy0 = n * ((first + t) / tilesW) - padTop
        let ix0 = n * ((first + t) % tilesW) - padLeft
        if iy0 >= 0, iy0 + 6 <= inH, ix0 >= 0, ix0 + 6 <= inW {
          dr_winograd_input(x + (iy0 * inW + ix0) * cin, inW * cin, v + t * 36 * cin, cin)
          continue
        }
        for r in 0..<6 {
          for s in 0..<6 {
            copyPixelOrZero(
              x, height: inH, width: inW, channels: cin, row: iy0 + r, column: ix0 + s,
              to: edge + (r * 6 + s) * cin)
          }
        }
        dr_winograd_input(edge, 6 * cin, v + t * 36 * cin, cin)
      }
      for xi in 0..<36 {
        // At most 256 rows: one single-threaded OpenBLAS call.
        sgemm(
          m: tiles, n: cout, k: cin, a: v + xi * cin, lda: 36 * cin, b: u + xi * cin * cout, ldb: cout,
          beta: 0, c: m + xi * cout, ldc: 36 * cout)
      }
      for t in 0..<tiles {
        let oy = n * ((first + t) / tilesW)
        let ox = n * ((first + t) % tilesW)
        if oy + n <= outH, ox + n <= outW {
          output(m + t * 36 * cout, y + (oy * outW + ox) * cout, outW * cout, cout, bias, relu ? 1 : 0)
          continue
        }
        output(m + t * 36 * cout, edge, n * cout, cout, bias, relu ? 1 : 0)
        for r in 0..<min(n, outH - oy) {
          (y + ((oy + r) * outW + ox) * cout).update(
            from: edge + r * n * cout, count: min(n, outW - ox) * cout)
        }
      }
    }
  }
}

/// Copies pixel (`row`, `column`) of an HWC image into `destination`, or zeros outside the image
/// (the zero padding of a window that reaches past the border).
@inline(__always) func copyPixelOrZero(
  _ x: UnsafePointer<Float>, height: Int, width: Int, channels: Int, row: Int, column: Int,
  to destination: UnsafeMutablePointer<Float>
) {
  if row >= 0, row < height, column >= 0, column < width {
    destination.update(from: x + (row * width + column) * channels, count: channels)
  } else {
    destination.update(repeating: 0, count: channels)
  }
}
