import DreamTestSupport
import DreamEngine
import XCTest

/// Every op's backward pass against central finite differences of `L = sum(w * op(x))`, and the
/// fast convolution against its plain-loop reference.
final class OpGradientTests: XCTestCase {
  /// Checks `backward` (dL/dx for dL/dy = w) against central differences with step `eps`.
  /// Inputs are spread so max-pool windows have no near-ties (the non-smooth points).
  private func checkGradient(
    _ name: String, x: Tensor, eps: Float = 1e-2, tolerance: Double = 2e-3,
    forward: (Tensor) -> Tensor, backward: (Tensor, Tensor, Tensor) -> Tensor,
    file: StaticString = #filePath, line: UInt = #line
  ) {
    var rng = TestRandom(seed: 42)
    let y = forward(x)
    let w = rng.tensor(y.shape)
    let dy = Tensor(shape: y.shape, values: w.values)
    let analytic = backward(x, y, dy).values
    func loss(_ v: [Float]) -> Double {
      let out = forward(Tensor(shape: x.shape, values: v)).values
      var s = 0.0
      for i in 0..<out.count { s += Double(out[i]) * Double(w.values[i]) }
      return s
    }
    var numeric = [Float](repeating: 0, count: x.shape.count)
    var v = x.values
    for i in 0..<v.count {
      let keep = v[i]
      v[i] = keep + eps
      let plus = loss(v)
      v[i] = keep - eps
      let minus = loss(v)
      v[i] = keep
      numeric[i] = Float((plus - minus) / Double(2 * eps))
    }
    let error = relativeL2(analytic, numeric)
    XCTAssertLessThan(error, tolerance, "\(name): relative L2 error \(error)", file: file, line: line)
  }

  private func distinctInput(_ shape: TensorShape, seed: UInt64) -> Tensor {
    // A shuffled ramp: values differ by at least 0.05, so +-eps never reorders a pool window.
    var rng = TestRandom(seed: seed)
    var values = (0..<shape.count).map { Float($0) * 0.05 - Float(shape.count) * 0.025 }
    for i in stride(from: values.count - 1, to: 0, by: -1) {
      values.swapAt(i, Int(rng.next() % UInt64(i + 1)))
    }
    return Tensor(shape: shape, values: values)
  }

  /// Every op kind a network can hold is checked against finite differences. The switch is
  /// exhaustive: a new op kind does not compile until its check is added here.
  func testEveryOpKindMatchesFiniteDifferences() {
    for kind in OpKind.allCases {
      switch kind {
      case .conv: checkConv2DGradients()
      case .pool: checkPoolGradients()
      case .lrn: checkLRNGradients()
      case .affine: checkAffineGradient()
      case .biasRelu: checkBiasReluGradient()
      case .concat: checkConcatGradient()
      }
    }
  }

  private func checkConv2DGradients() {
    var rng = TestRandom(seed: 1)
    let cases: [(Int, Int, Int, Int, Padding, Bool)] = [
      (3, 3, 1, 1, .same, true), (3, 3, 2, 2, .same, false), (3, 3, 2, 2, .valid, true),
      (7, 7, 2, 2, .same, false), (1, 1, 1, 1, .valid, true), (1, 7, 1, 1, .same, false),
      (7, 1, 1, 1, .same, true), (5, 5, 1, 1, .same, false), (1, 1, 2, 2, .same, false),
    ]
    for (kh, kw, sh, sw, padding, relu) in cases {
      let conv = Conv2D(
        kernelH: kh, kernelW: kw, inChannels: 3, outChannels: 4, strideH: sh, strideW: sw,
        padding: padding, weights: rng.buffer(kh * kw * 12), bias: rng.buffer(4, -0.2, 0.2),
        relu: relu)
      let x = rng.tensor(TensorShape(height: 9, width: 8, channels: 3))
      checkGradient(
        "conv \(kh)x\(kw)/\(sh) \(padding) relu=\(relu)", x: x, eps: 1e-3, tolerance: 5e-3,
        forward: { conv.forward($0) },
        backward: { x, y, dy in conv.backward(inputShape: x.shape, y: y, dy: dy) })
    }
  }

