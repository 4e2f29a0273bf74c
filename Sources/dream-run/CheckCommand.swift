import ArgumentParser
import DreamRun
import Foundation
import ModelStore

/// `dream-run check RECIPE... | DIR`: regression renders against committed references.
struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract:
      "Render recipes (their check frames, at their check size) and compare with committed references.",
    discussion: """
      References live in references/<recipe name>/ beside each recipe (PNGs + manifest.yaml). \
      Exit codes: 0 every frame matches, 1 a frame differs beyond its tolerance (a regression), \
      2 a recipe, usage or reference problem (missing, stale or damaged references). \
      See docs/regression.md.

      Examples:
        dream-run check recipes/ --model ../shared/models/googlenet.pb
        dream-run check --update recipes/zoom50.yaml --model ../shared/models/googlenet.pb --blas-core Haswell
      """)

  @Argument(help: "Recipe files, or folders whose *.yaml recipes are all checked.")
  var targets: [String]

  @Flag(help: "Record the references (and manifests) instead of comparing; the only way they are written.")
  var update = false

  @Option(help: "A catalog model name or a path to a .pb file; overrides every recipe's model:.")
  var model: String?

  @Option(help: "Engine threads (renders are identical at every count).")
  var threads: Int?

  @Option(help: "Folder for the renders, difference images and index.html.")
  var report: String = ".dream-run/check"

  @Option(help: "Tolerance override: largest allowed difference of any sample, in 8-bit levels.")
  var maxDiff: Int?

  @Option(help: "Tolerance override: largest allowed mean absolute difference, in 8-bit levels.")
  var meanDiff: Double?

  @Option(help: "Tolerance override: smallest allowed PSNR in dB.")
  var minPsnr: Double?

  @Option(help: "Largest reference set --update writes per recipe, in MB.")
  var referenceLimit: Double = 1

  @Option(
    help:
      "Pin OpenBLAS's kernel family (e.g. Haswell) for cross-machine identical renders; default: the core the references were recorded with, if pinned."
  )
  var blasCore: String?

  @Flag(help: "No progress output.")
  var quiet = false

  @Option(
    help: ArgumentHelp(
      "Check only shard i of n of the recipes and sweep variants (1-based), or 'auto' (see run --help); "
        + "the report goes to <report>/shard-i-of-n.",
      valueName: "i/n|auto"))
  var shard: String?

  func validate() throws {
    try RecipeOptions.validate(threads: threads)
    if let maxDiff, !(0...255).contains(maxDiff) { throw ValidationError("--max-diff must be 0...255") }
    if let meanDiff, !(0...255).contains(meanDiff) { throw ValidationError("--mean-diff must be 0...255") }
    if let minPsnr, !(1...200).contains(minPsnr) { throw ValidationError("--min-psnr must be 1...200 (dB)") }
    if !(referenceLimit > 0 && referenceLimit <= 1024) {
      throw ValidationError("--reference-limit must be more than 0 and at most 1024 (MB)")
    }
  }

  func run() throws {
    do {
      let shard = try RecipeOptions.shard(self.shard)
      let recipes = try CheckSession.recipes(in: targets)
      if let core = blasCore ?? CheckSession.recordedPin(of: recipes) {
        try BLASCorePin.ensure(core, arguments: CommandLine.arguments)
      }
      let options = CheckOptions(
        model: model, threads: threads, update: update,
        reportFolder: report + (shard.map { "/" + $0.fileName } ?? ""), maximumDifference: maxDiff,
        meanDifference: meanDiff, minimumPSNR: minPsnr, referenceLimitBytes: Int(referenceLimit * 1_048_576))
      let session = CheckSession(
        options: options, store: ModelStore.fromEnvironment(),
        reporter: ProgressReporter.standardError(quiet: quiet), print: Output.standard,
        printError: Output.error)
      let code = session.run(recipes: recipes, shard: shard)
      if code != 0 { throw ExitCode(code) }
    } catch let error as RunError {
      throw Output.fail(error)
    }
  }
}
