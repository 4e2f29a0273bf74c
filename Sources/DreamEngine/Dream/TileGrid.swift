/// One tile of a tiled gradient: the pixels whose gradient it produces (`rows` x `columns`) and
/// the possibly larger region fed to the gradient source (`inputRows` x `inputColumns`).
public struct DreamTile: Sendable, Equatable {
  /// Rows and columns this tile writes into the full gradient.
  public var rows: Range<Int>
  public var columns: Range<Int>
  /// Rows and columns given to the source: `rows`/`columns` grown inside the image to the
  /// source's minimum input size where they are smaller (see `TileGrid.grow`).
  public var inputRows: Range<Int>
  public var inputColumns: Range<Int>

  public init(rows: Range<Int>, columns: Range<Int>, inputRows: Range<Int>, inputColumns: Range<Int>) {
    self.rows = rows
    self.columns = columns
    self.inputRows = inputRows
    self.inputColumns = inputColumns
  }
}

/// The classic tile-grid rule and the minimum-size rule.
///
/// Grid: per axis, n = max(1, round(dim / tileSize)) (Python `round`: ties to even) tiles of
/// length ceil(dim / n). The grid starts at a random offset in [-3 (t / 4), -(t / 4)] pixels
/// (t = tile length, integer division), drawn from the generator: first the row offset, then a
/// fresh column offset for every row of tiles (as the seed does). Tiles are clipped to the image,
/// so every axis has n or n + 1 tiles and the tiles partition the image.
///
/// Minimum size: a clipped tile thinner than the source's `minimumInputSize` on an axis is
/// enlarged inside the image to that size (kept as close to its own position as the borders
/// allow) for the gradient computation; only the tile's own part is written back.
public enum TileGrid {
  /// Tile length for one axis: ceil(dimension / max(1, round(dimension / tileSize))).
  public static func tileLength(dimension: Int, tileSize: Int) -> Int {
    precondition(dimension >= 1 && tileSize >= 1, "TileGrid: dimension \(dimension), tile size \(tileSize)")
    let n = max(1, Int((Double(dimension) / Double(tileSize)).rounded(.toNearestOrEven)))
    return (dimension + n - 1) / n
  }

  /// `start..<end` enlarged inside `0..<dimension` to at least `minimum` pixels (or the whole
  /// axis if it is shorter): it keeps its start unless that would cross the far border.
  public static func grow(_ range: Range<Int>, dimension: Int, minimum: Int) -> Range<Int> {
    if range.count >= minimum { return range }
    let need = min(minimum, dimension)
    let start = max(0, min(range.lowerBound, dimension - need))
    return start..<(start + need)
  }

  /// The tiles of one classic iteration, drawing the grid offsets from `generator`.
  public static func randomTiles(
    width: Int, height: Int, tileSize: Int, minimumInputSize: Int, generator: inout SeededGenerator
  ) -> [DreamTile] {
    let th = tileLength(dimension: height, tileSize: tileSize)
    let tw = tileLength(dimension: width, tileSize: tileSize)
    var tiles: [DreamTile] = []
    var y = generator.uniformInt(in: (-3 * (th / 4))...(-(th / 4)))
    while y < height {
      let rows = max(y, 0)..<min(y + th, height)
      var x = generator.uniformInt(in: (-3 * (tw / 4))...(-(tw / 4)))
      while x < width {
        let columns = max(x, 0)..<min(x + tw, width)
        tiles.append(
          tile(rows: rows, columns: columns, width: width, height: height, minimum: minimumInputSize))
        x += tw
      }
      y += th
    }
    return tiles
  }

  /// A grid starting at (0, 0) with the same tile lengths (used by the octave algorithm, whose
  /// random roll already moves the seams relative to the content).
  public static func fixedTiles(width: Int, height: Int, tileSize: Int, minimumInputSize: Int) -> [DreamTile]
  {
    let th = tileLength(dimension: height, tileSize: tileSize)
    let tw = tileLength(dimension: width, tileSize: tileSize)
    var tiles: [DreamTile] = []
    for y in stride(from: 0, to: height, by: th) {
      for x in stride(from: 0, to: width, by: tw) {
        tiles.append(
          tile(
            rows: y..<min(y + th, height), columns: x..<min(x + tw, width), width: width, height: height,
            minimum: minimumInputSize))
      }
    }
    return tiles
  }

  private static func tile(rows: Range<Int>, columns: Range<Int>, width: Int, height: Int, minimum: Int)
    -> DreamTile
  {
    DreamTile(
      rows: rows, columns: columns, inputRows: grow(rows, dimension: height, minimum: minimum),
      inputColumns: grow(columns, dimension: width, minimum: minimum))
  }
}
