import DreamEngine
import Foundation
import RecipeParser

/// What a previous run recorded about the files it wrote: for each save/video node id, the
/// node's fingerprint and the sha256 and size of the bytes written.
///
/// Stored as JSON in `<recipe folder>/.dream-run/<recipe file name>.state.json`, rewritten
/// atomically after every frame (always after the frame's files were renamed into place), so a
/// file is only ever trusted when both it and its record are complete.
public struct RunState: Codable, Sendable, Equatable {
  public struct Output: Codable, Sendable, Equatable {
    /// The file relative to the recipe's folder (absolute when outside it).
    public var path: String
    public var fingerprint: String
    public var sha256: String
    public var bytes: Int
    /// A saved frame's look in numbers (`dream-run stats`); nil for videos and older states.
    public var statistics: FrameStatistics?
    /// Seconds the frame took to render (its share of the run); nil when it was not rendered.
    public var seconds: Double?
    /// What made the file: for the node and each node of its frame that fed it, by node id, the
    /// lines its fingerprint hashed (``Fingerprints/fields(of:inputs:fingerprints:)``), so that
    /// `plan --explain` can say what changed. Nil for videos and older states.
    public var madeFrom: [String: [String]]?
    /// When it was recorded (seconds since 1970): where shards' states disagree about a file, the
    /// latest record is the one that describes it.
    public var recordedAt: Double?

    public init(
      path: String, fingerprint: String, sha256: String, bytes: Int, statistics: FrameStatistics? = nil,
      seconds: Double? = nil, madeFrom: [String: [String]]? = nil, recordedAt: Double? = nil
    ) {
      self.recordedAt = recordedAt
      self.path = path
      self.fingerprint = fingerprint
      self.sha256 = sha256
      self.bytes = bytes
      self.statistics = statistics
      self.seconds = seconds
      self.madeFrom = madeFrom
    }
  }

  public static let formatVersion = 1
  public var format: Int = RunState.formatVersion
  /// Keyed by plan node id (`f07.s9`, `video.s10`).
  public var outputs: [String: Output] = [:]
  /// What the last writing run rendered with (``RenderEnvironment/fields``): dream-run's version,
  /// the model's hash, OpenBLAS and its core, CPU features, codec versions. For people and
  /// `dream-run check`; up-to-date checks use the fingerprints only.
  public var recordedWith: [String: String]?

  public init() {}

  /// The state folder and file names for the recipe at `recipeFile` (and its sweep variant). A
  /// recipe reached through a symbolic link in its folder (`b.yaml -> a.yaml`) is named by the file
  /// it resolves to, so both names share one state and one lock instead of rendering into the same
  /// files at once.
  public static func locations(recipeFile: String, directory: String, variant: SweepVariant? = nil) -> (
    folder: String, state: String, checkpoints: String
  ) {
    var name = URL(fileURLWithPath: recipeFile).resolvingSymlinksInPath().lastPathComponent
    if let variant {
      var label = variant.fileName
      if label.utf8.count > 120 {
        label = String(label.prefix(100)) + "-" + String(Fingerprints.sha256Hex(Data(label.utf8)).prefix(16))
      }
      name += "." + label
    }
    let folder = RecipePath.resolve(".dream-run", relativeTo: directory)
    return (folder, folder + "/" + name + ".state.json", folder + "/" + name + ".checkpoints")
  }

  /// Where shard `shard` records what it wrote for the state at `stateFile`: several shards render
  /// the frames of one recipe at once, each into its own state file, and readers merge them.
  public static func shardFile(_ stateFile: String, shard: Shard) -> String {
    stem(stateFile) + "." + shard.fileName + ".state.json"
  }

  /// `x.yaml.state.json` -> `x.yaml`.
  static func stem(_ stateFile: String) -> String {
    stateFile.hasSuffix(".state.json") ? String(stateFile.dropLast(".state.json".count)) : stateFile
  }

  /// The shard state files beside `stateFile` (any shard count), sorted by name, each with the
  /// shard its name says wrote it.
  public static func shardFiles(of stateFile: String) -> [(path: String, shard: Shard)] {
    let folder = (stateFile as NSString).deletingLastPathComponent
    let prefix = (stem(stateFile) as NSString).lastPathComponent + ".shard-"
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    return names.sorted().compactMap { name in
      guard name.hasPrefix(prefix), name.hasSuffix(".state.json") else { return nil }
      // `I-of-N` and nothing else between the prefix and the suffix.
      let middle = name.dropFirst(prefix.count).dropLast(".state.json".count).split(separator: "-")
      guard middle.count == 3, middle[1] == "of", let number = Int(middle[0]), let count = Int(middle[2]),
        count >= 1, (1...count).contains(number)
      else { return nil }
      return (folder + "/" + name, Shard(number: number, count: count))
    }
  }

  /// The state at `path` merged with its shards' states (``shardFiles(of:)``): for each node, the
  /// latest record. A missing, unreadable or damaged file counts as empty (everything it recorded
  /// is then rendered again, which is always safe).
  public static func load(from path: String) -> RunState {
    var state = loadFile(path)
    for file in shardFiles(of: path) {
      let shard = loadFile(file.path)
      for (id, record) in shard.outputs {
        if let known = state.outputs[id], (known.recordedAt ?? 0) > (record.recordedAt ?? 0) { continue }
        state.outputs[id] = record
      }
    }
    return state
  }

  /// The one state file at `path`, not merged.
  public static func loadFile(_ path: String) -> RunState {
    guard let data = FileManager.default.contents(atPath: path),
      let state = try? JSONDecoder().decode(RunState.self, from: data), state.format == formatVersion
    else { return RunState() }
    return state
  }

}

/// Whether a node's output file can be trusted, from the state and the file on disk.
public struct OutputChecker {
  public let state: RunState
  let files: any OutputFiles

  public init(state: RunState, files: any OutputFiles = DiskOutputFiles()) {
    self.state = state
    self.files = files
  }

  /// `upToDate` when the file exists, the state records `fingerprint` for the node, and the file's
  /// bytes hash to what was recorded; `stale` when the file exists otherwise; `missing` when it
  /// does not exist.
  public func status(nodeID: String, path: String, fingerprint: String) -> NodeStatus {
    guard let data = files.contents(of: path) else { return .missing }
    guard let record = state.outputs[nodeID], record.fingerprint == fingerprint, record.bytes == data.count,
      Fingerprints.sha256Hex(data) == record.sha256
    else { return .stale }
    return .upToDate
  }
}

/// What the run state and the disk say about a node's output, shown by `dream-run plan`.
public enum NodeStatus: String, CaseIterable, Sendable, PlanStatus {
  /// The output exists and its fingerprint matches.
  case upToDate = "up-to-date"
  /// The output exists but was made from other inputs or parameters.
  case stale
  /// The output does not exist yet.
  case missing
  /// The node keeps its image in memory; it runs when a consumer needs it.
  case inMemory = "in-memory"

  public var label: String { rawValue }

  /// Up-to-date green, stale orange, missing red, in-memory grey.
  public var dotColour: String {
    switch self {
    case .upToDate: return "palegreen"
    case .stale: return "orange"
    case .missing: return "salmon"
    case .inMemory: return "lightgrey"
    }
  }
}
