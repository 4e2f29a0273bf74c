import DreamEngine
import Foundation
import ModelStore
import RecipeParser

/// The work behind `dream-run validate`, `plan` and `layers`, returning their standard output.
public enum Commands {
  /// Checks a recipe as far as possible without rendering or writing anything: syntax, types and
  /// files; then, when the model is available locally (a path, or an installed catalog model),
  /// layers, channels and sizes against the model, the input image (decoded when it is at most
  /// ``PreparedRun/validatePixelLimit`` pixels, else by its header) and the memory estimate. Costs
  /// nothing per frame: a million-frame recipe validates as fast as a one-frame one.
  public static func validate(_ options: RunOptions, store: ModelStore) throws(RunError) -> String {
    let batch = try RecipeBatch.parse(options)
    let recipe = batch.variants[0]
    let sweep = batch.sweepSummary.map { "sweep of \($0), each " } ?? ""
    let reference = RecipeContext.modelReference(recipe: recipe, options: options)
    if let entry = store.catalog.entry(named: reference.text), store.cache.installed(entry) == nil {
      var sibling: RecipeContext?
      for variant in batch.variants {
        let context = try RecipeContext(
          recipe: variant, options: options, resolvedModel: nil, planFrames: false, store: store,
          sameModelAs: sibling)
        try PreparedRun.decodeIfSmall(context, size: PreparedRun.inspectInput(context, depth: .header))
        sibling = context
      }
      return "\(recipe.file): ok (\(sweep)\(describe(recipe))); layers not checked: model '\(entry.name)' "
        + "is not installed (dream-run fetch \(entry.name))\n"
    }
    // Every variant is checked like a recipe of its own; the model is loaded once.
    let models = LoadedModels()
    var peak = MemoryEstimate()
    for (index, variant) in batch.variants.enumerated() {
      var variantOptions = options
      variantOptions.variant = index
      let run = try PreparedRun.prepare(
        variantOptions, store: store, purpose: .validate, recipe: variant, models: models)
      if index == 0 || run.memory.peakBytes > peak.peakBytes { peak = run.memory }
    }
    return "\(recipe.file): ok (\(sweep)\(describe(recipe)); peak memory \(peak.summary))\n"
  }

  /// `dream-run plan`: the plan table (or Graphviz text) with each node's status, and the memory
  /// estimate when the model is at hand.
  ///
  /// A sweep's plan lists its variants and shows the plan of one (`options.variant`, else the
  /// first); every plan ends with the count of independent units (what `--shard` deals out).
  public static func plan(_ options: RunOptions, store: ModelStore, dot: Bool, explain: Bool = false)
    throws(RunError) -> String
  {
    let batch = try RecipeBatch.parse(options)
    let recipe = try batch.variant(options.variant)
    var header = ""
    if let sweep = batch.sweepSummary, !dot {
      header = "sweep: \(sweep)\n"
      let listed = 50
      for variant in batch.variants.prefix(listed).compactMap(\.variant) {
        header += "  \(variant.index + 1)  \(variant.name)\n"
      }
      if batch.variants.count > listed { header += "  ... and \(batch.variants.count - listed) more\n" }
      header += "plan of variant \((options.variant ?? 0) + 1) (--variant N shows another):\n"
    }
    let units = "units: " + batch.unitSummary(frameLimit: options.frameLimit) + "\n"
    // One preparation gives both the context and the memory estimate; a recipe that does not
    // validate against the model is still planned, from a context of its own, without the estimate.
    var context: RecipeContext
    let memory: String
    let reference = RecipeContext.modelReference(recipe: recipe, options: options)
    if let entry = store.catalog.entry(named: reference.text), store.cache.installed(entry) == nil {
      context = try RecipeContext(
        recipe: recipe, options: options, resolvedModel: nil, planFrames: false, store: store)
      memory = "peak memory not estimated: model '\(entry.name)' is not installed"
    } else {
      do {
        let run = try PreparedRun.prepare(options, store: store, purpose: .validate, recipe: recipe)
        context = run.context
        memory = "peak memory \(run.memory.summary) with \(run.memory.passes) thread(s)"
      } catch {
        context = try RecipeContext(
          recipe: recipe, options: options, resolvedModel: nil, planFrames: false, store: store)
        memory = "peak memory not estimated: the recipe does not validate (dream-run validate says why)"
      }
    }
    let size = context.plannedSize
    guard size.nodes <= maximumListedNodes else {
      return header + "\(describe(recipe)): too many to list (more than \(maximumListedNodes) nodes); "
        + "add --frames N to list frames 0...N-1\n" + units
    }
    context.planFrames()
    let statuses = context.statuses()
    if dot { return context.plan.dot { statuses[$0.index] } }
    let files = context.plan.nodes.filter { $0.kind == .save || $0.kind == .video }
    let upToDate = files.filter { statuses[$0.index] == .upToDate }.count
    var explanations = ""
    if explain {
      let state = RunState.load(from: context.stateFile)
      for node in files {
        if let line = StaleExplanation.explain(
          node, status: statuses[node.index], record: state.outputs[node.id], context: context)
        {
          explanations += line + "\n"
        }
      }
      if explanations.isEmpty { explanations = "every file is up to date\n" }
    }
    return header + context.plan.render { statuses[$0.index] } + explanations
      + "\(describe(context.plan)); \(upToDate) of \(files.count) files up to date; \(memory)\n" + units
  }

