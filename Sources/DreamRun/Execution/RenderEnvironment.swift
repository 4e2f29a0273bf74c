import DreamEngine
import Foundation

/// Everything that decides the bits of a render besides the recipe and its input: dream-run's
/// engine version, the model, and the machine's ``ComputeEnvironment``. Recorded in every run's
/// state file and in every reference manifest, and compared by `dream-run check`.
public struct RenderEnvironment: Sendable, Equatable {
  public var engineVersion: String
  /// The model as named (`--model` or the recipe's `model:`), for people.
  public var model: String
  public var modelSHA256: String
  public var compute: ComputeEnvironment

  public init(
    engineVersion: String = EngineVersion.current, model: String, modelSHA256: String,
    compute: ComputeEnvironment
  ) {
    self.engineVersion = engineVersion
    self.model = model
    self.modelSHA256 = modelSHA256
    self.compute = compute
  }

  /// This process's environment for a recipe context.
  public static func current(for context: RecipeContext) -> RenderEnvironment {
    RenderEnvironment(
      model: URL(fileURLWithPath: context.modelReference).lastPathComponent, modelSHA256: context.modelSHA256,
      compute: .current)
  }

  /// `dream-run --version`: the engine version and what decides its arithmetic on this machine.
  public static var versionText: String {
    let compute = ComputeEnvironment.current
    return """
      \(EngineVersion.current)
      OpenBLAS: \(compute.openBLAS) (core \(compute.blasCore))
      libpng \(compute.libpng), \(compute.libjpeg)
      """
  }

  /// As `key: value` pairs in a fixed order (the manifest's and the state file's `recorded-with`).
  public var fields: [(key: String, value: String)] {
    [
      ("dream-run", engineVersion), ("model", model), ("model-sha256", modelSHA256),
      ("openblas", compute.openBLAS), ("blas-core", compute.blasCore),
      ("blas-core-pin", compute.blasCorePin ?? "none"),
      ("cpu-features", compute.cpuFeatures.joined(separator: " ")), ("cpu-model", compute.cpuModel),
      ("libpng", compute.libpng), ("libjpeg", compute.libjpeg),
    ]
  }

  /// Reads `fields` back; missing keys read as "unknown".
  public init(fields: [(key: String, value: String)]) {
    func value(_ key: String) -> String { fields.first { $0.key == key }?.value ?? "unknown" }
    let pin = value("blas-core-pin")
    self.init(
      engineVersion: value("dream-run"), model: value("model"), modelSHA256: value("model-sha256"),
      compute: ComputeEnvironment(
        openBLAS: value("openblas"), blasCore: value("blas-core"),
        blasCorePin: pin == "none" || pin == "unknown" ? nil : pin,
        cpuFeatures: value("cpu-features").split(separator: " ").map(String.init),
        cpuModel: value("cpu-model"),
        libpng: value("libpng"), libjpeg: value("libjpeg")))
  }
}
