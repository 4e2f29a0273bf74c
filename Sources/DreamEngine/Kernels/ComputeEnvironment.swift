import Foundation

internal import CBLAS
internal import CImageCodecs

/// What, besides the recipe, the model and dream-run's own version, decides the bits of a render
/// on this machine: the OpenBLAS build and the kernel family ("core") it chose for this CPU, the
/// CPU features that select dream-run's own multiversioned kernels, and the codec libraries.
///
/// On one machine, renders are bit-identical at every thread count. Across machines they are
/// bit-identical when every field but `cpuModel` agrees; OpenBLAS's core is the field that
/// usually differs, and `OPENBLAS_CORETYPE` (read by OpenBLAS when the process starts) pins it.
public struct ComputeEnvironment: Sendable, Equatable, Codable {
  /// `openblas_get_config()`: version, build options and the chosen core.
  public var openBLAS: String
  /// `openblas_get_corename()`: the kernel family in use (e.g. `Haswell`, `Zen`, `SkylakeX`).
  public var blasCore: String
  /// `OPENBLAS_CORETYPE` as this process started with it; nil when OpenBLAS chose freely.
  public var blasCorePin: String?
  /// The CPU features that select kernels (OpenBLAS's and dream-run's `avx2` clones).
  public var cpuFeatures: [String]
  /// The CPU's model name, for people (it decides no bit by itself).
  public var cpuModel: String
  /// libpng's version (PNG references and frames are lossless, so it only matters for bytes).
  public var libpng: String
  /// libjpeg's version (decides the bytes of .jpg frames, never the reference PNGs).
  public var libjpeg: String

  /// The features that choose kernels on x86-64 (a subset of /proc/cpuinfo's flags).
  static let relevantFeatures = [
    "sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_bf16",
  ]

  public init(
    openBLAS: String, blasCore: String, blasCorePin: String?, cpuFeatures: [String], cpuModel: String,
    libpng: String, libjpeg: String
  ) {
    self.openBLAS = openBLAS
    self.blasCore = blasCore
    self.blasCorePin = blasCorePin
    self.cpuFeatures = cpuFeatures
    self.cpuModel = cpuModel
    self.libpng = libpng
    self.libjpeg = libjpeg
  }

  /// This process's environment (read once: none of it changes while the process runs).
  public static let current: ComputeEnvironment = {
    let cpu = Self.cpuInfo()
    let pin = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"].flatMap { $0.isEmpty ? nil : $0 }
    return ComputeEnvironment(
      openBLAS: openblas_get_config().map { String(cString: $0) } ?? "unknown",
      blasCore: openblas_get_corename().map { String(cString: $0) } ?? "unknown",
      blasCorePin: pin, cpuFeatures: cpu.features, cpuModel: cpu.model,
      libpng: String(cString: ic_png_version()), libjpeg: String(cString: ic_jpeg_version()))
  }()

  /// The fields that decide bits and differ between `self` and `other`, as `name: mine vs theirs`.
  /// Empty: renders made in either environment must be byte-identical.
  public func differences(from other: ComputeEnvironment) -> [String] {
    var result: [String] = []
    func compare(_ name: String, _ a: String, _ b: String) {
      if a != b { result.append("\(name): \(a) vs \(b)") }
    }
    // The config string names the core too; report that once, as blas-core.
    compare(
      "openblas", openBLAS.replacingOccurrences(of: blasCore, with: "*"),
      other.openBLAS.replacingOccurrences(of: other.blasCore, with: "*"))
    compare("blas-core", blasCore, other.blasCore)
    compare("cpu-features", cpuFeatures.joined(separator: " "), other.cpuFeatures.joined(separator: " "))
    compare("libpng", libpng, other.libpng)
    return result
  }

  /// Model name and the relevant flags from /proc/cpuinfo (empty where there is none).
  private static func cpuInfo() -> (model: String, features: [String]) {
    guard let data = FileManager.default.contents(atPath: "/proc/cpuinfo"),
      let text = String(data: data.prefix(1 << 16), encoding: .utf8)
    else { return ("unknown", []) }
    var model = "unknown"
    var flags = Set<String>()
    for line in text.split(separator: "\n") {
      let parts = line.split(separator: ":", maxSplits: 1)
      guard parts.count == 2 else { continue }
      let key = parts[0].trimmingCharacters(in: .whitespaces)
      let value = parts[1].trimmingCharacters(in: .whitespaces)
      if key == "model name", model == "unknown" { model = value }
      if key == "flags", flags.isEmpty { flags = Set(value.split(separator: " ").map(String.init)) }
    }
    return (model, relevantFeatures.filter { flags.contains($0) })
  }
}
