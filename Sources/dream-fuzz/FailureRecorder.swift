import Foundation

/// Saves failing (and suspicious) trials under `<work>/failures/NNNN/` (or `suspicious/`):
///
/// - `case.orig/`: the trial's input files as they were before any command ran (absolute paths
///   into the trial folder rewritten to `case/` of this folder);
/// - `repro.sh`: copies `case.orig/` to `case/` and reruns the trial's commands up to the
///   failing one under the same limits;
/// - `command.txt`: the failing command, how it ended, the trial number and seed;
/// - `stdout.txt`, `stderr.txt`: its output (first 64 KiB of each);
/// - `mutations.txt`: the edits that made the input;
/// - `summary.txt`: one line, read by `--list-failures`.
///
/// Only the first `keepPerSignature` trials with the same signature (kind of failure, command
/// verb, first line of standard error with digits blanked) are saved; later ones are counted.
struct FailureRecorder {
  let directory: String
  let binary: String
  let limits: ChildLimits
  let seed: UInt64
  static let keepPerSignature = 3

  private(set) var saved = 0
  private(set) var signatureCounts: [String: Int] = [:]
  /// Signature -> (first folder, summary line) in the order first seen.
  private(set) var signatures: [(signature: String, folder: String, line: String)] = []

  init(directory: String, binary: String, limits: ChildLimits, seed: UInt64) {
    self.directory = directory
    self.binary = binary
    self.limits = limits
    self.seed = seed
    saved = Self.existingFolders(in: directory).count
  }

  /// Records the trial whose last command is `records.last`; returns the folder, or nil when
  /// the signature was already saved often enough.
  mutating func record(
    _ plan: TrialPlan, records: [CommandRecord], reason: String, tag: String, trialCaseDirectory: String
  ) -> String? {
    guard let last = records.last else { return nil }
    let signature = [
      tag, last.command.arguments.first ?? "", Self.normalized(Self.firstLine(of: last.stderr)),
    ]
    .joined(separator: " | ")
    let seen = signatureCounts[signature, default: 0]
    signatureCounts[signature] = seen + 1
    guard seen < Self.keepPerSignature else { return nil }

    saved += 1
    let folder = (directory as NSString).appendingPathComponent(String(format: "%04d", saved))
    let original = (folder as NSString).appendingPathComponent("case.orig")
    let replayCase = (folder as NSString).appendingPathComponent("case")
    let manager = FileManager.default
    try? manager.createDirectory(atPath: original, withIntermediateDirectories: true)
    for file in plan.files {
      let bytes = Self.replacing(
        Array((trialCaseDirectory + "/").utf8), with: Array((replayCase + "/").utf8), in: file.bytes)
      _ = manager.createFile(
        atPath: (original as NSString).appendingPathComponent(file.name), contents: Data(bytes))
    }
    let summary =
      "\((folder as NSString).lastPathComponent)  \(reason)  \(last.command.displayText)"
      + "\n      stderr: \(Self.printable(Self.firstLine(of: last.stderr)))"
    write(summary + "\n", to: folder, "summary.txt")
    write(Self.describe(plan, records: records, reason: reason, seed: seed), to: folder, "command.txt")
    write(plan.notes.joined(separator: "\n") + "\n", to: folder, "mutations.txt")
    _ = manager.createFile(
      atPath: (folder as NSString).appendingPathComponent("stdout.txt"), contents: Data(last.stdout))
    _ = manager.createFile(
      atPath: (folder as NSString).appendingPathComponent("stderr.txt"), contents: Data(last.stderr))
    write(reproScript(plan, records: records, reason: reason), to: folder, "repro.sh")
    chmod((folder as NSString).appendingPathComponent("repro.sh"), 0o755)
    if seen == 0 { signatures.append((signature, folder, summary)) }
    return folder
  }

