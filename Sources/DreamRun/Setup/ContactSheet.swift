import DreamEngine
import Foundation
import ModelStore
import RecipeParser

/// `dream-run sheet RECIPE`: the rendered frames of a recipe's first `save` step on one page, as a
/// PNG grid of thumbnails (each labelled with its frame number) and an HTML page with the same grid,
/// captions (the frame's dream settings, its statistics and render time) and links to the full
/// frames. Both are written beside the run state and open from disk.
///
/// A sweep's sheet has one cell per variant (its last rendered frame): rows are the values of the
/// sweep's first keys, columns those of its last key, each row and column labelled `key=value` in
/// the PNG and the page (a one-key sweep is laid out like frames, each cell labelled underneath).
public struct ContactSheet {
  public struct Cell {
    public let frame: Int
    /// The frame's file, absolute.
    public let file: String
    /// Under the thumbnail in the PNG: the frame number, or a one-key sweep's `key=value`.
    public let label: String
    public let caption: String
  }

  /// Where the cells go: `cells[row][column]` indexes ``cells`` (nil: an empty place).
  public struct Grid {
    public var rowLabels: [String]
    public var columnLabels: [String]
    public var places: [[Int?]]
  }

  public let cells: [Cell]
  /// Set for a sweep of two or more keys; frames and one-key sweeps are laid out in rows of the
  /// requested width.
  public let grid: Grid?

  /// The frames of the first save step that the run state records and that exist on disk.
  public init(context: RecipeContext) {
    cells = Self.cells(of: context)
    grid = nil
  }

  /// A sweep's variants, each by the last rendered frame of its first save step.
  public init(variants contexts: [RecipeContext], sweep: Sweep) {
    var cells: [Cell] = []
    var placeOfVariant: [Int: Int] = [:]
    for context in contexts {
      guard let variant = context.recipe.variant, let last = Self.cells(of: context).last else { continue }
      placeOfVariant[variant.index] = cells.count
      cells.append(
        Cell(
          frame: last.frame, file: last.file,
          label: sweep.axes.count == 1 ? variant.name : "",
          caption: variant.name + (context.recipe.frames.value > 1 ? ", " : " | ")
            + last.caption.replacingOccurrences(of: "frame 0: ", with: "")))
    }
    self.cells = cells
    // One key: the variants in rows of the requested width, each labelled underneath.
    guard sweep.axes.count > 1, let last = sweep.axes.last else {
      grid = nil
      return
    }
    let columns = last.texts.count
    var grid = Grid(rowLabels: [], columnLabels: last.texts.map { "\(last.key)=\($0)" }, places: [])
    for row in 0..<(sweep.count / columns) {
      grid.places.append((0..<columns).map { placeOfVariant[row * columns + $0] })
      let values = sweep.variant(row * columns).values.dropLast()
      grid.rowLabels.append(values.map { "\($0.key)=\($0.text)" }.joined(separator: " "))
    }
    self.grid = grid
  }

  private static func cells(of context: RecipeContext) -> [Cell] {
    let state = RunState.load(from: context.stateFile)
    let rows = Dictionary(
      FrameStatsReport(context: context, state: state).rows.map { ($0.frame, $0) },
      uniquingKeysWith: { a, _ in a })
    // Each frame's dream summaries, gathered in one pass over the plan.
    var dreams: [Int: [String]] = [:]
    for node in context.plan.nodes where node.kind == .dream {
      if let frame = node.frame { dreams[frame, default: []].append(node.summary) }
    }
    let firstSave = context.recipe.pipeline.first { $0.operation.kind == .save }?.number
    var cells: [Cell] = []
    for node in context.plan.nodes where node.kind == .save && node.steps.first == firstSave {
      guard let frame = node.frame, let path = node.operation.filePath, state.outputs[node.id] != nil,
        FileManager.default.fileExists(atPath: path)
      else { continue }
      var caption = "frame \(frame)"
      if let summaries = dreams[frame] { caption += ": " + summaries.joined(separator: "; ") }
      if let row = rows[frame] {
        caption += String(
          format: " | brightness %.0f, contrast %.0f, chroma %.0f, clipped %.1f%%", row.statistics.brightness,
          row.statistics.contrast, row.statistics.chroma, row.statistics.clipped * 100)
        if let seconds = row.seconds { caption += String(format: ", %.1f s", seconds) }
      }
      cells.append(Cell(frame: frame, file: path, label: String(frame), caption: caption))
    }
    return cells
  }

