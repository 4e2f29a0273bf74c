import DreamVocabulary
import DreamEngine
import Foundation
import ModelStore
import RecipeParser

/// Settings of one `dream-run check` invocation.
public struct CheckOptions: Sendable {
  /// `--model`: overrides every recipe's `model:`.
  public var model: String?
  public var threads: Int?
  /// `--update`: record the references instead of comparing.
  public var update: Bool
  /// Where renders, difference images and `index.html` go.
  public var reportFolder: String
  /// `--max-diff`, `--mean-diff`, `--min-psnr`: override every recipe's tolerance.
  public var maximumDifference: Int?
  public var meanDifference: Double?
  public var minimumPSNR: Double?
  /// `--reference-limit`: largest reference set `--update` writes per recipe.
  public var referenceLimitBytes: Int

  public init(
    model: String? = nil, threads: Int? = nil, update: Bool = false, reportFolder: String,
    maximumDifference: Int? = nil, meanDifference: Double? = nil, minimumPSNR: Double? = nil,
    referenceLimitBytes: Int = ReferenceSet.defaultLimitBytes
  ) {
    self.model = model
    self.threads = threads
    self.update = update
    self.reportFolder = reportFolder
    self.maximumDifference = maximumDifference
    self.meanDifference = meanDifference
    self.minimumPSNR = minimumPSNR
    self.referenceLimitBytes = referenceLimitBytes
  }

  /// The recipe's tolerance with the command line's overrides applied.
  func tolerance(for recipe: Recipe) -> CheckTolerance {
    let base = recipe.checkSettings.tolerance
    return CheckTolerance(
      maximum: maximumDifference ?? base.maximum, mean: meanDifference ?? base.mean,
      minimumPSNR: minimumPSNR ?? base.minimumPSNR)
  }
}

/// One checked frame.
public struct FrameCheck: Sendable {
  public enum Status: String, Sendable {
    case match, mismatch, updated
  }

  public let frame: Int
  public let step: Int
  /// The reference image's file name (`0003.png`).
  public let name: String
  public let status: Status
  /// Nil when recorded (`--update`).
  public let difference: ImageDifference?
  /// Paths relative to the recipe's report folder.
  public let newImage: String
  public let referenceImage: String?
  public let differenceImage: String?
}

/// What checking one recipe found.
public struct RecipeCheckResult: Sendable {
  public enum Verdict: Sendable {
    /// Every checked frame within tolerance.
    case match
    /// At least one frame outside tolerance: a regression.
    case mismatch
    /// The references were recorded for another recipe state or model: no verdict.
    case stale(String)
    /// `--update` recorded the set.
    case updated
    /// Nothing could be compared.
    case problem(CheckProblem)
  }

  public let recipeFile: String
  /// The sweep variant checked (`layer=mixed4c step=1.5`), nil for a recipe without a sweep.
  public let variant: String?
  public let verdict: Verdict
  public let frames: [FrameCheck]
  public let tolerance: CheckTolerance?
  public let size: ImageSize?
  /// Recorded and current environments (nil where unknown).
  public let recorded: RenderEnvironment?
  public let current: RenderEnvironment?
  /// Things worth knowing that are not failures (e.g. a different dream-run version matched).
  public let notes: [String]
  public let renderSeconds: Double
  /// The recipe's folder inside the report, relative to the report.
  public let reportName: String

  /// The recipe file, and the variant in brackets: `recipes/sweep.yaml [layer=mixed4c]`.
  public var name: String { recipeFile + (variant.map { " [\($0)]" } ?? "") }

  /// 0 match or updated, 1 mismatch, 2 stale/missing/bad references or recipe problems.
  public var exitCode: Int32 {
    switch verdict {
    case .match, .updated: return 0
    case .mismatch: return 1
    case .stale: return 2
    case .problem(let problem): return problem.exitCode
    }
  }
}

/// Checks (or records) one recipe: renders its check variant through the same `PreparedRun` and
/// `Executor` as `dream-run run` into the report folder, then compares each checked frame with its
/// reference.
public struct RecipeCheck {
  let options: CheckOptions
  let store: ModelStore
  let reporter: ProgressReporter

  public init(options: CheckOptions, store: ModelStore, reporter: ProgressReporter) {
    self.options = options
    self.store = store
    self.reporter = reporter
  }

  /// Checks `recipeFile` (its sweep's variant `variant`, when it has a sweep).
  /// `recipe`: that recipe (variant) when the caller already parsed it.
  public func run(recipeFile: String, variant: Int? = nil, recipe: Recipe? = nil, reportName: String)
    -> RecipeCheckResult
  {
    let folder = options.reportFolder + "/" + reportName
    var result = Partial(recipeFile: recipeFile, reportName: reportName)
    do {
      try check(recipeFile: recipeFile, variant: variant, parsed: recipe, folder: folder, into: &result)
    } catch {
      result.verdict = .problem(error)
    }
    return result.finished
  }

