/// Fast convolution kernels: im2col + OpenBLAS sgemm (forward) and sgemm + col2im (input
/// gradient). Layouts: input `x` is HWC (`input.height x input.width x cin`), weights are HWIO
/// (`kh x kw x cin x cout`, i.e. a row-major `[kh*kw*cin, cout]` matrix), output HWC.
/// Patches are rows (`[outH*outW, kh*kw*cin]`), so no weight transpose is ever needed.

/// Upper bound on the im2col scratch (floats): 1 MB, so that a block's patches are still in the
/// cache when the GEMM reads them (the first layer's forward pass: 840-1004 ms of a seed frame with
/// 64 MB blocks, 680-712 ms with these, measured alternately in one session). Larger inputs are
/// processed in row blocks. Part of the arithmetic: it sets the GEMMs' rows per call, so changing it
/// changes the last bits of results (bump `EngineVersion`).
let im2colScratchLimit = 256 << 10

/// Output rows per block so one block's patch matrix stays under `im2colScratchLimit`.
private func rowsPerBlock(_ g: WindowGeometry) -> Int {
  let patch = g.kernelH * g.kernelW * g.input.channels
  return max(1, min(g.outH, im2colScratchLimit / max(1, g.outW * patch)))
}

/// Copies the patches of output rows `rows` into `patches` (`[rows.count*outW, kh*kw*cin]`).
private func im2col(
  _ x: UnsafePointer<Float>, _ g: WindowGeometry, rows: Range<Int>,
  _ patches: UnsafeMutablePointer<Float>
) {
  let cin = g.input.channels
  let patchLen = g.kernelH * g.kernelW * cin
  parallelChunks(rows.count * g.outW, minimumChunk: 64) { range in
    for r in range {
      let oy = rows.lowerBound + r / g.outW
      let ox = r % g.outW
      let dst = patches + r * patchLen
      let iy0 = oy * g.strideH - g.padTop
      let ix0 = ox * g.strideW - g.padLeft
      for ky in 0..<g.kernelH {
        let iy = iy0 + ky
        let rowDst = dst + ky * g.kernelW * cin
        if iy < 0 || iy >= g.input.height {
          rowDst.update(repeating: 0, count: g.kernelW * cin)
          continue
        }
        let valid = g.validKernelCols(ox)
        if valid.lowerBound > 0 { rowDst.update(repeating: 0, count: valid.lowerBound * cin) }
        if !valid.isEmpty {
          let src = x + ((iy * g.input.width) + ix0 + valid.lowerBound) * cin
          (rowDst + valid.lowerBound * cin).update(from: src, count: valid.count * cin)
        }
        if valid.upperBound < g.kernelW {
          (rowDst + valid.upperBound * cin).update(
            repeating: 0, count: (g.kernelW - valid.upperBound) * cin)
        }
      }
    }
  }
}

/// Adds the patch gradients of output rows `rows` back into `dx` (the adjoint of `im2col`).
///
/// Output rows are grouped in bands of `band` rows, where a band's input rows never overlap the
/// band after next; even bands run in parallel, then odd bands. Every `dx` element therefore
/// receives its contributions in one fixed order whatever the thread count.
private func col2imAdd(
  _ patches: UnsafePointer<Float>, _ g: WindowGeometry, rows: Range<Int>,
  _ dx: UnsafeMutablePointer<Float>
) {
  let cin = g.input.channels
  let patchLen = g.kernelH * g.kernelW * cin
  let band = max(4, (g.kernelH - 1) / g.strideH + 1)
  let bands = (rows.count + band - 1) / band
  for parity in 0..<2 {
    let mine = (bands - parity + 1) / 2
    parallelChunks(mine) { chunk in
      for b in chunk {
        let first = rows.lowerBound + (2 * b + parity) * band
        for oy in first..<min(rows.upperBound, first + band) {
          let iy0 = oy * g.strideH - g.padTop
          let kyRange = g.validKernelRows(oy)
          for ox in 0..<g.outW {
            let src = patches + ((oy - rows.lowerBound) * g.outW + ox) * patchLen
            let ix0 = ox * g.strideW - g.padLeft
            let cols = g.validKernelCols(ox)
            let run = cols.count * cin
            for ky in kyRange {
              // The valid columns of one kernel row are contiguous in both dx and the patch.
              let d = dx + ((iy0 + ky) * g.input.width + ix0 + cols.lowerBound) * cin
              let p = src + (ky * g.kernelW + cols.lowerBound) * cin
              for i in 0..<run { d[i] += p[i] }
            }
          }
        }
      }
    }
  }
}

/// `y = x (*) w` for one image (no bias, no activation). `y` is `outH*outW x cout`.
func convForwardGEMM(
  x: UnsafePointer<Float>, geometry g: WindowGeometry, weights: UnsafePointer<Float>, cout: Int,
  y: UnsafeMutablePointer<Float>
) {
  let patchLen = g.kernelH * g.kernelW * g.input.channels
  if g.isPointwise {
    sgemm(
      m: g.outH * g.outW, n: cout, k: patchLen, a: x, lda: patchLen, b: weights, ldb: cout,
      beta: 0, c: y, ldc: cout)
    return
  }
  let block = rowsPerBlock(g)
  ScratchPool.withScratch(block * g.outW * patchLen) { scratch in
    var oy = 0
    while oy < g.outH {
      let rows = oy..<min(g.outH, oy + block)
      im2col(x, g, rows: rows, scratch)
      sgemm(
        m: rows.count * g.outW, n: cout, k: patchLen, a: scratch, lda: patchLen, b: weights,
        ldb: cout, beta: 0, c: y + oy * g.outW * cout, ldc: cout)
      oy = rows.upperBound
    }
  }
}

/// `dx = conv_transpose(dy, w)`: the gradient of `convForwardGEMM` with respect to `x`.
/// `dx` (`input.height x input.width x cin`) is overwritten.
func convBackwardInputGEMM(
  dy: UnsafePointer<Float>, geometry g: WindowGeometry, weights: UnsafePointer<Float>, cout: Int,
  dx: UnsafeMutablePointer<Float>
) {
  let patchLen = g.kernelH * g.kernelW * g.input.channels
  if g.isPointwise {
    sgemm(
      transB: true, m: g.outH * g.outW, n: patchLen, k: cout, a: dy, lda: cout, b: weights,
      ldb: cout, beta: 0, c: dx, ldc: patchLen)
    return
  }
  dx.update(repeating: 0, count: g.input.count)
  let block = rowsPerBlock(g)
  ScratchPool.withScratch(block * g.outW * patchLen) { scratch in
    var oy = 0
    while oy < g.outH {
      let rows = oy..<min(g.outH, oy + block)
      sgemm(
        transB: true, m: rows.count * g.outW, n: patchLen, k: cout, a: dy + oy * g.outW * cout,
        lda: cout, b: weights, ldb: cout, beta: 0, c: scratch, ldc: patchLen)
      col2imAdd(scratch, g, rows: rows, dx)
      oy = rows.upperBound
    }
  }
}
