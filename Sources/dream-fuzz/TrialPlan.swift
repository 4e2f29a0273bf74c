/// What one trial runs: the files written into its case folder and the `dream-run` commands,
/// all decided up front from the trial's own random stream.
struct TrialPlan {
  enum Kind: String {
    case recipe, image, model
  }

  /// One `dream-run` invocation; `arguments` come after the binary, paths relative to the case
  /// folder (or absolute into the models folder).
  struct Command {
    let arguments: [String]

    var displayText: String {
      "dream-run " + arguments.map(Shell.quoteIfNeeded).joined(separator: " ")
    }
  }

  let number: Int
  let kind: Kind
  /// The corpus files this trial started from.
  let seeds: [String]
  /// File name in the case folder -> contents.
  var files: [(name: String, bytes: [UInt8])]
  var commands: [Command]
  /// What was mutated, one line per edit.
  var notes: [String]
}
