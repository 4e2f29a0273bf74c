import Foundation

/// One wording for every failed file write (frames, state, videos): what failed, the system's
/// reason, and what to do about it.
public enum WriteFailure {
  /// `out/0001.png: cannot write the file: No space left on device; free disk space and rerun
  /// (finished frames are kept)`.
  public static func message(_ path: String, code: Int32) -> String {
    message(path, reason: String(cString: strerror(code)))
  }

  /// The same for a reason already in words (the hint follows the `strerror` text it matches).
  public static func message(_ path: String, reason: String) -> String {
    "\(path): cannot write the file: \(reason); \(hint(for: reason))"
  }

  /// What to do, by the system's reason.
  static func hint(for reason: String) -> String {
    func matches(_ codes: [Int32]) -> Bool { codes.contains { String(cString: strerror($0)) == reason } }
    if matches([ENOSPC, EDQUOT]) { return "free disk space and rerun (finished frames are kept)" }
    if matches([EACCES, EPERM, EROFS]) { return "fix the folder's permissions or save somewhere else" }
    if matches([ENOENT]) { return "the folder does not exist; check the path" }
    return "check the path, its permissions and free disk space"
  }

  /// The system's reason for a Foundation file error (its POSIX cause when there is one), without a
  /// trailing full stop.
  public static func reason(of error: any Error) -> String {
    let nsError = error as NSError
    if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
      underlying.domain == NSPOSIXErrorDomain
    {
      return String(cString: strerror(Int32(underlying.code)))
    }
    if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
    var text = nsError.localizedDescription
    while text.hasSuffix(".") { text.removeLast() }
    return text
  }
}