  /// Mutable state of one check, turned into a result at the end.
  struct Partial {
    let recipeFile: String
    let reportName: String
    var variant: String?
    var verdict: RecipeCheckResult.Verdict = .match
    var frames: [FrameCheck] = []
    var tolerance: CheckTolerance?
    var size: ImageSize?
    var recorded: RenderEnvironment?
    var current: RenderEnvironment?
    var notes: [String] = []
    var seconds = 0.0

    init(recipeFile: String, reportName: String) {
      self.recipeFile = recipeFile
      self.reportName = reportName
    }

    var finished: RecipeCheckResult {
      RecipeCheckResult(
        recipeFile: recipeFile, variant: variant, verdict: verdict, frames: frames, tolerance: tolerance,
        size: size,
        recorded: recorded, current: current, notes: notes, renderSeconds: seconds, reportName: reportName)
    }
  }

  private func check(
    recipeFile: String, variant: Int?, parsed: Recipe?, folder: String, into result: inout Partial
  ) throws(CheckProblem) {
    let recipe: Recipe
    if let parsed {
      recipe = parsed
    } else {
      do {
        recipe = try RecipeContext.parse(
          RunOptions(recipePath: recipeFile, manyVariantsAllowed: true, variant: variant))
      } catch {
        throw .run(error)
      }
    }
    result.variant = recipe.variant?.name
    let references = ReferenceSet(recipe: recipe)
    try references.checkLocation()
    // Read the manifest before rendering: a missing or damaged set is reported without the wait.
    var manifest: ReferenceManifest?
    if !options.update { manifest = try references.manifest(recipeFile: recipeFile) }

    let newFolder = folder + "/new"
    try? FileManager.default.removeItem(atPath: folder)
    let runOptions = RunOptions(
      recipePath: recipeFile, model: options.model, threads: options.threads, force: true,
      checkOutputFolder: newFolder, manyVariantsAllowed: true, variant: variant)
    let started = MonotonicClock.now()
    let prepared: PreparedRun
    do {
      // The recipe's check variant (`Recipe.forCheck`), rendered into the report.
      prepared = try PreparedRun.prepare(
        runOptions, store: store, recipe: recipe.forCheck(outputFolder: newFolder))
      _ = try Executor(prepared, reporter: reporter).execute()
    } catch {
      throw .run(error)
    }
    result.seconds = MonotonicClock.now() - started
    let context = prepared.context
    let current = RenderEnvironment.current(for: context)
    result.current = current
    let size = prepared.frameSize
    result.size = size
    let tolerance = options.tolerance(for: recipe)
    result.tolerance = tolerance
    let checked = checkedOutputs(context, original: recipe)

    if options.update {
      try record(checked, recipe: recipe, size: size, environment: current, references: references)
      result.frames = checked.map {
        FrameCheck(
          frame: $0.frame, step: $0.step, name: $0.name, status: .updated, difference: nil,
          newImage: "new/" + $0.name, referenceImage: nil, differenceImage: nil)
      }
      result.verdict = .updated
      return
    }
    guard let manifest else { return }
    let recorded = RenderEnvironment(fields: manifest.recordedWith)
    result.recorded = recorded
    var stale: [String] = []
    if manifest.size != size {
      stale.append("the references are \(manifest.size), the recipe now checks at \(size)")
    }
    if recorded.modelSHA256 != current.modelSHA256 {
      stale.append(
        "the model changed (recorded \(recorded.model) \(recorded.modelSHA256.prefix(12)), now \(current.model) \(current.modelSHA256.prefix(12)))"
      )
    }
    if recorded.engineVersion != current.engineVersion {
      result.notes.append("recorded with \(recorded.engineVersion), now \(current.engineVersion)")
    }
    let environmentChanges = current.compute.differences(from: recorded.compute)
    if !environmentChanges.isEmpty {
      result.notes.append(
        "environment differs from the recording (now vs recorded): "
          + environmentChanges.joined(separator: "; ")
          + (current.compute.blasCore != recorded.compute.blasCore
            ? "; pin the recorded core with --blas-core \(recorded.compute.blasCore)" : ""))
    }
    var changedFrames: [Int] = []
    var mismatch = false
    for output in checked {
      guard let entry = manifest.frames.first(where: { $0.frame == output.frame && $0.step == output.step })
      else {
        throw .missing(
          "\(references.manifestPath): no reference for frame \(output.frame) (step \(output.step)) of "
            + "\(recipeFile); record the references again with 'dream-run check --update \(recipeFile)'")
      }
      if entry.recipeFingerprint != output.recipeFingerprint { changedFrames.append(output.frame) }
      let reference = try references.image(named: entry.file)
      let rendered: RGBImage
      do {
        rendered = try ImageCodec.read(contentsOf: URL(fileURLWithPath: output.path))
      } catch {
        throw .run(.runtime(error.description))
      }
      guard reference.width == rendered.width, reference.height == rendered.height else {
        throw .badReferences(
          "\(references.folder)/\(entry.file): the reference is \(reference.width)x\(reference.height), "
            + "the manifest says \(manifest.size); record the references again with --update")
      }
      let difference = ImageDifference(reference: reference, actual: rendered)
      let within =
        difference.maximum <= tolerance.maximum && difference.mean <= tolerance.mean
        && tolerance.minimumPSNR.map { difference.psnr >= $0 } ?? true
      if !within { mismatch = true }
      let referenceCopy = "reference/" + output.name
      try copy(references.folder + "/" + entry.file, to: folder + "/" + referenceCopy)
      var differenceImage: String?
      if !difference.isIdentical {
        differenceImage = "diff/" + output.name
        try writeImage(
          difference.image(reference: reference, actual: rendered),
          to: folder + "/" + (differenceImage ?? ""))
      }
      result.frames.append(
        FrameCheck(
          frame: output.frame, step: output.step, name: output.name, status: within ? .match : .mismatch,
          difference: difference, newImage: "new/" + output.name, referenceImage: referenceCopy,
          differenceImage: differenceImage))
    }
    if !changedFrames.isEmpty {
      stale.append(
        "the recipe or its input changed since the references were recorded (frames "
          + changedFrames.map(String.init).joined(separator: ", ") + ")")
    }
    if !stale.isEmpty {
      result.verdict = .stale(
        stale.joined(separator: "; ")
          + "; review the report, then record again with 'dream-run check --update \(recipeFile)'")
    } else {
      result.verdict = mismatch ? .mismatch : .match
    }
  }

