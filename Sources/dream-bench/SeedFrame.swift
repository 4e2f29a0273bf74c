import DreamEngine
import Foundation

/// Wraps a network to time its gradient calls and count their convolution FLOPs.
final class TimedSource: GradientSource {
  let network: Network
  private(set) var seconds = 0.0
  private(set) var flops = 0.0
  private(set) var calls = 0

  init(_ network: Network) { self.network = network }

  var minimumInputSize: Int { network.minimumInputSize }
  var concurrentImages: Int { network.concurrentImages }

  func lossAndGradients(of images: [RGBImage]) throws -> [(loss: Float, gradient: RGBImage)] {
    let start = MonotonicClock.now()
    defer {
      seconds += MonotonicClock.now() - start
      calls += images.count
    }
    for image in images { flops += try network.convolutionFLOPs(width: image.width, height: image.height) }
    return try network.lossAndGradients(of: images)
  }

  func lossAndGradient(of image: RGBImage) throws -> (loss: Float, gradient: RGBImage) {
    let start = MonotonicClock.now()
    defer {
      seconds += MonotonicClock.now() - start
      calls += 1
    }
    flops += try network.convolutionFLOPs(width: image.width, height: image.height)
    return try network.lossAndGradient(of: image)
  }
}

extension DreamBench {
  /// The seed's zoom frame: 800x450, googlenet layer index 3, 20 iterations, step 1.0,
  /// rescale 0.7, 1 repeat, blend 0.2, 8-bit octave resizes, 3-D smoothing (the anchors'
  /// seed_tf.py / seed_torch.py run the same algorithm on the same .pb).
  func seedFrame(sgemm: Double) throws {
    let model = try Model(contentsOf: URL(fileURLWithPath: models).appendingPathComponent("googlenet.pb"))
    let layer = try model.resolve(.index(3))
    let source = TimedSource(try Network(model: model, objective: .meanSquare(layer)))
    let ops = ImageOps(threads: EngineThreads.count)
    let photo = try ImageCodec.read(contentsOf: URL(fileURLWithPath: image))
    let input = try ops.resizeLanczos(photo, width: 800, height: 450, precision: .eightBit)
    let parameters = ClassicDreamParameters(
      iterations: 20, stepSize: 1.0, tileSize: 400, repeats: 1, rescaleFactor: 0.7, blend: 0.2,
      smoothing: .volumetric, quantizeOctaves: true)
    let dreamer = Dreamer(source: source, threads: EngineThreads.count)
    _ = try source.lossAndGradient(of: RGBImage(width: 64, height: 64, fill: 0))  // warm-up
    var times: [Double] = []
    var gradientShare: [Double] = []
    var ratios: [Double] = []
    var frameFLOPs: [Double] = []
    for run in 0..<max(1, repeats) {
      let before = (source.seconds, source.flops)
      let start = MonotonicClock.now()
      _ = try dreamer.run(input, algorithm: .classic(parameters), seed: UInt64(run))
      let total = MonotonicClock.now() - start
      let gradientSeconds = source.seconds - before.0
      times.append(total)
      gradientShare.append(gradientSeconds / total)
      ratios.append((source.flops - before.1) / gradientSeconds / 1e9 / sgemm)
      frameFLOPs.append(source.flops - before.1)
    }
    if profile {
      let p = OpProfile()
      source.network.profile = p
      _ = try dreamer.run(input, algorithm: .classic(parameters), seed: 0)
      source.network.profile = nil
      print("profile of one frame's gradient calls:\n" + p.report)
    }
    let best = times.indices.min { times[$0] < times[$1] } ?? 0
    print("")
    print("seed zoom frame (800x450, \(layer), 20 iterations x 2 scales, tile 400):")
    print(
      String(
        format:
          "  %.2f s per frame (best of %d; all: %@); gradients %.0f%% of it at %.2f of sgemm; peak RSS %.0f MB",
        times[best], times.count, times.map { String(format: "%.2f", $0) }.joined(separator: ", "),
        gradientShare[best] * 100, ratios[best], peakRSSMegabytes()))
    // The frame against the time its direct-convolution FLOPs take at this process's sgemm rate.
    let floor = frameFLOPs[best] / (sgemm * 1e9)
    print(String(format: "  direct-convolution work: %.1f GFLOP per frame", frameFLOPs[best] / 1e9))
    print(
      String(
        format: "seed-frame: %.2f s  gemm-floor: %.2f s  ratio: %.2f", times[best], floor, times[best] / floor
      ))
  }
}
