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

  /// Takes the lock or throws a runtime error naming the recipe and what to do.
  public init(stateFile: String, recipe: String) throws(RunError) {
    path = stateFile + ".lock"
    let folder = (path as NSString).deletingLastPathComponent
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw .runtime(
        "\(recipe): cannot create the lock file \(path): \(String(cString: strerror(errno))); "
          + "check that the recipe's folder is writable")
    }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      close(fd)
      throw .runtime(
        "\(recipe): another dream-run is rendering this recipe (lock \(path)); "
          + "wait for it to finish or stop it, then run again")
    }
    descriptor = fd
  }

  deinit {
    flock(descriptor, LOCK_UN)
    close(descriptor)
  }
}
