import Foundation

/// Human-readable sizes, rates and durations for progress bars and tables.
public enum ByteFormat {
  /// `512 B`, `12.3 KB`, `49.9 MB`, `1.20 GB` (decimal units, as download sizes are usually quoted).
  public static func bytes(_ count: Int64) -> String {
    let value = Double(count)
    if count < 1000 { return "\(count) B" }
    if value < 1e6 { return String(format: "%.1f KB", value / 1e3) }
    if value < 1e9 { return String(format: "%.1f MB", value / 1e6) }
    return String(format: "%.2f GB", value / 1e9)
  }

  /// `2 s`, `0.5 s`, `90 s`.
  public static func seconds(_ value: Double) -> String {
    value == value.rounded() ? "\(Int(value)) s" : String(format: "%.1f s", value)
  }
}