  func testFastConvMatchesNaiveReference() {
    var rng = TestRandom(seed: 2)
    let cases: [(Int, Int, Int, Int, Padding, Int, Int)] = [
      (3, 3, 1, 1, .same, 5, 7), (3, 3, 2, 2, .valid, 4, 6), (7, 7, 2, 2, .same, 3, 8),
      (1, 1, 1, 1, .same, 16, 8), (1, 7, 1, 1, .same, 6, 5), (7, 1, 1, 1, .same, 6, 5),
      (5, 5, 1, 1, .same, 2, 3), (2, 2, 3, 2, .valid, 3, 2),
      // Winograd F(4x4, 3x3): VALID (gradient padded by 2), more channels than outputs, and
      // enough channels for several chunks of tiles at 41x38.
      (3, 3, 1, 1, .valid, 9, 4), (3, 3, 1, 1, .same, 64, 48),
      // Space-to-depth + Winograd F(3x3, 4x4): VALID, and channels past the 8-lane vectors.
      (7, 7, 2, 2, .valid, 3, 8), (7, 7, 2, 2, .same, 5, 13),
      // The other 6x6-tile algorithms: F(2x2, 5x5), F(5x5, 2x2), F(3x3, 4x4) at stride 1, and
      // space-to-depth of 3x3 and 4x4 stride-2 kernels (to 2x2).
      (5, 5, 1, 1, .valid, 9, 12), (2, 2, 1, 1, .valid, 3, 5), (4, 4, 1, 1, .same, 6, 4),
      (3, 3, 2, 2, .same, 12, 9), (4, 4, 2, 2, .same, 3, 4),
      // An even kernel, VALID: the last input row and column belong to no window.
      (4, 4, 2, 2, .valid, 3, 4),
    ]
    for (kh, kw, sh, sw, padding, cin, cout) in cases {
      let conv = Conv2D(
        kernelH: kh, kernelW: kw, inChannels: cin, outChannels: cout, strideH: sh, strideW: sw,
        padding: padding, weights: rng.buffer(kh * kw * cin * cout), bias: rng.buffer(cout),
        relu: true)
      for (h, w) in [(11, 13), (8, 8), (15, 7), (41, 38)] {
        let x = rng.tensor(TensorShape(height: h, width: w, channels: cin))
        let fast = conv.forward(x)
        let naive = conv.naiveForward(x)
        XCTAssertEqual(fast.shape, naive.shape)
        // Both sides round in float; the plain loop's own error grows with its sums' length
        // (about 1.5e-6 for 64 x 9 terms of random signs), and the Winograd transforms round
        // more than a direct sum (F(5x5, 2x2)'s output coefficients reach 16): about 1.2e-6.
        let winograd = kh == kw && kh > 1 && (sh == 1 && sw == 1 && kh <= 5 || sh == 2 && sw == 2 && kh <= 10)
        let tolerance = kh * kw * max(cin, cout) > 300 ? 5e-6 : winograd ? 3e-6 : 1e-6
        XCTAssertLessThan(
          relativeL2(fast.values, naive.values), tolerance, "forward \(kh)x\(kw)/\(sh) \(padding) \(h)x\(w)")
        let dy = rng.tensor(fast.shape)
        let fastDx = conv.backward(
          inputShape: x.shape, y: fast, dy: Tensor(shape: dy.shape, values: dy.values))
        let naiveDx = conv.naiveBackward(inputShape: x.shape, y: naive, dy: dy)
        XCTAssertLessThan(
          relativeL2(fastDx.values, naiveDx.values), tolerance,
          "backward \(kh)x\(kw)/\(sh) \(padding) \(h)x\(w)")
      }
    }
  }

  /// A NaN reaching a fused Relu stays NaN on every convolution path (GEMM, Winograd,
  /// space-to-depth), so a broken model ends in a NaN image, which stops the run with a message,
  /// rather than in quietly zeroed activations.
  func testFusedReluKeepsNaN() {
    var rng = TestRandom(seed: 3)
    for (k, stride) in [(1, 1), (3, 1), (7, 2)] {
      let conv = Conv2D(
        kernelH: k, kernelW: k, inChannels: 3, outChannels: 8, strideH: stride, strideW: stride,
        padding: .same,
        weights: rng.buffer(k * k * 3 * 8), bias: rng.buffer(8), relu: true)
      var values = rng.tensor(TensorShape(height: 16, width: 16, channels: 3)).values
      values[(8 * 16 + 8) * 3] = .nan
      let y = conv.forward(Tensor(shape: TensorShape(height: 16, width: 16, channels: 3), values: values))
      XCTAssertTrue(y.values.contains { $0.isNaN }, "\(k)x\(k)/\(stride): the NaN was zeroed")
      XCTAssertFalse(y.values.contains { $0 < 0 }, "\(k)x\(k)/\(stride): a negative passed the Relu")
    }
  }

