#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writing to standard output and standard error without ever trapping: a closed pipe or a full
/// disk (ENOSPC, EPIPE) loses the text, never the process. (Foundation's `FileHandle.write(_:)`
/// raises on such errors, which ends the process.)
public enum StandardStream {
  case output, error

  private var descriptor: Int32 { self == .output ? 1 : 2 }

  /// Writes all of `text`, retrying after interruptions and short writes; gives up silently on
  /// any other error.
  public func write(_ text: String) {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeMutableBytes { buffer -> Int in
        guard let base = buffer.baseAddress else { return -1 }
        #if canImport(Glibc)
          return Glibc.write(descriptor, base + offset, buffer.count - offset)
        #else
          return Darwin.write(descriptor, base + offset, buffer.count - offset)
        #endif
      }
      if written > 0 {
        offset += written
      } else if written < 0 && errno == EINTR {
        continue
      } else {
        return
      }
    }
  }

  /// `text` with control characters other than newline and tab shown as `\u{1B}`-style escapes,
  /// so a file name cannot move the cursor, recolour or retitle the user's terminal.
  public static func escapingControls(_ text: String) -> String {
    var out = ""
    out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
    for scalar in text.unicodeScalars {
      let value = scalar.value
      if (value < 0x20 && scalar != "\n" && scalar != "\t") || (0x7F...0x9F).contains(value) {
        out += "\\u{" + String(value, radix: 16, uppercase: true) + "}"
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
