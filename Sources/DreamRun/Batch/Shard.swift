import Foundation

/// One worker's part of a recipe's independent work units: shard `number` of `count` (1-based:
/// `--shard 2/3` is the second of three). Unit u (0-based, numbered by
/// ``RecipeBatch/units(frameLimit:)``) belongs to the shard with `number == u % count + 1`, so n
/// workers with shards 1/n ... n/n together do every unit exactly once, whatever machine each runs
/// on.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
  public let number: Int
  public let count: Int

  /// The largest shard count (a job array of more workers than this is a typo).
  public static let maximumCount = 100_000

  public init(number: Int, count: Int) {
    precondition(count >= 1 && number >= 1 && number <= count, "shard \(number)/\(count)")
    self.number = number
    self.count = count
  }

  /// Whether unit `unit` (0-based) is this shard's.
  public func owns(unit: Int) -> Bool { unit % count == number - 1 }

  /// `2/3`.
  public var description: String { "\(number)/\(count)" }

  /// `shard-2-of-3`: the shard in file names.
  public var fileName: String { "shard-\(number)-of-\(count)" }

  /// Reads `--shard`: `i/n` (1 <= i <= n), or `auto` from the scheduler's environment (see
  /// ``fromEnvironment(_:)``). A one-line usage error otherwise.
  public static func parse(_ text: String, environment: [String: String]) throws(RunError) -> Shard {
    if text == "auto" { return try fromEnvironment(environment) }
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let number = Int(parts[0]), let count = Int(parts[1]) else {
      throw .usage("--shard '\(text)': write i/n (shard i of n, e.g. 2/3) or auto")
    }
    return try checked(number, count, source: "--shard \(text)")
  }

  private static func checked(_ number: Int, _ count: Int, source: String) throws(RunError) -> Shard {
    guard count >= 1 else { throw .usage("\(source): the shard count must be at least 1") }
    guard count <= maximumCount else { throw .usage("\(source): at most \(maximumCount) shards") }
    guard number >= 1, number <= count else {
      throw .usage("\(source): the shard number must be 1...\(count) (shards count from 1)")
    }
    return Shard(number: number, count: count)
  }

  /// `--shard auto`: a Slurm job array (`SLURM_ARRAY_TASK_ID` with `SLURM_ARRAY_TASK_COUNT`, or
  /// with `SLURM_ARRAY_TASK_MIN`/`MAX`; the array must be a contiguous range such as `0-9` or
  /// `1-10`) or a Kubernetes Indexed Job (`JOB_COMPLETION_INDEX`, 0-based, with the completion
  /// count in `JOB_COMPLETIONS`, which the manifest sets; Kubernetes does not).
  public static func fromEnvironment(_ environment: [String: String]) throws(RunError) -> Shard {
    let slurm = environment["SLURM_ARRAY_TASK_ID"]
    let kubernetes = environment["JOB_COMPLETION_INDEX"]
    if slurm != nil, kubernetes != nil {
      throw .usage(
        "--shard auto: both SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX are set; unset one, or give "
          + "--shard i/n")
    }
    func integer(_ name: String) throws(RunError) -> Int? {
      guard let text = environment[name] else { return nil }
      guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
        throw .usage("--shard auto: \(name)='\(text)' is not a whole number")
      }
      return value
    }
    if slurm != nil {
      guard let id = try integer("SLURM_ARRAY_TASK_ID") else { preconditionFailure("checked above") }
      let minimum = try integer("SLURM_ARRAY_TASK_MIN")
      let maximum = try integer("SLURM_ARRAY_TASK_MAX")
      let count = try integer("SLURM_ARRAY_TASK_COUNT")
      guard let minimum else {
        throw .usage(
          "--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_MIN is not; run inside a job array "
            + "(sbatch --array=0-N) or give --shard i/n")
      }
      if let count, let maximum, count != maximum - minimum + 1 {
        throw .usage(
          "--shard auto: the job array \(minimum)-\(maximum) has \(count) tasks, not one per index; use a "
            + "contiguous array without a step (e.g. --array=0-\(count - 1)) or give --shard i/n")
      }
      guard let total = count ?? maximum.map({ $0 - minimum + 1 }) else {
        throw .usage("--shard auto: neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MAX is set")
      }
      return try checked(
        id - minimum + 1, total,
        source: "--shard auto (SLURM_ARRAY_TASK_ID=\(id), array \(minimum)-\(minimum + total - 1))")
    }
    if kubernetes != nil {
      guard let index = try integer("JOB_COMPLETION_INDEX") else { preconditionFailure("checked above") }
      guard let count = try integer("JOB_COMPLETIONS") else {
        throw .usage(
          "--shard auto: JOB_COMPLETION_INDEX is set but JOB_COMPLETIONS is not; set it to the Job's "
            + "completions in the manifest (see deploy/kubernetes/job.yaml)")
      }
      return try checked(
        index + 1, count, source: "--shard auto (JOB_COMPLETION_INDEX=\(index), JOB_COMPLETIONS=\(count))")
    }
    throw .usage(
      "--shard auto: neither SLURM_ARRAY_TASK_ID (a Slurm job array) nor JOB_COMPLETION_INDEX (a Kubernetes "
        + "Indexed Job) is set; give --shard i/n")
  }
}