  /// The layout: the sweep's grid, or the frames in rows of `columns`.
  func layout(columns: Int) -> Grid {
    if let grid { return grid }
    let columns = max(1, min(columns, cells.count))
    return Grid(
      rowLabels: [], columnLabels: [],
      places: stride(from: 0, to: cells.count, by: columns).map { start in
        (start..<min(start + columns, cells.count)).map { Optional($0) }
      })
  }

  /// The PNG grid: thumbnails `thumbnailWidth` wide, each above a strip with its label; a sweep's
  /// rows and columns labelled at the left and the top. `columns`: frames per row (not sweeps).
  public func png(columns: Int, thumbnailWidth: Int) throws(RunError) -> [UInt8] {
    guard !cells.isEmpty else { return [] }
    let grid = layout(columns: columns)
    let ops = ImageOps(threads: 1)
    var thumbnails: [RGBImage] = []
    var thumbnailHeight = 0
    for cell in cells {
      do {
        let image = try ImageCodec.read(contentsOf: URL(fileURLWithPath: cell.file))
        if thumbnailHeight == 0 {
          thumbnailHeight = max(
            1, Int((Double(image.height) * Double(thumbnailWidth) / Double(image.width)).rounded()))
        }
        thumbnails.append(
          try ops.resized(image, width: thumbnailWidth, height: thumbnailHeight, fit: .contain))
      } catch {
        throw .runtime("\(cell.file): \(error)")
      }
    }
    let scale = 2
    let strip = PixelFont.height * scale + 6
    let label = cells.contains { !$0.label.isEmpty } ? strip : 0
    let top = grid.columnLabels.isEmpty ? 0 : strip
    let left = grid.rowLabels.map { PixelFont.width($0, scale: scale) + 8 }.max() ?? 0
    let gap = 4
    let columnCount = grid.places.map(\.count).max() ?? 0
    let width = left + columnCount * (thumbnailWidth + gap) + gap
    let height = top + grid.places.count * (thumbnailHeight + label + gap) + gap
    var sheet = RGBImage(width: width, height: height, fill: 255)
    for (column, text) in grid.columnLabels.enumerated() {
      PixelFont.draw(
        text, into: &sheet, x: left + gap + column * (thumbnailWidth + gap) + 2, y: 4, scale: scale)
    }
    for (row, places) in grid.places.enumerated() {
      let y0 = top + gap + row * (thumbnailHeight + label + gap)
      if row < grid.rowLabels.count {
        PixelFont.draw(
          grid.rowLabels[row], into: &sheet, x: 4, y: y0 + (thumbnailHeight - PixelFont.height * scale) / 2,
          scale: scale)
      }
      for (column, place) in places.enumerated() {
        guard let index = place else { continue }
        let x0 = left + gap + column * (thumbnailWidth + gap)
        let thumbnail = thumbnails[index]
        for y in 0..<thumbnail.height {
          for x in 0..<thumbnail.width {
            for c in 0..<3 { sheet[x0 + x, y0 + y, c] = thumbnail[x, y, c] }
          }
        }
        PixelFont.draw(cells[index].label, into: &sheet, x: x0 + 2, y: y0 + thumbnailHeight + 3, scale: scale)
      }
    }
    do {
      return try ImageCodec.encode(sheet, as: .png, name: "contact sheet")
    } catch {
      throw .runtime("contact sheet: \(error)")
    }
  }

