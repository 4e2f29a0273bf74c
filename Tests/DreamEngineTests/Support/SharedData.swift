import Foundation
import XCTest

/// Locates ../shared (models, reference tensors, images). CI sets DREAM_MODELS and
/// DREAM_REFERENCE; otherwise the folder beside the package root is used. Tests that need the
/// data skip with a message saying why when it is absent.
enum SharedData {
  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  static var models: URL {
    if let env = ProcessInfo.processInfo.environment["DREAM_MODELS"], !env.isEmpty {
      return URL(fileURLWithPath: env)
    }
    return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/models")
  }

  static var reference: URL {
    if let env = ProcessInfo.processInfo.environment["DREAM_REFERENCE"], !env.isEmpty {
      return URL(fileURLWithPath: env)
    }
    return models.deletingLastPathComponent().appendingPathComponent("reference")
  }

  static var images: URL { models.deletingLastPathComponent().appendingPathComponent("images") }

  /// The URL of a shared model, or an XCTSkip explaining what is missing.
  static func model(_ name: String) throws -> URL {
    let url = models.appendingPathComponent(name)
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw XCTSkip("model \(url.path) not found: set DREAM_MODELS to ../shared/models to run this test")
    }
    return url
  }

  static func referenceFile(_ name: String) throws -> URL {
    let url = reference.appendingPathComponent(name)
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw XCTSkip("reference tensor \(url.path) not found: set DREAM_REFERENCE to ../shared/reference")
    }
    return url
  }
}

/// Relative L2 error ||a - b|| / ||b||.
func relativeL2(_ a: [Float], _ b: [Float]) -> Double {
  precondition(a.count == b.count, "relativeL2: \(a.count) vs \(b.count)")
  var num = 0.0
  var den = 0.0
  for i in 0..<a.count {
    let d = Double(a[i]) - Double(b[i])
    num += d * d
    den += Double(b[i]) * Double(b[i])
  }
  return den == 0 ? sqrt(num) : sqrt(num / den)
}