  /// `dream-run layers MODEL --size WxH`: index, name, channels, output size for the given input
  /// size, and the smallest input each layer accepts.
  public static func layers(
    model reference: String, width: Int, height: Int, store: ModelStore
  ) throws(RunError) -> String {
    let resolved = try RecipeContext.resolve((reference, nil), store: store, option: "layers")
    let model: Model
    do {
      model = try Model(contentsOf: resolved.fileURL, dreamLayers: resolved.entry?.dreamLayers)
    } catch {
      throw .runtime(error.description)
    }
    if let reason = model.noDreamLayersReason { throw .runtime(reason.description) }
    var rows = [["INDEX", "LAYER", "CHANNELS", "SIZE (\(width)x\(height) input)", "MIN INPUT"]]
    for layer in model.dreamLayers {
      let size: String
      let minimum: String
      do {
        let shapes = try model.layerShapes([layer.name], width: width, height: height)
        size = shapes.first.map { "\($0.width)x\($0.height)" } ?? "-"
      } catch {
        size = "too small"
      }
      do {
        let side = try model.minimumInputSize(for: [layer.name])
        minimum = "\(side)x\(side)"
      } catch {
        minimum = "-"
      }
      rows.append(["\(layer.index)", layer.name, "\(layer.channels)", size, minimum])
    }
    let source = resolved.entry.map { "\($0.name) (\(resolved.fileURL.path))" } ?? resolved.fileURL.path
    return "model: \(source), \(model.dreamLayers.count) dream layers\n" + table(rows)
  }

  /// The largest plan `plan` lists (its table and statuses grow with the nodes; a
  /// million-frame recipe is listed with `--frames N`).
  public static let maximumListedNodes = 100_000

  /// `50 frames, 151 nodes`.
  static func describe(_ plan: ExecutionPlan) -> String {
    describe(frames: plan.frameOutputs.count, nodes: plan.nodes.count)
  }

  /// `50 frames, 151 nodes` for the full plan of `recipe`, without building it.
  static func describe(_ recipe: Recipe) -> String {
    let size = ExecutionPlan.size(of: recipe)
    return describe(frames: size.frames, nodes: size.nodes)
  }

  static func describe(frames: Int, nodes: Int) -> String {
    "\(frames) frame\(frames == 1 ? "" : "s"), \(nodes) nodes"
  }

  /// Left-aligned columns separated by two spaces, no trailing spaces.
  static func table(_ rows: [[String]]) -> String {
    var widths: [Int] = []
    for row in rows {
      for (column, cell) in row.enumerated() {
        if column == widths.count { widths.append(0) }
        widths[column] = max(widths[column], cell.count)
      }
    }
    return rows.map { row in
      var line = ""
      for (column, cell) in row.enumerated() {
        line +=
          column == row.count - 1
          ? cell : cell + String(repeating: " ", count: widths[column] - cell.count + 2)
      }
      while line.hasSuffix(" ") { line.removeLast() }
      return line + "\n"
    }.joined()
  }
}
