import Foundation

/// One executed command of a trial.
struct CommandRecord {
  let command: TrialPlan.Command
  let outcome: ChildOutcome
  /// The first 64 KiB of each stream.
  let stdout: [UInt8]
  let stderr: [UInt8]
  let failure: FailureReason?
  /// A raw control character found in the output (not a failure; see `OutputCheck`).
  let rawControlCharacter: UInt8?
}

/// Writes a plan's files into its case folder and runs its commands in order, stopping at the
/// first failure.
struct TrialRunner {
  /// Absolute path of the dream-run under test.
  let binary: String
  let limits: ChildLimits
  let environment: [String: String]

  static let captureLimit = 64 * 1024

  func run(_ plan: TrialPlan, trialDirectory: String, caseDirectory: String) throws(ChildProcess.SpawnError)
    -> [CommandRecord]
  {
    let manager = FileManager.default
    try? manager.createDirectory(atPath: caseDirectory, withIntermediateDirectories: true)
    for file in plan.files {
      _ = manager.createFile(
        atPath: (caseDirectory as NSString).appendingPathComponent(file.name), contents: Data(file.bytes))
    }
    var records: [CommandRecord] = []
    for (index, command) in plan.commands.enumerated() {
      let stdoutPath = (trialDirectory as NSString).appendingPathComponent("stdout-\(index).txt")
      let stderrPath = (trialDirectory as NSString).appendingPathComponent("stderr-\(index).txt")
      let outcome = try ChildProcess.run(
        [binary] + command.arguments, in: caseDirectory, environment: environment, stdoutPath: stdoutPath,
        stderrPath: stderrPath, limits: limits)
      let stdout = Self.head(of: stdoutPath)
      let stderr = Self.head(of: stderrPath)
      let failure = FailureReason.judge(
        outcome, stderr: stderr, memoryLimitKiB: limits.memoryMB * 1024, timeoutSeconds: limits.timeoutSeconds
      )
      let control = OutputCheck.rawControlCharacter(in: stdout) ?? OutputCheck.rawControlCharacter(in: stderr)
      records.append(
        CommandRecord(
          command: command, outcome: outcome, stdout: stdout, stderr: stderr, failure: failure,
          rawControlCharacter: control))
      if failure != nil || outcome.termination == .abandoned { break }
    }
    return records
  }

  /// The first `captureLimit` bytes of a file (empty when unreadable).
  static func head(of path: String) -> [UInt8] {
    guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
    defer { try? handle.close() }
    return [UInt8]((try? handle.read(upToCount: captureLimit)) ?? Data())
  }
}
