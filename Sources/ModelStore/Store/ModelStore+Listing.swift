import Foundation

/// What the cache holds for one catalog entry.
public enum InstallState: Sendable, Equatable {
  /// Installed with a manifest matching the catalog (not rehashed).
  case installed(InstalledModel)
  /// A .pb is present but has no valid manifest (placed by hand, or from an older catalog): it is
  /// verified (and adopted when its sha256 matches) on the next resolve or fetch.
  case unverifiedFile(bytes: Int64)
  /// Nothing there.
  case notInstalled
}

/// One row of `dream-run models`.
public struct ModelListing: Sendable, Equatable {
  /// The catalog entry.
  public var entry: CatalogEntry
  /// Its state in the cache.
  public var state: InstallState
  /// Where the .pb is or will be.
  public var path: URL
}

extension ModelStore {
  /// One row per catalog entry, in catalog order; cheap (reads manifests, hashes nothing).
  public func listing() -> [ModelListing] {
    catalog.entries.map { entry in
      let state: InstallState
      if let installed = cache.installed(entry) {
        state = .installed(installed)
      } else if let bytes = ModelCache.regularFileSize(cache.modelFile(for: entry)) {
        state = .unverifiedFile(bytes: bytes)
      } else {
        state = .notInstalled
      }
      return ModelListing(entry: entry, state: state, path: cache.modelFile(for: entry))
    }
  }

  /// The `dream-run models` text: a header line with the cache root, then a table with columns
  /// NAME, INSTALLED, SIZE, PATH, DESCRIPTION (left-aligned, two spaces apart), one row per entry.
  public func listingTable() -> String {
    ModelStore.formatListing(listing(), cacheRoot: cache.root)
  }

  /// Formats rows as in `listingTable()`.
  public static func formatListing(_ rows: [ModelListing], cacheRoot: URL) -> String {
    let header = ["NAME", "INSTALLED", "SIZE", "PATH", "DESCRIPTION"]
    let cells: [[String]] = rows.map { row in
      let (installed, size): (String, String)
      switch row.state {
      case .installed(let model): (installed, size) = ("yes", ByteFormat.bytes(model.bytes))
      case .unverifiedFile(let bytes): (installed, size) = ("unverified", ByteFormat.bytes(bytes))
      case .notInstalled: (installed, size) = ("no", "-")
      }
      return [row.entry.name, installed, size, row.path.path, row.entry.description]
    }
    let table = [header] + cells
    let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
    let lines = table.map { row in
      row.enumerated().map { column, text in
        column == row.count - 1 ? text : text.padding(toLength: widths[column], withPad: " ", startingAt: 0)
      }.joined(separator: "  ")
    }
    return (["model cache: \(cacheRoot.path)"] + lines).joined(separator: "\n") + "\n"
  }
}
