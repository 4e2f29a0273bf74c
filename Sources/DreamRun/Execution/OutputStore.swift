import DreamEngine
import Foundation
import RecipeParser

/// The file operations a run's outputs go through: the disk in a run, a fake in tests (a disk that
/// fills up at a chosen file, ...).
public protocol OutputFiles: Sendable {
  /// The file's bytes, nil when it cannot be read.
  func contents(of path: String) -> Data?
  /// Writes `bytes` so that `path` holds either its old content or all of `bytes`
  /// (a one-line ``RunError/runtime(_:)`` naming the file when it fails).
  func writeAtomically(_ bytes: [UInt8], to path: String) throws(RunError)
  /// The names of the entries of `folder` (none when it cannot be read).
  func names(in folder: String) -> [String]
  /// Removes the file at `path`, if there is one.
  func remove(_ path: String)
}

/// The real disk: ``AtomicFile`` (temporary file, fsync, rename).
public struct DiskOutputFiles: OutputFiles {
  public init() {}

  public func contents(of path: String) -> Data? { FileManager.default.contents(atPath: path) }

  public func writeAtomically(_ bytes: [UInt8], to path: String) throws(RunError) {
    try AtomicFile.write(bytes, to: path)
  }

  public func names(in folder: String) -> [String] {
    (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
  }

  public func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }
}

/// A run's output files and their record: whether a file is up to date (read and hashed once), and
/// writing a file then recording it in the run state, each atomically, in that order, so after a
/// crash at any moment a file is either complete and recorded or not trusted.
///
/// A shard that shares a recipe's frames with other shards records into its own file
/// (``RunState/shardFile(_:shard:)``) and reads everyone's; a run that holds the recipe alone
/// records into the recipe's state file and, once it has, folds the shards' files into it.
final class OutputStore {
  /// Everything known: the state file merged with the shards' files.
  private(set) var state: RunState
  /// What this run records into ``recordFile``: the merged state, or only a shard's own records.
  private var own: RunState
  let files: any OutputFiles
  let stateFile: String
  /// Where records go: `stateFile`, or a shard's file.
  let recordFile: String
  /// Recorded paths are relative to this folder (the recipe's).
  let directory: String
  private let recordedWith: [String: String]
  /// Shard files still to fold into the state file (a run holding the recipe alone).
  private var unfolded: [String]

  /// Reads the state file and its shards' (as the runs that held the locks left them);
  /// `recordedWith` is saved with every later record. `shardFile`: record there instead (this run
  /// shares the recipe's frames with other shards).
  init(
    stateFile: String, directory: String, files: any OutputFiles, recordedWith: [String: String],
    shardFile: String? = nil
  ) {
    self.stateFile = stateFile
    self.recordFile = shardFile ?? stateFile
    self.directory = directory
    self.files = files
    self.recordedWith = recordedWith
    state = RunState.load(from: stateFile)
    state.recordedWith = recordedWith
    if let shardFile {
      own = RunState.loadFile(shardFile)
      own.recordedWith = recordedWith
      unfolded = []
    } else {
      own = state
      unfolded = RunState.shardFiles(of: stateFile).map(\.path)
    }
  }

  /// Reads the states again (other shards may have recorded files since).
  func reload() {
    state = RunState.load(from: stateFile)
    state.recordedWith = recordedWith
    if recordFile == stateFile { own = state }
  }

  /// Whether `path` exists, the state records `fingerprint` for `nodeID`, and the file still hashes
  /// to what was recorded.
  func isUpToDate(nodeID: String, path: String, fingerprint: String) -> Bool {
    OutputChecker(state: state, files: files).status(nodeID: nodeID, path: path, fingerprint: fingerprint)
      == .upToDate
  }

  /// A run holding the recipe alone: writes the state file with every shard's records, then
  /// removes the shards' files (nothing to do when there are none).
  func foldShards() throws(RunError) {
    guard !unfolded.isEmpty, recordFile == stateFile else { return }
    try writeOwn()
  }

  /// Writes `bytes` to `path` atomically, then records it for `nodeID` (with a frame's statistics
  /// and render time, when given).
  func write(
    _ bytes: [UInt8], to path: String, nodeID: String, fingerprint: String,
    statistics: FrameStatistics? = nil, seconds: Double? = nil, madeFrom: [String: [String]]? = nil
  ) throws(RunError) {
    try files.writeAtomically(bytes, to: path)
    try record(
      nodeID: nodeID, path: path, sha256: Fingerprints.sha256Hex(bytes), bytes: bytes.count,
      fingerprint: fingerprint, statistics: statistics, seconds: seconds, madeFrom: madeFrom)
  }

  /// Records a file written by someone else (the video writers), read back from `path`.
  func recordWritten(_ path: String, nodeID: String, fingerprint: String) throws(RunError) {
    guard let data = files.contents(of: path) else {
      throw .runtime("\(path): the file was written but cannot be read back; check the disk")
    }
    try record(
      nodeID: nodeID, path: path, sha256: Fingerprints.sha256Hex(data), bytes: data.count,
      fingerprint: fingerprint)
  }

  private func record(
    nodeID: String, path: String, sha256: String, bytes: Int, fingerprint: String,
    statistics: FrameStatistics? = nil, seconds: Double? = nil, madeFrom: [String: [String]]? = nil
  ) throws(RunError) {
    let written =
      !directory.isEmpty && path.hasPrefix(directory + "/")
      ? String(path.dropFirst(directory.count + 1)) : path
    let output = RunState.Output(
      path: written, fingerprint: fingerprint, sha256: sha256, bytes: bytes, statistics: statistics,
      seconds: seconds, madeFrom: madeFrom, recordedAt: Date().timeIntervalSince1970)
    state.outputs[nodeID] = output
    own.outputs[nodeID] = output
    try writeOwn()
  }

  /// Writes this run's records to ``recordFile`` (atomically); once the state file holds every
  /// shard's records, their files go.
  private func writeOwn() throws(RunError) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let data: Data
    do {
      data = try encoder.encode(own)
    } catch {
      preconditionFailure("RunState: encoding failed: \(error)")
    }
    try files.writeAtomically([UInt8](data), to: recordFile)
    // The state file now holds every shard's records: their files are no longer needed.
    for file in unfolded { files.remove(file) }
    unfolded = []
  }
}
