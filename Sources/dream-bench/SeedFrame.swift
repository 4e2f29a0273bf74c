import DreamEngine
import DreamVocabulary
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
  /// One seed-algorithm frame timed: the best of `repeats` runs and its direct-convolution FLOPs.
  struct FrameTiming {
    let seconds: [Double]
    let best: Int
    let gradientShare: Double
    let sgemmRatio: Double
    let flops: Double

    var time: Double { seconds[best] }
  }

  /// The seed's classic algorithm (20 iterations, step 1.0, rescale 0.7, 1 repeat, blend 0.2,
  /// 8-bit octave resizes, 3-D smoothing, tile 400) on `layer` of `file` at `width x height`.
  func timeFrame(
    file: String, layer: LayerReference, width: Int, height: Int, iterations: Int = 20, runs: Int,
    sgemm: Double, profileTitle: String? = nil
  ) throws -> FrameTiming {
    let model = try Model(contentsOf: URL(fileURLWithPath: models).appendingPathComponent(file))
    let name = try model.resolve(layer)
    let source = TimedSource(try Network(model: model, objective: .meanSquare(name)))
    let ops = ImageOps(threads: EngineThreads.count)
    let photo = try ImageCodec.read(contentsOf: URL(fileURLWithPath: image))
    let input = try ops.resizeLanczos(photo, width: width, height: height, precision: .eightBit)
    let parameters = ClassicDreamParameters(
      iterations: iterations, stepSize: 1.0, tileSize: 400, repeats: 1, rescaleFactor: 0.7, blend: 0.2,
      smoothing: .volumetric, quantizeOctaves: true)
    let dreamer = Dreamer(source: source, threads: EngineThreads.count)
    _ = try source.lossAndGradient(of: RGBImage(width: 96, height: 96, fill: 0))  // warm-up
    var times: [Double] = []
    var gradientShare: [Double] = []
    var ratios: [Double] = []
    var frameFLOPs: [Double] = []
    for run in 0..<max(1, runs) {
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
    if let profileTitle {
      let p = OpProfile()
      source.network.profile = p
      _ = try dreamer.run(input, algorithm: .classic(parameters), seed: 0)
      source.network.profile = nil
      print("\(profileTitle):\n" + p.report)
    }
    let best = times.indices.min { times[$0] < times[$1] } ?? 0
    return FrameTiming(
      seconds: times, best: best, gradientShare: gradientShare[best], sgemmRatio: ratios[best],
      flops: frameFLOPs[best])
  }

  /// The seed's zoom frame on googlenet layer 3 (800x450; the anchors' seed_tf.py / seed_torch.py
  /// run the same algorithm on the same .pb), the same algorithm on inception_v3's mixed_5/join,
  /// and the peak RSS of a 3840x2160 frame (measured in a child process of its own, so nothing
  /// else this process did counts). Ends with the `seed-frame:` line.
  func seedFrame(sgemm: Double) throws {
    let google = try timeFrame(
      file: "googlenet.pb", layer: .index(3), width: 800, height: 450, runs: repeats, sgemm: sgemm,
      profileTitle: profile ? "profile of one frame's gradient calls" : nil)
    let googleRSS = peakRSSMegabytes()  // before inception_v3 raises it
    let v3 = try timeFrame(
      file: "inception_v3.pb", layer: .name("mixed_5/join"), width: 800, height: 450, runs: repeats,
      sgemm: sgemm)
    let rss = try largeFramePeakRSS()
    print("")
    print("seed zoom frame (800x450, googlenet layer 3, 20 iterations x 2 scales, tile 400):")
    print(
      String(
        format:
          "  %.2f s per frame (best of %d; all: %@); gradients %.0f%% of it at %.2f of sgemm; peak RSS %.0f MB",
        google.time, google.seconds.count,
        google.seconds.map { String(format: "%.2f", $0) }.joined(separator: ", "),
        google.gradientShare * 100, google.sgemmRatio, googleRSS))
    print(String(format: "  direct-convolution work: %.1f GFLOP per frame", google.flops / 1e9))
    let v3Floor = v3.flops / (sgemm * 1e9)
    print(
      String(
        format:
          "inception_v3-frame (mixed_5/join, 800x450, same algorithm): %.2f s  gemm-floor: %.2f s  ratio: %.2f",
        v3.time, v3Floor, v3.time / v3Floor))
    print(rss)
    // The frame against the time its direct-convolution FLOPs take at this process's sgemm rate.
    let floor = google.flops / (sgemm * 1e9)
    print(
      String(
        format: "seed-frame: %.2f s  gemm-floor: %.2f s  ratio: %.2f", google.time, floor, google.time / floor
      ))
  }

  /// `frame 3840x2160 ... peak RSS N MB`, from `dream-bench --large-frame-only` run as a child.
  func largeFramePeakRSS() throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    if !FileManager.default.isExecutableFile(atPath: process.executableURL?.path ?? "") {
      process.executableURL = Bundle.main.executableURL
    }
    process.arguments =
      ["--large-frame-only", "--models", models, "--image", image]
      + (threads.map { ["--threads", "\($0)"] } ?? [])
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return text.split(separator: "\n").last.map(String.init) ?? "frame 3840x2160: no result"
  }

  /// One iteration per scale of the seed algorithm at 3840x2160 on googlenet inception_4c/output:
  /// the peak RSS of a 4K frame (tiles bound it; more iterations do not raise it).
  func largeFrame() throws {
    let timing = try timeFrame(
      file: "googlenet.pb", layer: .name("inception_4c/output"), width: 3840, height: 2160, iterations: 1,
      runs: 1, sgemm: 1)
    print(
      String(
        format:
          "frame 3840x2160 (googlenet inception_4c/output, tile 400, 1 iteration x 2 scales): %.1f s, peak RSS %.0f MB",
        timing.time, peakRSSMegabytes()))
  }
}