  /// The HTML page; `folder` is where it is written (image links are relative to it).
  public func html(title: String, folder: String, png: String) -> String {
    var body = "<h1>\(CheckReport.escape(title))</h1>\n"
    body += "<p><a href=\"\(CheckReport.escape(relative(png, from: folder)))\">the sheet as one PNG</a></p>\n"
    func figure(_ cell: Cell) -> String {
      let link = CheckReport.escape(relative(cell.file, from: folder))
      return
        "<figure><a href=\"\(link)\"><img src=\"\(link)\" alt=\"\(CheckReport.escape(cell.caption))\"></a>"
        + "<figcaption>\(CheckReport.escape(cell.caption))</figcaption></figure>"
    }
    if let grid {
      // A sweep: a table whose row and column headers name the values.
      body += "<table>\n"
      if !grid.columnLabels.isEmpty {
        body += "<tr>" + (grid.rowLabels.isEmpty ? "" : "<th></th>")
        body += grid.columnLabels.map { "<th>\(CheckReport.escape($0))</th>" }.joined() + "</tr>\n"
      }
      for (row, places) in grid.places.enumerated() {
        body += "<tr>"
        if row < grid.rowLabels.count { body += "<th>\(CheckReport.escape(grid.rowLabels[row]))</th>" }
        body += places.map { place in "<td>" + (place.map { figure(cells[$0]) } ?? "not rendered") + "</td>" }
          .joined()
        body += "</tr>\n"
      }
      body += "</table>\n"
    } else {
      body += "<div class=\"grid\">\n"
      for cell in cells { body += figure(cell) + "\n" }
      body += "</div>\n"
    }
    return """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8">
      <title>\(CheckReport.escape(title))</title>
      <style>
      body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
      .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 12px; }
      figure { margin: 0; } img { width: 100%; border: 1px solid #ccc; }
      figcaption { font-size: 12px; color: #555; }
      table { border-collapse: collapse; } td { width: 220px; vertical-align: top; padding: 4px; }
      th { font-weight: 600; padding: 4px; text-align: left; }
      </style>
      \(CheckReport.imageCountScript)</head>
      <body>
      \(body)</body></html>

      """
  }

  /// `path` relative to `folder` (both absolute or both relative to the same place).
  func relative(_ path: String, from folder: String) -> String {
    let target = URL(fileURLWithPath: path).standardizedFileURL.pathComponents
    let base = URL(fileURLWithPath: folder).standardizedFileURL.pathComponents
    var common = 0
    while common < min(target.count, base.count), target[common] == base[common] { common += 1 }
    let ups = Array(repeating: "..", count: base.count - common)
    return (ups + target[common...]).joined(separator: "/")
  }
}

/// A 3x5 pixel font of digits, lower-case letters (upper case is drawn as lower case) and the
/// characters of labels (`. - = _ / + , [ ]`), for frame numbers and sweep values on PNG sheets.
enum PixelFont {
  static let height = 5
  /// Rows of 3 bits (left to right), top to bottom.
  static let glyphs: [Character: [UInt8]] = [
    "0": [7, 5, 5, 5, 7], "1": [2, 6, 2, 2, 7], "2": [7, 1, 7, 4, 7], "3": [7, 1, 7, 1, 7],
    "4": [5, 5, 7, 1, 1], "5": [7, 4, 7, 1, 7], "6": [7, 4, 7, 5, 7], "7": [7, 1, 1, 1, 1],
    "8": [7, 5, 7, 5, 7], "9": [7, 5, 7, 1, 7],
    "a": [2, 5, 7, 5, 5], "b": [6, 5, 6, 5, 6], "c": [3, 4, 4, 4, 3], "d": [6, 5, 5, 5, 6],
    "e": [7, 4, 6, 4, 7], "f": [7, 4, 6, 4, 4], "g": [3, 4, 5, 5, 3], "h": [5, 5, 7, 5, 5],
    "i": [7, 2, 2, 2, 7], "j": [1, 1, 1, 5, 2], "k": [5, 5, 6, 5, 5], "l": [4, 4, 4, 4, 7],
    "m": [5, 7, 7, 5, 5], "n": [6, 5, 5, 5, 5], "o": [2, 5, 5, 5, 2], "p": [6, 5, 6, 4, 4],
    "q": [2, 5, 5, 6, 3], "r": [6, 5, 6, 5, 5], "s": [3, 4, 2, 1, 6], "t": [7, 2, 2, 2, 2],
    "u": [5, 5, 5, 5, 7], "v": [5, 5, 5, 5, 2], "w": [5, 5, 7, 7, 5], "x": [5, 5, 2, 5, 5],
    "y": [5, 5, 2, 2, 2], "z": [7, 1, 2, 4, 7],
    ".": [0, 0, 0, 0, 2], "-": [0, 0, 7, 0, 0], "=": [0, 7, 0, 7, 0], "_": [0, 0, 0, 0, 7],
    "/": [1, 1, 2, 4, 4], "+": [0, 2, 7, 2, 0], ",": [0, 0, 0, 2, 4], "[": [6, 4, 4, 4, 6],
    "]": [3, 1, 1, 1, 3], " ": [0, 0, 0, 0, 0],
  ]

