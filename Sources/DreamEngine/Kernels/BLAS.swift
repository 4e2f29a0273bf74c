internal import CBLAS

/// Row-major single-precision GEMM on OpenBLAS:
/// `C[m x n] = alpha * op(A) * op(B) + beta * C`, with leading dimensions given explicitly
/// so callers can address sub-matrices (e.g. a channel slice of an NHWC tensor).
/// `op(A)` is `m x k` (A stored `m x k`, or `k x m` when `transA`), `op(B)` is `k x n`.
func sgemm(
  transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
  alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
  beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
  precondition(m >= 0 && n >= 0 && k >= 0, "sgemm: bad sizes m=\(m) n=\(n) k=\(k)")
  if m == 0 || n == 0 { return }
  // The engine splits the rows of C into fixed blocks of `gemmRowBlock` rows and runs OpenBLAS
  // single-threaded on each block; the blocks are shared out to its threads in contiguous runs. Conv GEMMs are tall and
  // thin (m = pixels, n = channels), where OpenBLAS's own threading barely scaled (measured 72
  // GFLOPS with 2 threads vs 75 with 1 on 1x1 convs). The blocks depend only on m, never on the
  // thread count, and every row of C is computed by one call of the same shape at the same offset
  // within its block, so the result is bit-identical for every thread count.
  let blocks = (m + gemmRowBlock - 1) / gemmRowBlock
  if transA || blocks <= 1 {
    cblas_sgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    return
  }
  parallelChunks(blocks) { range in
    for block in range {
      let first = block * gemmRowBlock
      let rows = min(gemmRowBlock, m - first)
      cblas_sgemm(
        CblasRowMajor, CblasNoTrans, transB ? CblasTrans : CblasNoTrans, Int32(rows),
        Int32(n), Int32(k), alpha, a + first * lda, Int32(lda), b, Int32(ldb), beta,
        c + first * ldc, Int32(ldc))
    }
  }
}

/// Rows of C per single-threaded OpenBLAS call (see `sgemm`). Part of the engine's arithmetic:
/// changing it changes the last bits of results (bump `EngineVersion`).
let gemmRowBlock = 1024

/// GFLOPS of OpenBLAS sgemm on an `m x k` by `k x n` product, best of `repeats` runs, by wall
/// time and per CPU-second (used by dream-bench as the machine's reference speed).
public func measureSgemmGFLOPS(m: Int, n: Int, k: Int, repeats: Int = 5) -> (wall: Double, cpu: Double) {
  let a = FloatBuffer(zeros: m * k)
  let b = FloatBuffer(zeros: k * n)
  let c = FloatBuffer(zeros: m * n)
  for i in 0..<a.count { a.base[i] = Float(i % 7) * 0.1 }
  for i in 0..<b.count { b.base[i] = Float(i % 5) * 0.1 }
  var best = Double.infinity
  var bestCPU = Double.infinity
  // The reference is OpenBLAS at its best: its own threading on one large square product.
  openblas_set_num_threads(Int32(EngineThreads.count))
  defer { openblas_set_num_threads(1) }
  for _ in 0..<max(1, repeats) {
    let start = MonotonicClock.now()
    let cpu = MonotonicClock.processCPUTime()
    cblas_sgemm(
      CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a.base, Int32(k),
      b.base, Int32(n), 0, c.base, Int32(n))
    best = min(best, MonotonicClock.now() - start)
    bestCPU = min(bestCPU, MonotonicClock.processCPUTime() - cpu)
  }
  let flops = 2.0 * Double(m) * Double(n) * Double(k)
  return (flops / best / 1e9, flops / bestCPU / 1e9)
}
