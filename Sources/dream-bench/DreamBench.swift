import ArgumentParser
import DreamEngine
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Measures the engine against this machine's own sgemm speed, in one process, so the ratios
/// hold on a shared, noisy machine.
@main
struct DreamBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dream-bench",
    abstract: "Benchmark dream-run's engine: sgemm GFLOPS, forward+backward GFLOPS, seed zoom frame.")

  @Option(help: "Folder holding googlenet.pb and inception_v3.pb.")
  var models: String = ProcessInfo.processInfo.environment["DREAM_MODELS"] ?? "../shared/models"

  @Option(help: "Threads for OpenBLAS and the engine's loops (default: all cores).")
  var threads: Int?

  @Option(help: "Timed repetitions per case (the best is reported).")
  var repeats: Int = 3

  @Flag(help: "Only the network forward+backward table (skip the zoom frame).")
  var networkOnly = false

  @Flag(help: "Print time per op kind for each network case.")
  var profile = false

  @Option(help: "Input photo for the seed zoom frame (resized to 800x450).")
  var image: String =
    ProcessInfo.processInfo.environment["DREAM_IMAGES"].map { $0 + "/chelsea.png" }
    ?? "../shared/images/chelsea.png"

  @Flag(help: "Only the seed zoom frame (skip the network table).")
  var frameOnly = false

  @Flag(
    help: ArgumentHelp(
      "Only the 3840x2160 frame's peak RSS (what the full run measures in a child).", visibility: .hidden))
  var largeFrameOnly = false

  func run() throws {
    if let threads { EngineThreads.set(threads) }
    if largeFrameOnly { return try largeFrame() }
    print("threads: \(EngineThreads.count)")
    let (sgemm, sgemmCPU) = measureSgemmGFLOPS(m: 2048, n: 2048, k: 2048, repeats: 4)
    print(
      String(
        format:
          "sgemm 2048^3: %.1f GFLOPS wall, %.1f GFLOPS per CPU-second (references for the ratios below)",
        sgemm, sgemmCPU))
    if !frameOnly {
      try codecTimes()
      try networkTable(sgemm: sgemm, sgemmCPU: sgemmCPU)
    }
    if !networkOnly {
      try seedFrame(sgemm: sgemm)
    }
  }

  /// Encode and decode times of a seed-sized frame (800x450, a smooth gradient) per format.
  func codecTimes() throws {
    let (width, height) = (800, 450)
    var pixels = [Float](repeating: 0, count: width * height * 3)
    for y in 0..<height {
      for x in 0..<width {
        let i = (y * width + x) * 3
        pixels[i] = Float(x * 255 / width)
        pixels[i + 1] = Float(y * 255 / height)
        pixels[i + 2] = Float((x + y) % 256)
      }
    }
    let image = RGBImage(width: width, height: height, pixels: pixels)
    print("")
    let formats: [(String, ImageFormat)] = [
      ("png", .png), ("jpeg q95 4:2:0", .jpeg(quality: 95)),
      ("jpeg q95 4:4:4", .jpeg(quality: 95, subsampling: .yuv444)),
    ]
    for (name, format) in formats {
      var bytes: [UInt8] = []
      let start = MonotonicClock.now()
      for _ in 0..<repeats { bytes = try ImageCodec.encode(image, as: format) }
      let encoded = MonotonicClock.now()
      for _ in 0..<repeats { _ = try ImageCodec.decode(bytes, name: "bench") }
      let decoded = MonotonicClock.now()
      print(
        String(
          format: "codec 800x450 %@: encode %.2f ms, decode %.2f ms, %d bytes", name,
          (encoded - start) * 1000 / Double(repeats), (decoded - encoded) * 1000 / Double(repeats),
          bytes.count))
    }
  }

  func networkTable(sgemm: Double, sgemmCPU: Double) throws {
    print("")
    print(
      "| model | layer | size | fwd+bwd ms | GFLOPS | ratio to sgemm (wall) | ratio (CPU time) | peak RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|")
    let cases: [(String, String)] = [
      ("googlenet.pb", "inception_4c/output"), ("inception_v3.pb", "mixed_5/join"),
    ]
    for (file, layer) in cases {
      let url = URL(fileURLWithPath: models).appendingPathComponent(file)
      let model = try Model(contentsOf: url)
      let network = try Network(model: model, objective: .meanSquare(layer))
      for (w, h) in [(224, 224), (800, 450)] {
        let input = Tensor(
          shape: TensorShape(height: h, width: w, channels: 3),
          values: (0..<(w * h * 3)).map { Float(($0 * 7919) % 256) })
        _ = try network.lossAndGradient(input)  // warm-up
        var best = Double.infinity
        var bestCPU = Double.infinity
        for _ in 0..<max(1, repeats) {
          let start = MonotonicClock.now()
          let cpu = MonotonicClock.processCPUTime()
          _ = try network.lossAndGradient(input)
          best = min(best, MonotonicClock.now() - start)
          bestCPU = min(bestCPU, MonotonicClock.processCPUTime() - cpu)
        }
        let gflops = try network.convolutionFLOPs(width: w, height: h) / best / 1e9
        let flops = try network.convolutionFLOPs(width: w, height: h)
        let cpuRatio = (flops / bestCPU / 1e9) / sgemmCPU
        print(
          String(
            format: "| %@ | %@ | %dx%d | %.1f | %.1f | %.2f | %.2f | %.0f |", file, layer, w, h, best * 1000,
            gflops, gflops / sgemm, cpuRatio, peakRSSMegabytes()))
        if profile {
          let p = OpProfile()
          network.profile = p
          _ = try network.lossAndGradient(input)
          network.profile = nil
          print(p.report)
        }
      }
    }
  }
}

/// The process's peak resident set size so far, in MB.
func peakRSSMegabytes() -> Double {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return Double(usage.ru_maxrss) / 1024
}
