import Foundation

/// Turns (seed, trial number) into a `TrialPlan`: picks the kind of trial and its seeds,
/// mutates, points the recipe at the trial's own files, applies `PathGuard`, and chooses the
/// commands.
struct TrialPlanner {
  let corpus: Corpus
  let seed: UInt64
  /// The kinds of trial to plan (see `--only`).
  let kinds: [TrialPlan.Kind]

  /// Trials of each kind, out of 100.
  static let kindWeights: [(TrialPlan.Kind, Int)] = [(.recipe, 60), (.image, 30), (.model, 10)]
  /// How often a trial also runs `plan`, renders two small frames, or runs `layers --size`.
  static let planChance = 0.3
  static let renderChance = 0.2
  static let layersChance = 0.05
  /// `..` steps a recipe may contain; the case folder sits deeper than this in the work folder.
  static let maximumParentSteps = 3

  static let layerSizes = [
    "0x0", "1x1", "1x100000", "32768x32768", "100000x100000", "2147483647x2147483647",
    "9223372036854775807x1", "-1x5", "1x", "x", "3x3x3", "224x224", "abc", "",
  ]
  static let renderSizes: [(Int, Int)] = [(64, 64), (64, 48), (32, 32), (48, 17), (1, 1)]

  func plan(number: Int, caseDirectory: String) -> TrialPlan {
    var random = SplitMix64(seed: seed, stream: UInt64(number))
    let allowed = Self.kindWeights.filter { kinds.contains($0.0) }
    let kind = random.pick(allowed.map(\.0), weights: allowed.map(\.1))
    let values = DangerousValues(caseDirectory: caseDirectory)
    let guardian = PathGuard(caseDirectory: caseDirectory, maximumParentSteps: Self.maximumParentSteps)
    var files: [(name: String, bytes: [UInt8])] = []
    var notes: [String] = []
    var seeds: [String] = []

    // The model, and the recipes written for it.
    let modelArgument: String
    let recipeChoices: [Corpus.Recipe]
    if kind == .model {
      let source =
        !corpus.smallModels.isEmpty && random.chance(0.9) ? random.pick(corpus.smallModels) : corpus.mainModel
      let read = FileManager.default.contents(atPath: source.path).map { [UInt8]($0) }
      if read == nil { notes.append("model.pb: could not read \(source.path); mutating an empty file") }
      let original = read ?? []
      let mutated = ModelMutator().mutate(original, random: &random)
      files.append(("model.pb", mutated.bytes))
      if source.isCorpusFile {
        // Recipes written for a corpus model name it in `model:`, which must exist.
        files.append((source.name, original))
      }
      notes += mutated.notes.map { "model.pb (from \(source.name)): \($0)" }
      seeds.append(source.name)
      modelArgument = "model.pb"
      let matching = corpus.recipes.filter { $0.modelName == source.name }
      recipeChoices = matching.isEmpty ? corpus.recipes.filter { $0.modelName == nil } : matching
    } else {
      recipeChoices = corpus.recipes
      modelArgument = ""
    }
    let recipe = random.pick(recipeChoices.isEmpty ? corpus.recipes : recipeChoices)
    seeds.append(recipe.name)
    var model = modelArgument
    if kind != .model {
      let wanted = recipe.modelName.flatMap(corpus.model(named:)) ?? corpus.mainModel
      if wanted.isCorpusFile, let data = FileManager.default.contents(atPath: wanted.path) {
        files.append((wanted.name, [UInt8](data)))
        model = wanted.name
      } else {
        model = wanted.path
      }
    }

    // The image.
    let image = random.pick(corpus.images)
    seeds.append(image.name)
    var imageBytes = image.bytes
    var imageName = image.format == .png ? "input.png" : "input.jpg"
    if kind == .image {
      let mutated = ImageMutator().mutate(image.bytes, random: &random)
      imageBytes = mutated.bytes
      notes += mutated.notes.map { "\(imageName) (from \(image.name)): \($0)" }
      if random.chance(0.05) {
        imageName = image.format == .png ? "input.jpg" : "input.png"
        notes.append("image named \(imageName) (extension does not match the content)")
      }
    }
    files.append((imageName, imageBytes))

    // The recipe.
    var text = RecipeShaping.rewriteLoads(recipe.bytes, imageName: imageName)
    if kind == .recipe {
      let donors = corpus.recipes.filter { $0.name != recipe.name }.map(\.bytes)
      let mutated = RecipeMutator(values: values, donors: donors).mutate(text, random: &random)
      text = mutated.text
      notes += mutated.notes.map { "recipe.yaml (from \(recipe.name)): \($0)" }
    }
    let guarded = guardian.sanitize(text)
    if guarded.changed {
      notes.append("recipe.yaml: PathGuard defused paths that could leave the trial folder")
    }
    files.append(("recipe.yaml", guarded.text))

    // The commands.
    var commands = [TrialPlan.Command(arguments: ["validate", "recipe.yaml", "--model", model])]
    if random.chance(Self.planChance) {
      commands.append(TrialPlan.Command(arguments: ["plan", "recipe.yaml", "--model", model]))
    }
    if kind == .model {
      var arguments = ["layers", model]
      if random.chance(0.3) { arguments += ["--size", random.pick(Self.layerSizes)] }
      commands.insert(TrialPlan.Command(arguments: arguments), at: 0)
    } else if random.chance(Self.layersChance) {
      commands.append(
        TrialPlan.Command(arguments: ["layers", model, "--size", random.pick(Self.layerSizes)]))
    }
    if random.chance(Self.renderChance) {
      let (width, height) = random.pick(Self.renderSizes)
      let iterations = random.inRange(1...3)
      if let small = RecipeShaping.forcedSmall(
        guarded.text, width: width, height: height, iterations: iterations)
      {
        files.append(("run.yaml", guardian.sanitize(small).text))
        notes.append(
          "run.yaml = recipe.yaml with size [\(width), \(height)], iterations \(iterations), repeats 1, octaves 2"
        )
        commands.append(
          TrialPlan.Command(arguments: ["run.yaml", "--model", model, "--frames", "2", "--quiet"]))
      }
    }
    return TrialPlan(number: number, kind: kind, seeds: seeds, files: files, commands: commands, notes: notes)
  }
}
