import DreamEngine
import Foundation
import ModelStore
import RecipeParser

/// `dream-run check RECIPE... | DIR`: finds the recipes, checks (or records) each, prints one line
/// per frame, writes the HTML report, and returns the exit code: 0 all match (or recorded), 1 a
/// frame is outside its tolerance (a regression), 2 a recipe, usage or reference-set problem
/// (including missing or stale references), the worst over all recipes.
public struct CheckSession {
  public let options: CheckOptions
  let store: ModelStore
  let reporter: ProgressReporter
  let print: (String) -> Void
  let printError: (String) -> Void

  public init(
    options: CheckOptions, store: ModelStore, reporter: ProgressReporter, print: @escaping (String) -> Void,
    printError: @escaping (String) -> Void
  ) {
    self.options = options
    self.store = store
    self.reporter = reporter
    self.print = print
    self.printError = printError
  }

  /// The recipe files named by `targets`: files as given, folders by their `*.yaml`/`*.yml` files
  /// (not recursive), each once, in argument order then name order.
  public static func recipes(in targets: [String]) throws(RunError) -> [String] {
    var result: [String] = []
    for target in targets {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) else {
        throw .usage("\(target): no such recipe file or folder")
      }
      if !isDirectory.boolValue {
        result.append(target)
        continue
      }
      let names = (try? FileManager.default.contentsOfDirectory(atPath: target)) ?? []
      let recipes = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
      guard !recipes.isEmpty else {
        throw .usage("\(target): the folder holds no recipes (*.yaml); name recipe files or a folder of them")
      }
      let prefix = target.hasSuffix("/") ? target : target + "/"
      result.append(contentsOf: recipes.map { prefix + $0 })
    }
    var seen = Set<String>()
    return result.filter { seen.insert(URL(fileURLWithPath: $0).standardizedFileURL.path).inserted }
  }

  /// The OpenBLAS core the recipes' reference sets were recorded with, when every set that exists
  /// recorded the same pinned core (`blas-core-pin`); nil otherwise.
  public static func recordedPin(of recipes: [String]) -> String? {
    var pins = Set<String>()
    for file in recipes {
      guard case .success(let recipe) = RecipeFile.parse(path: file, videoProbe: FFprobeVideoProbe()),
        let manifest = try? ReferenceSet(recipe: recipe).manifest(recipeFile: file)
      else { continue }
      pins.insert(manifest.recorded("blas-core-pin") ?? "none")
    }
    guard pins.count == 1, let pin = pins.first, pin != "none" else { return nil }
    return pin
  }

  /// One thing to check: a recipe, or one variant of a recipe's sweep.
  struct Item {
    let file: String
    let variant: Int?
    /// The recipe (variant) as parsed while listing; nil when it did not parse (the check then
    /// reports why).
    let recipe: Recipe?
    let reportName: String
  }

  /// Every recipe, a sweep's variants each on their own (report folder `<recipe>/<variant>`).
  static func items(_ recipes: [String]) -> [Item] {
    zip(recipes, reportNames(for: recipes)).flatMap { file, name -> [Item] in
      let parsed = RecipeFile.parseVariants(
        path: file, videoProbe: FFprobeVideoProbe(), manyVariantsAllowed: true)
      guard case .success(let variants) = parsed else {
        return [Item(file: file, variant: nil, recipe: nil, reportName: name)]
      }
      guard variants.count > 1 || variants.first?.variant != nil else {
        return [Item(file: file, variant: nil, recipe: variants.first, reportName: name)]
      }
      return variants.enumerated().map { index, recipe in
        Item(
          file: file, variant: index, recipe: recipe,
          reportName: name + "/" + (recipe.variant?.fileName ?? "\(index + 1)"))
      }
    }
  }

  /// Checks every recipe (with `shard`, every n-th recipe or variant); returns the exit code.
  public func run(recipes: [String], shard: Shard? = nil) -> Int32 {
    var results: [RecipeCheckResult] = []
    let check = RecipeCheck(options: options, store: store, reporter: reporter)
    for (index, item) in Self.items(recipes).enumerated() where shard?.owns(unit: index) ?? true {
      let result = check.run(
        recipeFile: item.file, variant: item.variant, recipe: item.recipe, reportName: item.reportName)
      results.append(result)
      report(result)
    }
    let page = options.reportFolder + "/index.html"
    let title = options.update ? "dream-run check --update" : "dream-run check"
    do {
      try FileManager.default.createDirectory(atPath: options.reportFolder, withIntermediateDirectories: true)
      try AtomicFile.write(Array(CheckReport.html(results, title: title).utf8), to: page)
    } catch {
      printError("\(page): cannot write the report: \(error)")
      return 1
    }
    let code = results.map(\.exitCode).max() ?? 0
    print(summary(results) + "; report: \(page)\n")
    return code
  }

  private func report(_ result: RecipeCheckResult) {
    let file = result.name
    for frame in result.frames {
      var line = "\(file) frame \(frame.frame)"
      if result.frames.contains(where: { $0.frame == frame.frame && $0.step != frame.step }) {
        line += " step \(frame.step)"
      }
      switch frame.status {
      case .updated:
        line += ": recorded \(frame.name)"
      case .match, .mismatch:
        line += frame.status == .match ? ": match" : ": MISMATCH"
        line += " (\(frame.difference?.summary ?? "-")"
        if frame.status == .mismatch { line += "; tolerance \(result.tolerance ?? .exact)" }
        line += ")"
        if let diff = frame.differenceImage, frame.status == .mismatch {
          line += " diff: \(options.reportFolder)/\(result.reportName)/\(diff)"
        }
      }
      print(line + "\n")
    }
    for note in result.notes { print("\(file): note: \(note)\n") }
    switch result.verdict {
    case .match:
      print("\(file): match, \(result.frames.count) frame\(result.frames.count == 1 ? "" : "s")\n")
    case .mismatch:
      let bad = result.frames.filter { $0.status == .mismatch }.count
      print("\(file): MISMATCH in \(bad) of \(result.frames.count) frames\n")
    case .updated:
      print("\(file): recorded \(result.frames.count) reference frames\n")
    case .stale(let reason):
      printError("\(file): stale references: \(reason)")
    case .problem(let problem):
      switch problem {
      case .badManifest(let list): printError(list.description + "\n" + list.summary)
      case .run(.recipe(let list)): printError(list.description + "\n" + list.summary)
      default: printError(problem.description)
      }
    }
  }

  private func summary(_ results: [RecipeCheckResult]) -> String {
    var counts: [String: Int] = [:]
    for result in results {
      let key: String
      switch result.verdict {
      case .match: key = "match"
      case .mismatch: key = "mismatch"
      case .stale: key = "stale"
      case .updated: key = "recorded"
      case .problem(.missing): key = "without references"
      case .problem: key = "failed"
      }
      counts[key, default: 0] += 1
    }
    let order = ["match", "recorded", "mismatch", "stale", "without references", "failed"]
    let parts = order.compactMap { key in counts[key].map { "\($0) \(key)" } }
    let files = Set(results.map(\.recipeFile)).count
    let renders = results.count == files ? "" : " (\(results.count) checks with sweep variants)"
    return "check: \(files) recipe\(files == 1 ? "" : "s")\(renders): " + parts.joined(separator: ", ")
  }

  /// A distinct, file-name-safe folder name per recipe (`golden/tiny-zoom.yaml` -> `golden-tiny-zoom`).
  static func reportNames(for recipes: [String]) -> [String] {
    var used = Set<String>()
    return recipes.map { file in
      let stem = (file as NSString).deletingPathExtension
      var name = String(
        stem.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "-" })
      while name.hasPrefix("-") { name.removeFirst() }
      if name.isEmpty { name = "recipe" }
      var candidate = name
      var index = 2
      while !used.insert(candidate).inserted {
        candidate = "\(name)-\(index)"
        index += 1
      }
      return candidate
    }
  }
}
