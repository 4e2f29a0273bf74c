import Foundation

/// The fuzzing loop: plans and runs trials until the time (or trial) budget is spent, records
/// failures, prints progress every ~10 s on standard error and a summary on standard output.
struct Fuzzer {
  let options: FuzzOptions
  let seed: UInt64
  let binary: String
  let workDirectory: String
  let corpus: Corpus
  let limits: ChildLimits

  struct Counts {
    var trials = 0
    var byKind: [TrialPlan.Kind: Int] = [:]
    var commands = 0
    var failures = 0
    var suspicious = 0
    /// Verb (`validate`, `plan`, `layers`, `run`) -> exit code -> commands.
    var exitCodes: [String: [Int32: Int]] = [:]
  }

  /// Runs the loop; returns the process exit status (0 clean, 1 failures, 2 setup error).
  func run() -> Int32 {
    let trialsRoot = path("trials")
    let environment = childEnvironment()
    let runner = TrialRunner(binary: binary, limits: limits, environment: environment)
    guard selfTest(runner) else { return 2 }
    let planner = TrialPlanner(corpus: corpus, seed: seed, kinds: options.kinds)
    var failures = FailureRecorder(directory: path("failures"), binary: binary, limits: limits, seed: seed)
    var suspicious = FailureRecorder(
      directory: path("suspicious"), binary: binary, limits: limits, seed: seed)
    var counts = Counts()
    let log = options.logPath.flatMap { path -> FileHandle? in
      FileManager.default.createFile(atPath: path, contents: nil) ? FileHandle(forWritingAtPath: path) : nil
    }
    defer { try? log?.close() }
    let start = ChildProcess.monotonicSeconds()
    var lastProgress = start

    while Interrupt.requested == 0 {
      let elapsed = ChildProcess.monotonicSeconds() - start
      if elapsed >= options.seconds { break }
      if let maximum = options.maxTrials, counts.trials >= maximum { break }
      let number = counts.trials
      // Four levels below the work folder: trials/NNN/NNNNNN/case (see PathGuard).
      let trialDirectory = (trialsRoot as NSString).appendingPathComponent(
        String(format: "%03d/%06d", number / 1000, number))
      let caseDirectory = (trialDirectory as NSString).appendingPathComponent("case")
      let plan = planner.plan(number: number, caseDirectory: caseDirectory)
      let records: [CommandRecord]
      do {
        records = try runner.run(plan, trialDirectory: trialDirectory, caseDirectory: caseDirectory)
      } catch {
        printError("dream-fuzz: \(error)")
        return 2
      }
      if records.last?.outcome.termination == .abandoned { break }
      counts.trials += 1
      counts.byKind[plan.kind, default: 0] += 1
      counts.commands += records.count
      for record in records {
        log?.write(Data(Self.logLine(number: number, record).utf8))
        guard case .exited(let code) = record.outcome.termination else { continue }
        let verb = record.command.arguments.first.map { $0.hasSuffix(".yaml") ? "run" : $0 } ?? "?"
        counts.exitCodes[verb, default: [:]][code, default: 0] += 1
      }
      if let last = records.last, let failure = last.failure {
        counts.failures += 1
        let folder = failures.record(
          plan, records: records, reason: failure.summary, tag: failure.tag, trialCaseDirectory: caseDirectory
        )
        printError(
          "dream-fuzz: trial \(number): \(failure.summary): \(last.command.displayText)"
            + (folder.map { " -> \($0)" } ?? " (duplicate, not saved)"))
      } else if let flagged = records.first(where: { $0.rawControlCharacter != nil }),
        let byte = flagged.rawControlCharacter
      {
        counts.suspicious += 1
        let reason = "raw control character 0x\(String(byte, radix: 16)) in the output"
        let index = records.firstIndex { $0.rawControlCharacter != nil } ?? 0
        _ = suspicious.record(
          plan, records: Array(records.prefix(index + 1)), reason: reason, tag: "control-\(byte)",
          trialCaseDirectory: caseDirectory)
      }
      try? FileManager.default.removeItem(atPath: trialDirectory)
      let now = ChildProcess.monotonicSeconds()
      if now - lastProgress >= 10 {
        lastProgress = now
        printError("dream-fuzz: \(Int(now - start)) s: \(describe(counts)), \(counts.failures) failures")
      }
    }
    try? FileManager.default.removeItem(atPath: trialsRoot)
    let seconds = Int((ChildProcess.monotonicSeconds() - start).rounded())
    printSummary(counts, seconds: seconds, failures: failures, suspicious: suspicious)
    return counts.failures > 0 ? 1 : 0
  }

