import Foundation
import RecipeParser

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where a recipe may write, checked before anything is created: a recipe is something people
/// clone from other people's repositories (docs/security.md).
///
/// - Confinement: every output file, and the `.dream-run` state folder, must resolve (symbolic
///   links and `..` followed, for the parts that exist) inside the recipe's folder tree, or inside
///   `dream-run check`'s own output folder. `--allow-outside` lifts this for outputs.
/// - Ownership: an output file that already exists is replaced only when this recipe's run state
///   records it (dream-run wrote it), or with `--force`. A file recorded by another recipe in the
///   same folder is reported as such: two recipes must not share outputs.
struct OutputSafety {
  let context: RecipeContext
  /// Real paths of the folders outputs may be in.
  let roots: [String]

  init(context: RecipeContext) throws(RunError) {
    self.context = context
    var roots: [String] = []
    for folder in [context.recipe.directory.isEmpty ? "." : context.recipe.directory]
      + (context.options.checkOutputFolder.map { [$0] } ?? [])
    {
      guard let real = Self.realPath(folder) else {
        throw .runtime("\(folder): cannot resolve the recipe's folder; check that it exists")
      }
      roots.append(real)
    }
    self.roots = roots
  }

  /// One output to check: its path (resolved against the recipe's folder), the node that writes
  /// it (nil when checked without a plan) and where the recipe wrote it.
  struct Output {
    let path: String
    let nodeID: String?
    let location: SourceLocation
    let stage: String
  }

  /// Checks the state folder and `outputs`: confinement (recipe diagnostics, exit 2) and, when
  /// `ownership`, that no existing file not written for this recipe would be replaced (exit 1).
  func check(_ outputs: [Output], ownership: Bool) throws(RunError) {
    let recipe = context.recipe
    let stateFolder = (context.stateFile as NSString).deletingLastPathComponent
    if let real = Self.realPath(stateFolder), !inside(real) {
      throw .runtime(
        "\(stateFolder): the run-state folder resolves to '\(real)', outside the recipe's folder; "
          + "remove the link (dream-run keeps its state beside the recipe)")
    }
    var diagnostics: [Diagnostic] = []
    var reported = Set<String>()
    for output in outputs where !context.options.allowOutside {
      let real = Self.realPath(output.path)
      guard real.map(inside) != true, reported.insert("\(output.location)").inserted else { continue }
      let problem =
        real.map { "this path resolves to '\($0)', outside the recipe's folder '\(roots[0])'" }
        ?? "this path goes through a broken symbolic link ('\(output.path)')"
      diagnostics.append(
        recipe.source.diagnostic(
          output.stage,
          problem + "; write outputs inside the recipe's folder, or pass --allow-outside to let this recipe "
            + "write there", at: output.location))
    }
    guard diagnostics.isEmpty else { throw .recipe(DiagnosticList(diagnostics)) }
    guard ownership, !context.options.force else { return }
    let state = RunState.load(from: context.stateFile)
    var others: [(name: String, state: RunState)]?
    for output in outputs {
      var status = stat()
      guard lstat(output.path, &status) == 0 else { continue }
      if let id = output.nodeID, state.outputs[id] != nil { continue }
      if state.outputs.values.contains(where: { sameFile($0.path, output.path) }) { continue }
      let siblings = others ?? otherStates()
      others = siblings
      if let owner = siblings.first(where: {
        $0.state.outputs.values.contains { sameFile($0.path, output.path) }
      }) {
        throw .runtime(
          "\(output.path): already written by the recipe '\(owner.name)' in the same folder; two recipes must "
            + "not share outputs: give this one another save/video path (or pass --force to take the file over)"
        )
      }
      throw .runtime(
        "\(output.path): exists and was not written by dream-run for this recipe; move it away, or pass --force "
          + "to replace it")
    }
  }

  /// Whether `real` (a real path) is one of the roots or inside one.
  private func inside(_ real: String) -> Bool {
    roots.contains { root in real == root || real.hasPrefix(root == "/" ? "/" : root + "/") }
  }

  /// Whether a recorded path (relative to the recipe's folder, or absolute) names `path`'s file.
  private func sameFile(_ recorded: String, _ path: String) -> Bool {
    let resolved = RecipePath.resolve(recorded, relativeTo: context.recipe.directory)
    return resolved == path || Self.realPath(resolved) == Self.realPath(path)
  }

  /// The run states of the other recipes in this recipe's folder, by recipe file name.
  private func otherStates() -> [(name: String, state: RunState)] {
    let folder = (context.stateFile as NSString).deletingLastPathComponent
    let own = (context.stateFile as NSString).lastPathComponent
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    return names.sorted().filter { $0.hasSuffix(".state.json") && $0 != own }.map { name in
      (String(name.dropLast(".state.json".count)), RunState.load(from: folder + "/" + name))
    }
  }

  /// The absolute path `path` names, with every symbolic link and `..` resolved in the part that
  /// exists and `..` applied to the rest (a part that does not exist yet holds no links). Nil when
  /// a component is a symbolic link that cannot be resolved (dangling or looping).
  static func realPath(_ path: String) -> String? {
    let absolute =
      path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    let components = absolute.split(separator: "/").map(String.init)
    // The longest prefix that exists; only prefixes within PATH_MAX can (so a path of 100,000
    // components costs one pass, not one join per component).
    var lengths = [0]
    for component in components { lengths.append(lengths[lengths.count - 1] + 1 + component.utf8.count) }
    var count = components.count
    while count > 0, lengths[count] >= Int(PATH_MAX) { count -= 1 }
    var base = "/"
    while count > 0 {
      let prefix = "/" + components[0..<count].joined(separator: "/")
      var status = stat()
      if lstat(prefix, &status) == 0 {
        guard let resolved = realpath(prefix, nil) else { return nil }
        base = String(cString: resolved)
        free(resolved)
        break
      }
      count -= 1
    }
    var parts = base.split(separator: "/").map(String.init)
    for component in components[count...] where component != "." && !component.isEmpty {
      if component == ".." {
        _ = parts.popLast()
      } else {
        parts.append(component)
      }
    }
    return "/" + parts.joined(separator: "/")
  }
}
