import Foundation

/// The command line of `dream-fuzz`, parsed by hand (the target depends on nothing but
/// Foundation and Glibc, so it builds alone).
struct FuzzOptions {
  var binary = ".build/release/dream-run"
  var modelsDirectory = ProcessInfo.processInfo.environment["DREAM_MODELS"] ?? "../shared/models"
  var seconds = 120.0
  var seed: UInt64?
  var workDirectory: String?
  var memoryMB = 1500
  var timeoutSeconds = 20.0
  var corpusDirectory = "fuzz/corpus"
  /// Stop after this many trials (with `--seed`, the same trials every time).
  var maxTrials: Int?
  /// `--log FILE`: one line per command run (trial, exit status, command, first stderr line).
  var logPath: String?
  /// `--only KIND,...`: mutate only these kinds of input (default all three).
  var kinds: [TrialPlan.Kind] = [.recipe, .image, .model]
  /// `--list-failures DIR`: print the failures recorded in a previous run's work folder and exit.
  var listFailuresOf: String?

  static let usage = """
    usage: dream-fuzz [--binary PATH] [--models DIR] [--seconds N] [--seed N] [--trials N]
                      [--work DIR] [--memory-mb N] [--timeout N] [--corpus DIR]
                      [--only recipe,image,model] [--log FILE]
           dream-fuzz --list-failures WORKDIR

    Mutates the recipes, images and models of the corpus and runs `dream-run` on them (validate,
    plan, layers, short renders), each under a memory limit and a timeout; records every crash,
    hang, memory breach, unexpected exit code or silent error under WORKDIR/failures/.

      --binary PATH      the dream-run to test (default .build/release/dream-run)
      --models DIR       folder with googlenet.pb (default $DREAM_MODELS or ../shared/models)
      --seconds N        how long to fuzz (default 120)
      --seed N           seed of the run (default: from the clock; printed so a run can be repeated)
      --trials N         stop after N trials (default: no limit)
      --work DIR         work folder (default: a new folder in the temporary directory)
      --memory-mb N      virtual memory limit per dream-run command, MB (default 1500)
      --timeout N        wall-clock limit per dream-run command, seconds (default 20)
      --corpus DIR       seed inputs (default fuzz/corpus)
      --only KINDS       mutate only these inputs: recipe, image, model, comma-separated
                         (default all; trials are 60% recipes, 30% images, 10% models)
      --log FILE         write one line per command: trial, exit status, command, first stderr line
      --list-failures WORKDIR   list the failures recorded in WORKDIR, one line each, and exit

    Exit status: 0 no failure, 1 failures found, 2 usage or setup error.
    """

  /// Why the command line was refused.
  struct UsageError: Error, CustomStringConvertible {
    let description: String
  }

  /// Parses `arguments` (without the program name). `--help` is reported as `nil`.
  static func parse(_ arguments: [String]) throws(UsageError) -> FuzzOptions? {
    var options = FuzzOptions()
    var remaining = arguments[...]
    while let argument = remaining.popFirst() {
      if argument == "-h" || argument == "--help" { return nil }
      guard argument.hasPrefix("--") else {
        throw UsageError(description: "unexpected argument '\(argument)'")
      }
      var name = argument
      var inlineValue: String?
      if let equals = argument.firstIndex(of: "=") {
        name = String(argument[..<equals])
        inlineValue = String(argument[argument.index(after: equals)...])
      }
      func value() throws(UsageError) -> String {
        if let inlineValue { return inlineValue }
        guard let next = remaining.popFirst() else { throw UsageError(description: "\(name) needs a value") }
        return next
      }
      switch name {
      case "--binary": options.binary = try value()
      case "--models": options.modelsDirectory = try value()
      case "--work": options.workDirectory = try value()
      case "--corpus": options.corpusDirectory = try value()
      case "--list-failures": options.listFailuresOf = try value()
      case "--log": options.logPath = try value()
      case "--only":
        let text = try value()
        let kinds = text.split(separator: ",").map { TrialPlan.Kind(rawValue: String($0)) }
        guard !kinds.isEmpty, kinds.allSatisfy({ $0 != nil }) else {
          throw UsageError(description: "--only: '\(text)' is not a list of recipe, image, model")
        }
        options.kinds = kinds.compactMap { $0 }
      case "--seconds": options.seconds = try positiveNumber(try value(), name)
      case "--timeout": options.timeoutSeconds = try positiveNumber(try value(), name)
      case "--memory-mb": options.memoryMB = try positiveInteger(try value(), name)
      case "--trials": options.maxTrials = try positiveInteger(try value(), name)
      case "--seed":
        let text = try value()
        guard let seed = UInt64(text) else {
          throw UsageError(description: "--seed: '\(text)' is not an integer 0...\(UInt64.max)")
        }
        options.seed = seed
      default:
        throw UsageError(description: "unknown option '\(name)'")
      }
    }
    return options
  }

  private static func positiveNumber(_ text: String, _ name: String) throws(UsageError) -> Double {
    guard let number = Double(text), number.isFinite, number > 0 else {
      throw UsageError(description: "\(name): '\(text)' is not a positive number")
    }
    return number
  }

  private static func positiveInteger(_ text: String, _ name: String) throws(UsageError) -> Int {
    guard let number = Int(text), number > 0 else {
      throw UsageError(description: "\(name): '\(text)' is not a positive integer")
    }
    return number
  }
}