  private static func logLine(number: Int, _ record: CommandRecord) -> String {
    let ending: String
    switch record.outcome.termination {
    case .exited(let code): ending = "exit \(code)"
    case .signaled(let signal): ending = ChildProcess.signalName(signal)
    case .timedOut: ending = "timeout"
    case .abandoned: ending = "abandoned"
    }
    let stderr = FailureRecorder.printable(FailureRecorder.firstLine(of: record.stderr))
    return "\(number)\t\(ending)\t\(record.command.displayText)\t\(stderr)\n"
  }

  private func describe(_ counts: Counts) -> String {
    "\(counts.trials) inputs tried (\(counts.byKind[.recipe, default: 0]) recipes, "
      + "\(counts.byKind[.image, default: 0]) images, \(counts.byKind[.model, default: 0]) models; "
      + "\(counts.commands) command runs)"
  }

  private func printSummary(
    _ counts: Counts, seconds: Int, failures: FailureRecorder, suspicious: FailureRecorder
  ) {
    var lines = ["dream-fuzz: \(describe(counts)) in \(seconds) s, \(counts.failures) failures"]
    if counts.failures > 0 {
      lines.append("failures (\(failures.signatures.count) distinct) in \(path("failures")):")
      for entry in failures.signatures {
        let count = failures.signatureCounts[entry.signature, default: 1]
        lines.append("  " + entry.line + (count > 1 ? "\n      (\(count) trials like this)" : ""))
      }
    }
    if counts.suspicious > 0 {
      lines.append(
        "\(counts.suspicious) trials printed raw control characters (not failures) in \(path("suspicious")):")
      lines += suspicious.signatures.map { "  " + $0.line }
    }
    let codes = counts.exitCodes.sorted { $0.key < $1.key }.map { verb, codes in
      verb + " " + codes.sorted { $0.key < $1.key }.map { "\($0.value)x\($0.key)" }.joined(separator: " ")
    }
    lines.append("exit codes: " + codes.joined(separator: "; "))
    lines.append("seed \(seed): repeat with --seed \(seed)")
    print(lines.joined(separator: "\n"))
  }

  /// Runs `dream-run layers MAIN_MODEL` once under the limits: if that fails, every trial would.
  private func selfTest(_ runner: TrialRunner) -> Bool {
    let directory = path("self-test")
    let plan = TrialPlan(
      number: -1, kind: .model, seeds: [], files: [],
      commands: [TrialPlan.Command(arguments: ["layers", corpus.mainModel.path])], notes: [])
    defer { try? FileManager.default.removeItem(atPath: directory) }
    do {
      let records = try runner.run(plan, trialDirectory: directory, caseDirectory: directory)
      guard let record = records.first, record.outcome.termination == .exited(0) else {
        let stderr =
          records.first.map { FailureRecorder.printable(FailureRecorder.firstLine(of: $0.stderr)) } ?? ""
        printError(
          "dream-fuzz: setup check failed: '\(binary) layers \(corpus.mainModel.path)' did not exit 0 under "
            + "--memory-mb \(limits.memoryMB) and --timeout \(Int(limits.timeoutSeconds)): \(stderr)")
        return false
      }
      return true
    } catch {
      printError("dream-fuzz: \(error)")
      return false
    }
  }

  /// The children's environment: ours, plus a private model cache and an unreachable download
  /// URL, so nothing is downloaded or written outside the work folder.
  private func childEnvironment() -> [String: String] {
    var environment = ProcessInfo.processInfo.environment
    environment["DREAM_RUN_CACHE"] = path("cache")
    environment["DREAM_RUN_MODEL_BASE_URL"] = "http://127.0.0.1:9/"
    return environment
  }

  private func path(_ name: String) -> String {
    (workDirectory as NSString).appendingPathComponent(name)
  }
}

/// Writes a line to standard error.
func printError(_ line: String) {
  FileHandle.standardError.write(Data((line + "\n").utf8))
}