  /// A checked save output of the check render.
  struct CheckedOutput {
    let frame: Int
    let step: Int
    let name: String
    /// The rendered PNG.
    let path: String
    /// The output a normal run writes (as written in the recipe).
    let output: String
    let recipeFingerprint: String
  }

  /// The save nodes of the checked frames, with fingerprints that leave out dream-run's version and
  /// the model (those are compared separately, so a stale set can say what changed).
  private func checkedOutputs(_ context: RecipeContext, original: Recipe) -> [CheckedOutput] {
    let recipe = context.recipe
    let wanted = Set(recipe.checkFrames)
    let recipeOnly = Fingerprints.compute(
      context.plan,
      inputs: FingerprintInputs(
        engineVersion: "any", modelSHA256: "any", inputSHA256: context.inputSHA256,
        layers: context.layers, imageSHA256: context.referencedImageSHA256))
    var outputs: [CheckedOutput] = []
    for node in context.plan.nodes {
      guard case .save(let path, _, _) = node.operation, let frame = node.frame, wanted.contains(frame),
        let step = node.steps.first
      else { continue }
      var written = ""
      for pipelineStep in original.pipeline where pipelineStep.number == step {
        if case .save(let save) = pipelineStep.operation { written = save.path.value.path(forFrame: frame) }
      }
      outputs.append(
        CheckedOutput(
          frame: frame, step: step, name: recipe.referenceName(frame: frame, step: step), path: path,
          output: written, recipeFingerprint: recipeOnly[node.index]))
    }
    return outputs
  }

  private func record(
    _ checked: [CheckedOutput], recipe: Recipe, size: ImageSize, environment: RenderEnvironment,
    references: ReferenceSet
  ) throws(CheckProblem) {
    var files: [(name: String, bytes: [UInt8])] = []
    for output in checked {
      guard let data = FileManager.default.contents(atPath: output.path) else {
        throw .run(.runtime("\(output.path): the check render wrote no file; check the disk"))
      }
      files.append((output.name, [UInt8](data)))
    }
    let manifest = ReferenceManifest(
      recipe: URL(fileURLWithPath: recipe.file).lastPathComponent, size: size,
      recordedWith: environment.fields,
      frames: checked.map {
        ReferenceManifest.Frame(
          frame: $0.frame, step: $0.step, file: $0.name, output: $0.output,
          recipeFingerprint: $0.recipeFingerprint)
      })
    try references.record(files, manifest: manifest, limitBytes: options.referenceLimitBytes)
  }

  private func copy(_ source: String, to destination: String) throws(CheckProblem) {
    do {
      try FileManager.default.createDirectory(
        atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try? FileManager.default.removeItem(atPath: destination)
      try FileManager.default.copyItem(atPath: source, toPath: destination)
    } catch {
      throw .run(.runtime("\(destination): cannot write the report: \(error.localizedDescription)"))
    }
  }

  private func writeImage(_ image: RGBImage, to path: String) throws(CheckProblem) {
    do {
      try FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try ImageCodec.write(image, to: URL(fileURLWithPath: path))
    } catch {
      throw .run(.runtime("\(path): cannot write the difference image: \(error)"))
    }
  }
}
