internal import CKernels

/// Elementwise kernels shared by several ops: bias, Relu and its mask, affine constants.
/// All tensors are HWC with channels fastest; `channels` is the innermost size.

/// `y[.., c] = relu?(y[.., c] + bias[c])`, in place.
func applyBiasRelu(_ y: FloatBuffer, channels: Int, bias: FloatBuffer?, relu: Bool) {
  if bias == nil && !relu { return }
  let rows = y.count / max(channels, 1)
  let p = y.base
  let b = bias?.base
  parallelChunks(rows, minimumChunk: 256) { range in
    dr_bias_relu(p + range.lowerBound * channels, b, range.count, channels, relu ? 1 : 0)
  }
}

/// `grad[i] = y[i] > 0 ? grad[i] : 0`, in place (the Relu backward, from the Relu's output).
func maskByPositive(_ grad: FloatBuffer, _ y: FloatBuffer) {
  precondition(grad.count == y.count, "maskByPositive: \(grad.count) vs \(y.count)")
  let g = grad.base
  let v = y.base
  parallelChunks(grad.count, minimumChunk: 1 << 16) { range in
    dr_relu_mask(g + range.lowerBound, v + range.lowerBound, range.count)
  }
}

/// `y = x * scale[c] + shift[c]` per channel (scale/shift of length 1 broadcast to all channels).
func affinePerChannel(
  _ x: FloatBuffer, channels: Int, scale: [Float], shift: [Float], into y: FloatBuffer
) {
  precondition(x.count == y.count, "affinePerChannel: sizes")
  let s = (0..<channels).map { scale.count == 1 ? scale[0] : scale[$0] }
  let t = (0..<channels).map { shift.count == 1 ? shift[0] : shift[$0] }
  let rows = x.count / max(channels, 1)
  let src = x.base
  let dst = y.base
  s.withUnsafeBufferPointer { sp in
    t.withUnsafeBufferPointer { tp in
      parallelChunks(rows, minimumChunk: 1024) { range in
        for r in range {
          for c in 0..<channels {
            dst[r * channels + c] = src[r * channels + c] * sp[c] + tp[c]
          }
        }
      }
    }
  }
}
