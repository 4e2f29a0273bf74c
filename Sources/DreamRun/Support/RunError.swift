import Foundation
import RecipeParser

/// A problem that stops a run (or `validate`/`plan`), with the exit code the command-line tool uses.
///
/// Every description is one line (recipe diagnostics: one per problem, each with the source line
/// and a caret) that names the file and says what to do.
public enum RunError: Error, CustomStringConvertible, LocalizedError {
  /// The recipe has problems (syntax, types, unknown layers, impossible sizes): exit code 2.
  case recipe(DiagnosticList)
  /// A wrong command-line value or model reference (e.g. `--model` names no file): exit code 2.
  case usage(String)
  /// A problem with a file or the model found while preparing or rendering: exit code 1.
  case runtime(String)
  /// A runtime problem at a place in the recipe (the step that overflowed, the input that cannot
  /// be read): exit code 1, printed like a recipe diagnostic with the source line and caret.
  case runtimeAt(Diagnostic)
  /// The run stopped at a signal after finishing frame `lastFrame` (nil: none finished).
  /// `video`: the video being written when the signal came (every frame was done).
  case interrupted(lastFrame: Int?, video: String? = nil, signal: Int32)

  /// 2 for recipe problems, 1 for runtime problems, 128 + signal for interruptions (130 for Ctrl-C).
  public var exitCode: Int32 {
    switch self {
    case .recipe, .usage: return 2
    case .runtime, .runtimeAt: return 1
    case .interrupted(_, _, let signal): return 128 + signal
    }
  }

  public var description: String {
    switch self {
    case .recipe(let list): return list.description
    case .usage(let message), .runtime(let message): return message
    case .runtimeAt(let diagnostic): return diagnostic.description
    case .interrupted(let lastFrame, let video, _):
      if let video {
        return "interrupted while writing \(video) (every frame is done); rerun to make the video"
      }
      if let lastFrame { return "interrupted after frame \(lastFrame); rerun to continue" }
      return "interrupted before the first frame was finished; rerun to continue"
    }
  }

  public var errorDescription: String? { description }

  /// A runtime error from any engine, model-store or file error, prefixed with `context`.
  static func wrap(_ error: any Error, context: String? = nil) -> RunError {
    if let run = error as? RunError { return run }
    let text = String(describing: error)
    return .runtime(context.map { "\($0): \(text)" } ?? text)
  }
}
