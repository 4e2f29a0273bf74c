import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// An exclusive lock on a recipe's state folder, held for the whole run, so two `dream-run`
/// processes never render the same recipe into the same files at once.
///
/// It is a POSIX `flock` on `<state file>.lock`: the kernel drops it when the process exits, even
/// after `kill -9`, so a crashed run never leaves a stale lock behind.
public final class RunLock {
  private let descriptor: Int32
  public let path: String

  /// Takes the recipe's lock or throws a runtime error naming the recipe and what to do.
  /// `shared`: shards that split a recipe's frames hold it together; a run that renders the
  /// recipe alone (`shared` false) waits for none of them and excludes all.
  public convenience init(stateFile: String, recipe: String, shared: Bool = false) throws(RunError) {
    let path = stateFile + ".lock"
    guard let lock = try RunLock.take(path, exclusive: !shared, recipe: recipe) else {
      throw .runtime(
        shared
          ? "\(recipe): a dream-run without --shard is rendering this recipe (lock \(path)); wait for it to "
            + "finish or stop it, then run the shard again"
          : "\(recipe): another dream-run is rendering this recipe (lock \(path)); "
            + "wait for it to finish or stop it, then run again")
    }
    self.init(descriptor: lock.descriptor, path: path)
    lock.handOver()
  }

  /// The lock at `path` if no other process holds it (nil when one does); throws when the lock
  /// file cannot be made.
  public static func take(_ path: String, exclusive: Bool = true, recipe: String) throws(RunError) -> RunLock?
  {
    let folder = (path as NSString).deletingLastPathComponent
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw .runtime(
        "\(recipe): cannot create the lock file \(path): \(String(cString: strerror(errno))); "
          + "check that the recipe's folder is writable")
    }
    guard flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0 else {
      close(fd)
      return nil
    }
    return RunLock(descriptor: fd, path: path)
  }

  /// Whether some process holds the lock at `path` (a lock file that does not exist is free).
  public static func isHeld(_ path: String) -> Bool {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return true }
    flock(fd, LOCK_UN)
    return false
  }

  private var owned = true

  private init(descriptor: Int32, path: String) {
    self.descriptor = descriptor
    self.path = path
  }

  /// This object no longer releases the descriptor (another took it over).
  private func handOver() { owned = false }

  deinit {
    guard owned else { return }
    flock(descriptor, LOCK_UN)
    close(descriptor)
  }
}