  private func checkPoolGradients() {
    for kind in [Pool.Kind.max, .average] {
      for (k, s, padding) in [(3, 2, Padding.same), (3, 2, .valid), (3, 1, .same), (2, 2, .valid)] {
        let pool = Pool(kind: kind, kernelH: k, kernelW: k, strideH: s, strideW: s, padding: padding)
        for (h, w) in [(7, 9), (8, 6)] {
          let x = distinctInput(TensorShape(height: h, width: w, channels: 3), seed: UInt64(h * w))
          checkGradient(
            "\(kind) pool \(k)/\(s) \(padding) \(h)x\(w)", x: x, eps: 1e-2, tolerance: 1e-3,
            forward: { pool.forward($0) },
            backward: { x, y, dy in
              let argmax = kind == .max ? pool.forwardRecordingArgmax(x).1 : nil
              if kind == .max { XCTAssertEqual(pool.forwardRecordingArgmax(x).0.values, y.values) }
              return pool.backward(inputShape: x.shape, argmax: argmax, dy: dy)
            })
        }
      }
    }
  }

  func testAvgPoolDividesByValidCellsOnly() {
    let pool = Pool(kind: .average, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1, padding: .same)
    let x = Tensor(shape: TensorShape(height: 2, width: 2, channels: 1), values: [1, 2, 3, 4])
    // Every 3x3 window covers the whole 2x2 input: the mean of 4 cells, not 4/9 of it.
    XCTAssertEqual(pool.forward(x).values, [2.5, 2.5, 2.5, 2.5])
  }

  func testMaxPoolPaddingNeverWins() {
    let pool = Pool(kind: .max, kernelH: 3, kernelW: 3, strideH: 2, strideW: 2, padding: .same)
    let x = Tensor(shape: TensorShape(height: 2, width: 2, channels: 1), values: [-5, -4, -3, -2])
    XCTAssertEqual(pool.forward(x).values, [-2])
  }

  private func checkLRNGradients() {
    var rng = TestRandom(seed: 3)
    for lrn in [
      LRN(depthRadius: 2, bias: 2, alpha: 0.1, beta: 0.5),
      LRN(depthRadius: 5, bias: 1, alpha: 1e-2, beta: 0.75),
    ] {
      let x = rng.tensor(TensorShape(height: 3, width: 4, channels: 9), -2, 2)
      checkGradient(
        "lrn r=\(lrn.depthRadius)", x: x, eps: 1e-2, tolerance: 2e-3, forward: { lrn.forward($0) },
        backward: { x, _, dy in lrn.backward(x: x, dy: dy) })
    }
  }

  private func checkAffineGradient() {
    var rng = TestRandom(seed: 4)
    let x = rng.tensor(TensorShape(height: 4, width: 5, channels: 3))
    checkGradient(
      "affine", x: x, forward: { Self.affine.forward($0) },
      backward: { _, _, dy in Self.affine.backward(dy: dy) })
  }

  private func checkBiasReluGradient() {
    let biasRelu = BiasRelu(bias: FloatBuffer([0.125, -0.225, 0.325]), relu: true)  // x + b stays 0.025 off 0
    checkGradient(
      "bias+relu", x: distinctInput(TensorShape(height: 4, width: 5, channels: 3), seed: 9),
      forward: { biasRelu.forward($0) }, backward: { _, y, dy in biasRelu.backward(y: y, dy: dy) })
  }

  /// Concat of x with a function of x: the gradients of both parts must add up.
  private func checkConcatGradient() {
    var rng = TestRandom(seed: 4)
    let x = rng.tensor(TensorShape(height: 4, width: 5, channels: 3))
    let concat = Concat()
    let affine = Self.affine
    let forward: (Tensor) -> Tensor = { x in concat.forward([x, affine.forward(x)]) }
    checkGradient(
      "concat", x: x, forward: forward,
      backward: { x, _, dy in
        let parts = concat.backward(inputShapes: [x.shape, x.shape], dy: dy)
        let viaAffine = affine.backward(dy: parts[1]).values
        return Tensor(shape: x.shape, values: zip(parts[0].values, viaAffine).map { $0 + $1 })
      })
  }

  private static let affine = Affine(scale: [0.5, -2, 3], shift: [1, 2, 3])
}
