import DreamEngine
import Foundation
import RecipeParser

/// A recipe's committed reference renders: `references/<recipe name>/` beside the recipe, holding
/// lossless PNGs and `manifest.yaml`. Only ``ReferenceSet/record(_:manifest:limitBytes:)`` (that is,
/// `dream-run check --update`) writes one.
public struct ReferenceSet: Sendable {
  /// The folder, e.g. `golden/references/tiny-zoom`.
  public let folder: String
  /// The recipe's folder; the reference folder must resolve inside it.
  let recipeDirectory: String

  public static let manifestName = "manifest.yaml"
  /// Default size limit of one recipe's reference set (small enough to commit).
  public static let defaultLimitBytes = 1 << 20
  /// Reference PNGs above this are refused before decoding (a check size keeps them far smaller).
  static let maximumImageBytes = 64 << 20

  /// The reference set of `recipe` (`references/<recipe name>`, and for a sweep's variant a
  /// folder per variant inside it).
  public init(recipe: Recipe) {
    let name = URL(fileURLWithPath: recipe.file).deletingPathExtension().lastPathComponent
    self.recipeDirectory = recipe.directory
    let variant = recipe.variant.map { "/" + $0.fileName } ?? ""
    self.folder = RecipePath.resolve("references/" + name + variant, relativeTo: recipe.directory)
  }

  public var manifestPath: String { folder + "/" + Self.manifestName }

  /// Whether a set was recorded (the folder holds a manifest).
  public var exists: Bool { FileManager.default.fileExists(atPath: manifestPath) }

  /// Refuses a reference folder (or its `references` parent) that is a symbolic link leading out
  /// of the recipe's folder: references are part of the recipe's tree, never files elsewhere.
  public func checkLocation() throws(CheckProblem) {
    let base = URL(fileURLWithPath: recipeDirectory).resolvingSymlinksInPath().path
    let parent = (folder as NSString).deletingLastPathComponent
    for path in [parent, folder] {
      guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
        attributes[.type] as? FileAttributeType == .typeSymbolicLink
      else { continue }
      let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
      if target != base && !target.hasPrefix(base + "/") {
        throw .badReferences(
          "\(path): the reference folder is a symbolic link to \(target), outside the recipe's folder "
            + "\(base); replace it with a real folder (dream-run check --update records one)")
      }
    }
  }

  /// Reads and parses the manifest. Missing: ``CheckProblem/missing(_:)``; damaged:
  /// ``CheckProblem/badManifest(_:)`` with `file:line:col` diagnostics.
  public func manifest(recipeFile: String) throws(CheckProblem) -> ReferenceManifest {
    try checkLocation()
    guard exists else {
      throw .missing(
        "\(folder): no reference set for \(recipeFile); record one with 'dream-run check --update \(recipeFile)'"
      )
    }
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: manifestPath))
    } catch {
      throw .badReferences("\(manifestPath): cannot read the manifest: \(error.localizedDescription)")
    }
    guard data.count <= 16 << 20, let text = String(data: data, encoding: .utf8) else {
      throw .badReferences(
        "\(manifestPath): not a reference manifest (not UTF-8 text or over 16 MB); record again with --update"
      )
    }
    switch ReferenceManifest.parse(text: text, file: manifestPath) {
    case .success(let manifest): return manifest
    case .failure(let list): throw .badManifest(list)
    }
  }

  /// Decodes reference image `name` (a file name from the manifest).
  public func image(named name: String) throws(CheckProblem) -> RGBImage {
    let path = folder + "/" + name
    let url = URL(fileURLWithPath: path)
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
      throw .badReferences(
        "\(path): reference image listed in the manifest is missing; record again with 'dream-run check --update'"
      )
    }
    guard attributes[.type] as? FileAttributeType == .typeRegular else {
      throw .badReferences("\(path): the reference image is not a regular file; record again with --update")
    }
    if let size = attributes[.size] as? Int, size > Self.maximumImageBytes {
      throw .badReferences("\(path): the reference image is \(size) bytes, more than a reference can be")
    }
    do {
      return try ImageCodec.read(contentsOf: url)
    } catch {
      throw .badReferences(
        "\(error.description); record the references again with 'dream-run check --update'")
    }
  }

  /// Replaces the set with `files` (name -> PNG bytes) and `manifest`, all or nothing: written into a
  /// fresh sibling folder first, then swapped in by renames. Refuses sets over `limitBytes`.
  public func record(_ files: [(name: String, bytes: [UInt8])], manifest: ReferenceManifest, limitBytes: Int)
    throws(CheckProblem)
  {
    try checkLocation()
    let total = files.reduce(0) { $0 + $1.bytes.count } + manifest.yaml.utf8.count
    guard total <= limitBytes else {
      throw .badReferences(
        "\(folder): the reference set would take \(Self.megabytes(total)) (limit \(Self.megabytes(limitBytes))); "
          + "add 'check: {size: [W, H], frames: N}' to the recipe to check fewer or smaller frames, "
          + "or raise the limit with --reference-limit")
    }
    let parent = (folder as NSString).deletingLastPathComponent
    let name = (folder as NSString).lastPathComponent
    let staging = parent + "/.\(name).new-\(getpid())"
    let retired = parent + "/.\(name).old-\(getpid())"
    let manager = FileManager.default
    do {
      try manager.createDirectory(atPath: parent, withIntermediateDirectories: true)
      try? manager.removeItem(atPath: staging)
      try manager.createDirectory(atPath: staging, withIntermediateDirectories: false)
      for file in files {
        try Data(file.bytes).write(to: URL(fileURLWithPath: staging + "/" + file.name), options: .atomic)
      }
      try Data(manifest.yaml.utf8).write(
        to: URL(fileURLWithPath: staging + "/" + Self.manifestName), options: .atomic)
      if manager.fileExists(atPath: folder) {
        try? manager.removeItem(atPath: retired)
        try manager.moveItem(atPath: folder, toPath: retired)
      }
      try manager.moveItem(atPath: staging, toPath: folder)
      try? manager.removeItem(atPath: retired)
    } catch {
      try? manager.removeItem(atPath: staging)
      if !manager.fileExists(atPath: folder), manager.fileExists(atPath: retired) {
        try? manager.moveItem(atPath: retired, toPath: folder)
      }
      throw .badReferences("\(folder): cannot write the reference set: \(error.localizedDescription)")
    }
  }

  static func megabytes(_ bytes: Int) -> String {
    String(format: "%.2f MB", Double(bytes) / 1_048_576)
  }
}

/// Why a recipe could not be checked (as opposed to a frame that does not match).
public enum CheckProblem: Error, CustomStringConvertible {
  /// No reference set, or no reference for a checked frame: record with `--update`.
  case missing(String)
  /// A damaged or unsafe reference set (unreadable, corrupt PNG, symlink out of the tree).
  case badReferences(String)
  /// The manifest has wrong types or unknown keys (`file:line:col` diagnostics).
  case badManifest(DiagnosticList)
  /// The recipe itself failed (parse, model, render): the run's own error.
  case run(RunError)

  public var description: String {
    switch self {
    case .missing(let text), .badReferences(let text): return text
    case .badManifest(let list): return list.description
    case .run(let error): return error.description
    }
  }

  /// 2 for recipe, usage and reference-set problems; a run's runtime error keeps its own code.
  public var exitCode: Int32 {
    switch self {
    case .missing, .badReferences, .badManifest: return 2
    case .run(let error): return error.exitCode
    }
  }
}