  /// The glyph of `character` (a box for characters the font lacks).
  static func glyph(_ character: Character) -> [UInt8] {
    glyphs[Character(character.lowercased())] ?? [7, 7, 7, 7, 7]
  }

  /// Pixels `text` takes across at `scale`.
  static func width(_ text: String, scale: Int) -> Int { text.count * 4 * scale }

  /// Draws `text` in black at (`x`, `y`), each font pixel `scale` pixels wide, clipped to the image.
  static func draw(_ text: String, into image: inout RGBImage, x: Int, y: Int, scale: Int) {
    var left = x
    for character in text {
      for (row, bits) in glyph(character).enumerated() {
        for column in 0..<3 where bits & (4 >> column) != 0 {
          for dy in 0..<scale {
            for dx in 0..<scale {
              let px = left + column * scale + dx
              let py = y + row * scale + dy
              guard px >= 0, py >= 0, px < image.width, py < image.height else { continue }
              for c in 0..<3 { image[px, py, c] = 0 }
            }
          }
        }
      }
      left += 4 * scale
    }
  }
}

extension Commands {
  /// `dream-run sheet RECIPE`: writes the contact sheet (PNG and HTML) beside the run state.
  public static func sheet(_ options: RunOptions, store: ModelStore, columns: Int, thumbnailWidth: Int)
    throws(RunError) -> String
  {
    let batch = try RecipeBatch.parse(options)
    let recipe = batch.variants[0]
    var contexts: [RecipeContext] = []
    for variant in batch.variants {
      guard
        let context = try plannedContext(variant, options: options, store: store, sameModelAs: contexts.last)
      else {
        return "\(describe(recipe)): too many frames for one sheet; add --frames N for frames 0...N-1\n"
      }
      contexts.append(context)
    }
    let context = contexts[0]
    let sheet =
      batch.sweep.map { ContactSheet(variants: contexts, sweep: $0) } ?? ContactSheet(context: context)
    guard !sheet.cells.isEmpty else {
      return "\(recipe.file): no rendered frames yet; render the recipe first (dream-run \(recipe.file))\n"
    }
    // A sweep's sheet is named by the recipe alone, beside its variants' states.
    let stateFile =
      batch.sweep == nil
      ? context.stateFile
      : RunState.locations(
        recipeFile: recipe.file, directory: options.checkOutputFolder ?? recipe.directory
      ).state
    let base = FrameStatsReport.chartPath(stateFile: stateFile).replacingOccurrences(
      of: ".stats.svg", with: ".sheet")
    let png = base + ".png"
    let html = base + ".html"
    try AtomicFile.write(
      try sheet.png(columns: max(1, min(columns, sheet.cells.count)), thumbnailWidth: thumbnailWidth), to: png
    )
    let folder = (html as NSString).deletingLastPathComponent
    try AtomicFile.write(
      Array(
        sheet.html(
          title: "\(recipe.file): \(sheet.cells.count) \(batch.sweep == nil ? "frames" : "variants")",
          folder: folder,
          png: png
        ).utf8),
      to: html)
    return "sheet: \(png)\npage: \(html)\n"
  }
}
