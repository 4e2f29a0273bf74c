import DreamEngine
import DreamTestSupport
import Foundation
import XCTest

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Paths, temporary folders, recipes and a runner for the built `dream-run` binary.
enum TestSupport {
  static var packageRoot: URL { TestPaths.packageRoot }

  /// googlenet.pb, or an XCTSkip saying where it was looked for.
  static func googlenet() throws -> String { try TestPaths.model("googlenet.pb").path }

  /// The small committed input image of the golden recipes (64x48).
  static var tinyInput: URL { packageRoot.appendingPathComponent("golden/inputs/chelsea-64x48.png") }

  /// A fresh empty folder under the system's temporary folder.
  static func temporaryFolder(_ name: String = #function) throws -> URL { try makeTemporaryFolder(name) }

  /// Writes `text` as `name` in `folder`, with the tiny input copied beside it as `input.png`.
  @discardableResult
  static func writeRecipe(_ text: String, named name: String = "recipe.yaml", in folder: URL) throws -> URL {
    let input = folder.appendingPathComponent("input.png")
    if !FileManager.default.fileExists(atPath: input.path) {
      try FileManager.default.copyItem(at: tinyInput, to: input)
    }
    let url = folder.appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url
  }

  /// A tiny zoom recipe: 64x48, `frames` frames (frame 0 = input), PNG frames and an AVI.
  static func tinyRecipe(frames: Int = 3, iterations: Int = 3, step: String = "1.5", extra: String = "")
    -> String
  {
    """
    model: inception5h
    seed: 3
    frames: \(frames)
    frame0: input
    threads: 1
    steps:
      - load: input.png
      - zoom: {factor: 1.05}
      - tint: 2
      - clip
      - dream: {layer: inception_3a/output, iterations: \(iterations), step: \(step), repeats: 1, tile: 64\(extra)}
      - clip
      - save: out/{frame:02}.png
      - video: {path: out/clip.avi, fps: 10}

    """
  }

  /// The built `dream-run`: `$DREAM_RUN_BINARY`, else beside the test bundle, else
  /// `.build/release/dream-run`.
  static func binary() throws -> URL {
    if let path = ProcessInfo.processInfo.environment["DREAM_RUN_BINARY"], !path.isEmpty {
      return URL(fileURLWithPath: path)
    }
    let candidates = [
      Bundle.main.bundleURL.appendingPathComponent("dream-run"),
      Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("dream-run"),
      packageRoot.appendingPathComponent(".build/release/dream-run"),
    ]
    guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) })
    else {
      throw XCTSkip("dream-run binary not found (looked in \(candidates.map(\.path))); run swift build first")
    }
    return found
  }

  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// Starts `dream-run arguments` in `folder` with output to files; returns the process.
  static func start(
    _ arguments: [String], in folder: URL, environment: [String: String] = [:], outputs: URL
  ) throws -> Process {
    try launch(try binary(), arguments, in: folder, environment: environment, outputs: outputs)
  }

  /// Starts `executable arguments` in `folder` with stdout and stderr going to files in `outputs`.
  private static func launch(
    _ executable: URL, _ arguments: [String], in folder: URL, environment: [String: String], outputs: URL
  ) throws -> Process {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = folder
    var env = ProcessInfo.processInfo.environment
    env["DREAM_RUN_CACHE"] = outputs.appendingPathComponent("cache").path
    for (key, value) in environment { env[key] = value }
    process.environment = env
    for name in ["stdout", "stderr"] {
      _ = FileManager.default.createFile(atPath: outputs.appendingPathComponent(name).path, contents: nil)
    }
    process.standardOutput = try FileHandle(forWritingTo: outputs.appendingPathComponent("stdout"))
    process.standardError = try FileHandle(forWritingTo: outputs.appendingPathComponent("stderr"))
    try process.run()
    return process
  }

  /// Runs `dream-run arguments` in `folder` and waits for it.
  static func run(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws -> Result
  {
    let outputs = try temporaryFolder("output")
    defer { try? FileManager.default.removeItem(at: outputs) }
    let process = try start(arguments, in: folder, environment: environment, outputs: outputs)
    process.waitUntilExit()
    return collect(process, outputs: outputs)
  }

  /// Runs `command` with /bin/sh in `folder` (for shell limits such as `ulimit`) and waits.
  static func runShell(_ command: String, in folder: URL) throws -> Result {
    let outputs = try temporaryFolder("shell")
    defer { try? FileManager.default.removeItem(at: outputs) }
    let process = try launch(
      URL(fileURLWithPath: "/bin/sh"), ["-c", command], in: folder, environment: [:], outputs: outputs)
    process.waitUntilExit()
    return collect(process, outputs: outputs)
  }

  /// Runs the built `dream-run` with `arguments` in `folder` under a 1.5 GB address-space limit
  /// (`ulimit -v`): what "bounded" tests run under.
  static func runLimited(_ arguments: [String], in folder: URL) throws -> Result {
    let quoted = ([try binary().path] + arguments).map {
      "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
    return try runShell("ulimit -v 1500000; exec " + quoted.joined(separator: " "), in: folder)
  }

  static func collect(_ process: Process, outputs: URL) -> Result {
    let out = (try? String(contentsOf: outputs.appendingPathComponent("stdout"), encoding: .utf8)) ?? ""
    let err = (try? String(contentsOf: outputs.appendingPathComponent("stderr"), encoding: .utf8)) ?? ""
    return Result(status: process.terminationStatus, stdout: out, stderr: err)
  }

  /// Waits until `condition` holds or `timeout` seconds pass; returns whether it held.
  static func wait(timeout: Double, until condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if condition() { return true }
      usleep(20_000)
    }
    return condition()
  }

  /// The bytes of every file in `folder` (recursively), keyed by relative path.
  static func files(in folder: URL) throws -> [String: Data] {
    var result: [String: Data] = [:]
    let base = folder.standardizedFileURL.path
    guard let enumerator = FileManager.default.enumerator(atPath: base) else { return [:] }
    for case let relative as String in enumerator {
      var isDirectory: ObjCBool = false
      let path = base + "/" + relative
      if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
        result[relative] = try Data(contentsOf: URL(fileURLWithPath: path))
      }
    }
    return result
  }

  /// Modification dates of the files in `folder`.
  static func modificationDates(in folder: URL) throws -> [String: Date] {
    var result: [String: Date] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
      let attributes = try FileManager.default.attributesOfItem(
        atPath: folder.appendingPathComponent(name).path)
      result[name] = attributes[.modificationDate] as? Date
    }
    return result
  }
}