  private func reproScript(_ plan: TrialPlan, records: [CommandRecord], reason: String) -> String {
    var lines = [
      "#!/bin/sh",
      "# dream-fuzz: seed \(seed), trial \(plan.number) (\(plan.kind.rawValue) mutation): \(reason)",
      "# Copies case.orig/ to case/ and reruns the trial's commands there, the last one failing,",
      "# under the fuzzer's limits (ulimit -v \(limits.memoryMB * 1024) KiB, \(Int(limits.timeoutSeconds)) s).",
      "# Usage: sh repro.sh [DREAM_RUN_BINARY]. A status of 137 after the time limit is the timeout.",
      "here=$(cd \"$(dirname \"$0\")\" && pwd)",
      "binary=${1:-\(Shell.quote(binary))}",
      "rm -rf \"$here/case\" && cp -R \"$here/case.orig\" \"$here/case\" && cd \"$here/case\" || exit 2",
      "export DREAM_RUN_CACHE=\"$here/cache\" DREAM_RUN_MODEL_BASE_URL=http://127.0.0.1:9/",
      "run() {",
      "  echo \"\\$ dream-run $*\" >&2",
      "  ( ulimit -v \(limits.memoryMB * 1024); exec timeout -s KILL \(Int(limits.timeoutSeconds)) \"$binary\" \"$@\" )",
      "  echo \"exit status $?\" >&2",
      "}",
    ]
    for record in records {
      lines.append("run " + record.command.arguments.map(Shell.quote).joined(separator: " "))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private static func describe(_ plan: TrialPlan, records: [CommandRecord], reason: String, seed: UInt64)
    -> String
  {
    var lines = [
      "reason: \(reason)", "seed: \(seed)", "trial: \(plan.number) (\(plan.kind.rawValue))",
      "seeds: \(plan.seeds.joined(separator: ", "))", "commands (run in case/):",
    ]
    for record in records {
      let ending: String
      switch record.outcome.termination {
      case .exited(let code): ending = "exit \(code)"
      case .signaled(let signal): ending = ChildProcess.signalName(signal)
      case .timedOut: ending = "timed out"
      case .abandoned: ending = "abandoned"
      }
      lines.append(
        "  \(record.command.displayText)  -> \(ending), \(String(format: "%.2f", record.outcome.wallSeconds)) s, "
          + "peak RSS \(record.outcome.peakRSSKiB / 1024) MB")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private func write(_ text: String, to folder: String, _ name: String) {
    _ = FileManager.default.createFile(
      atPath: (folder as NSString).appendingPathComponent(name), contents: Data(text.utf8))
  }

  static func existingFolders(in directory: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter {
      $0.count == 4 && Int($0) != nil
    }.sorted()
  }

  /// The first line with something on it (the Swift runtime's crash report starts with a blank
  /// line), cut to 300 bytes.
  static func firstLine(of bytes: [UInt8]) -> [UInt8] {
    let lines = bytes.split(separator: 0x0A)
    let line = lines.first { !$0.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D } } ?? []
    return Array(line.prefix(300))
  }

  /// The line with each run of digits replaced by `#`, so "frame 3" and "frame 12" group together.
  /// Addresses (`0x7f...`) become `0x#` as well.
  static func normalized(_ line: [UInt8]) -> String {
    var out: [UInt8] = []
    var inHex = false
    for byte in line {
      let isDigit = (0x30...0x39).contains(byte)
      let isHexLetter = (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte | 0x20)
      if inHex && (isDigit || isHexLetter) { continue }
      inHex = byte == UInt8(ascii: "x") && out.last == UInt8(ascii: "#")
      if inHex {
        out.append(byte)
        out.append(UInt8(ascii: "#"))
        continue
      }
      if isDigit && out.last == UInt8(ascii: "#") { continue }
      out.append(isDigit ? UInt8(ascii: "#") : byte)
    }
    return printable(out)
  }

  static func printable(_ bytes: [UInt8]) -> String {
    var out = ""
    for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
      if scalar.value < 0x20 || scalar.value == 0x7F {
        out += "\\u{\(String(scalar.value, radix: 16))}"
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  static func replacing(_ needle: [UInt8], with replacement: [UInt8], in bytes: [UInt8]) -> [UInt8] {
    guard !needle.isEmpty, bytes.count >= needle.count else { return bytes }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var index = 0
    while index < bytes.count {
      if bytes[index] == needle[0], index + needle.count <= bytes.count,
        bytes[index..<index + needle.count].elementsEqual(needle)
      {
        out += replacement
        index += needle.count
      } else {
        out.append(bytes[index])
        index += 1
      }
    }
    return out
  }
}
