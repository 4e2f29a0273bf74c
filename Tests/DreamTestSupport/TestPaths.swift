import Foundation
import XCTest

/// Where tests find the package and the shared data (../shared beside the package root: models,
/// TensorFlow reference tensors, images). CI sets DREAM_MODELS and DREAM_REFERENCE. Tests that
/// need data that is absent skip with a message saying what to set.
public enum TestPaths {
  /// The package root (this file is Tests/DreamTestSupport/TestPaths.swift).
  public static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// `$DREAM_MODELS`, else `../shared/models` beside the package root.
  public static var models: URL {
    if let path = ProcessInfo.processInfo.environment["DREAM_MODELS"], !path.isEmpty {
      return URL(fileURLWithPath: path)
    }
    return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/models")
  }

  /// `$DREAM_REFERENCE`, else `reference` beside the models folder.
  public static var reference: URL {
    if let path = ProcessInfo.processInfo.environment["DREAM_REFERENCE"], !path.isEmpty {
      return URL(fileURLWithPath: path)
    }
    return shared.appendingPathComponent("reference")
  }

  /// The shared folder (the models folder's parent).
  public static var shared: URL { models.deletingLastPathComponent() }

  /// The shared photos.
  public static var images: URL { shared.appendingPathComponent("images") }

  /// A shared model, or an XCTSkip saying where it was looked for.
  public static func model(_ name: String) throws -> URL {
    let url = models.appendingPathComponent(name)
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw XCTSkip(
        "model \(url.path) not found: set DREAM_MODELS to the folder holding it (../shared/models)")
    }
    return url
  }

  /// A shared reference tensor, or an XCTSkip.
  public static func referenceFile(_ name: String) throws -> URL {
    let url = reference.appendingPathComponent(name)
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw XCTSkip("reference tensor \(url.path) not found: set DREAM_REFERENCE to ../shared/reference")
    }
    return url
  }
}

/// A fresh empty folder under the system's temporary folder, named after `label` (the test).
public func makeTemporaryFolder(_ label: String = #function) throws -> URL {
  let safe = label.filter { $0.isLetter || $0.isNumber || $0 == "-" }
  let url = FileManager.default.temporaryDirectory.appendingPathComponent(
    "dream-run-tests-\(safe)-\(UUID().uuidString.prefix(8))", isDirectory: true)
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}
