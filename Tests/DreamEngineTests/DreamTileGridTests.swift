import DreamEngine
import XCTest

final class DreamTileGridTests: XCTestCase {
  func testTileLengthFollowsTheSeedRule() {
    // n = max(1, round(dim / 400)) with ties to even (Python round), length = ceil(dim / n).
    XCTAssertEqual(TileGrid.tileLength(dimension: 450, tileSize: 400), 450)
    XCTAssertEqual(TileGrid.tileLength(dimension: 800, tileSize: 400), 400)
    XCTAssertEqual(TileGrid.tileLength(dimension: 1000, tileSize: 400), 500)  // 2.5 -> 2
    XCTAssertEqual(TileGrid.tileLength(dimension: 1400, tileSize: 400), 350)  // 3.5 -> 4
    XCTAssertEqual(TileGrid.tileLength(dimension: 100, tileSize: 400), 100)
    XCTAssertEqual(TileGrid.tileLength(dimension: 3840, tileSize: 400), 384)
    XCTAssertEqual(TileGrid.tileLength(dimension: 2160, tileSize: 400), 432)
    XCTAssertEqual(TileGrid.tileLength(dimension: 2161, tileSize: 400), 433)  // ceil
    XCTAssertEqual(TileGrid.tileLength(dimension: 560, tileSize: 256), 280)
  }

  func testRandomTilesPartitionTheImageWithOffsetsInRange() {
    let width = 1400
    let height = 450
    var columnOffsetsDiffer = false
    for seed in UInt64(0)..<40 {
      var generator = SeededGenerator(seed: seed)
      let tiles = TileGrid.randomTiles(
        width: width, height: height, tileSize: 400, minimumInputSize: 1, generator: &generator)
      var covered = [Int](repeating: 0, count: width * height)
      for tile in tiles {
        XCTAssertEqual(tile.rows, tile.inputRows)
        XCTAssertEqual(tile.columns, tile.inputColumns)
        for y in tile.rows { for x in tile.columns { covered[y * width + x] += 1 } }
      }
      XCTAssertTrue(covered.allSatisfy { $0 == 1 }, "seed \(seed): tiles do not partition the image")
      // Height 450 -> one tile length of 450, offset in [-336, -112]: the first row of tiles
      // keeps 450 + offset rows. Width 1400 -> 4 tiles of 350, offset in [-261, -87].
      let firstRows = tiles[0].rows
      XCTAssertTrue(
        (450 - 336)...(450 - 112) ~= firstRows.count, "seed \(seed): first row height \(firstRows.count)")
      let rowStarts = Set(tiles.map { $0.rows.lowerBound }).sorted()
      XCTAssertEqual(rowStarts.count, 2)
      var firstWidths: [Int] = []
      for start in rowStarts {
        let row = tiles.filter { $0.rows.lowerBound == start }.sorted {
          $0.columns.lowerBound < $1.columns.lowerBound
        }
        XCTAssertTrue((350 - 261)...(350 - 87) ~= row[0].columns.count)
        XCTAssertTrue(row.dropFirst().dropLast().allSatisfy { $0.columns.count == 350 })
        firstWidths.append(row[0].columns.count)
      }
      if Set(firstWidths).count > 1 { columnOffsetsDiffer = true }
    }
    XCTAssertTrue(columnOffsetsDiffer, "the column offset must be redrawn for every row of tiles")
  }

  func testGrowEnlargesThinTilesInsideTheImage() {
    XCTAssertEqual(TileGrid.grow(10..<60, dimension: 100, minimum: 43), 10..<60)
    XCTAssertEqual(TileGrid.grow(0..<10, dimension: 100, minimum: 43), 0..<43)
    XCTAssertEqual(TileGrid.grow(20..<30, dimension: 100, minimum: 43), 20..<63)
    XCTAssertEqual(TileGrid.grow(90..<100, dimension: 100, minimum: 43), 57..<100)
    XCTAssertEqual(TileGrid.grow(5..<10, dimension: 30, minimum: 43), 0..<30)
  }

  func testFixedTilesStartAtTheOrigin() {
    let tiles = TileGrid.fixedTiles(width: 800, height: 450, tileSize: 400, minimumInputSize: 1)
    XCTAssertEqual(tiles.map { $0.columns }, [0..<400, 400..<800])
    XCTAssertEqual(tiles.map { $0.rows }, [0..<450, 0..<450])
  }
}
