import DreamEngine
import Foundation
import ModelStore
import RecipeParser

/// `dream-run sheet RECIPE`: the rendered frames of a recipe's first `save` step on one page, as a
/// PNG grid of thumbnails (each labelled with its frame number) and an HTML page with the same grid,
/// captions (the frame's dream settings, its statistics and render time) and links to the full
/// frames. Both are written beside the run state and open from disk.
public struct ContactSheet {
  public struct Cell {
    public let frame: Int
    /// The frame's file, absolute.
    public let file: String
    public let caption: String
  }

  public let cells: [Cell]

  /// The frames of the first save step that the run state records and that exist on disk.
  public init(context: RecipeContext) {
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
      cells.append(Cell(frame: frame, file: path, caption: caption))
    }
    self.cells = cells
  }

  /// The PNG grid: `columns` thumbnails `thumbnailWidth` wide per row, each above a strip with its
  /// frame number.
  public func png(columns: Int, thumbnailWidth: Int) throws(RunError) -> [UInt8] {
    guard !cells.isEmpty else { return [] }
    let ops = ImageOps(threads: 1)
    var thumbnails: [(Int, RGBImage)] = []
    var thumbnailHeight = 0
    for cell in cells {
      let image: RGBImage
      do {
        image = try ImageCodec.read(contentsOf: URL(fileURLWithPath: cell.file))
        if thumbnailHeight == 0 {
          thumbnailHeight = max(
            1, Int((Double(image.height) * Double(thumbnailWidth) / Double(image.width)).rounded()))
        }
        thumbnails.append(
          (cell.frame, try ops.resized(image, width: thumbnailWidth, height: thumbnailHeight, fit: .contain)))
      } catch {
        throw .runtime("\(cell.file): \(error)")
      }
    }
    let label = DigitFont.height * 2 + 6
    let rows = (thumbnails.count + columns - 1) / columns
    let gap = 4
    let width = columns * (thumbnailWidth + gap) + gap
    let height = rows * (thumbnailHeight + label + gap) + gap
    var sheet = RGBImage(width: width, height: height, fill: 255)
    for (index, (frame, thumbnail)) in thumbnails.enumerated() {
      let x0 = gap + (index % columns) * (thumbnailWidth + gap)
      let y0 = gap + (index / columns) * (thumbnailHeight + label + gap)
      for y in 0..<thumbnail.height {
        for x in 0..<thumbnail.width {
          for c in 0..<3 { sheet[x0 + x, y0 + y, c] = thumbnail[x, y, c] }
        }
      }
      DigitFont.draw(String(frame), into: &sheet, x: x0 + 2, y: y0 + thumbnailHeight + 3, scale: 2)
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
    body += "<div class=\"grid\">\n"
    for cell in cells {
      let link = CheckReport.escape(relative(cell.file, from: folder))
      body +=
        "<figure><a href=\"\(link)\"><img src=\"\(link)\" alt=\"frame \(cell.frame)\"></a>"
        + "<figcaption>\(CheckReport.escape(cell.caption))</figcaption></figure>\n"
    }
    body += "</div>\n"
    return """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8">
      <title>\(CheckReport.escape(title))</title>
      <style>
      body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
      .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 12px; }
      figure { margin: 0; } img { width: 100%; border: 1px solid #ccc; }
      figcaption { font-size: 12px; color: #555; }
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

/// A 3x5 pixel font of the ten digits, for frame numbers on the PNG sheet.
enum DigitFont {
  static let height = 5
  /// Rows of 3 bits (left to right), top to bottom, for 0...9.
  static let glyphs: [[UInt8]] = [
    [7, 5, 5, 5, 7], [2, 6, 2, 2, 7], [7, 1, 7, 4, 7], [7, 1, 7, 1, 7], [5, 5, 7, 1, 1],
    [7, 4, 7, 1, 7], [7, 4, 7, 5, 7], [7, 1, 1, 1, 1], [7, 5, 7, 5, 7], [7, 5, 7, 1, 7],
  ]

  /// Draws the digits of `text` (others are skipped) in black at (`x`, `y`), each pixel `scale`
  /// pixels wide, clipped to the image.
  static func draw(_ text: String, into image: inout RGBImage, x: Int, y: Int, scale: Int) {
    var left = x
    for character in text {
      guard let digit = character.wholeNumberValue else { continue }
      for (row, bits) in glyphs[digit].enumerated() {
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
    let recipe = try RecipeContext.parse(options)
    guard let context = try plannedContext(recipe, options: options, store: store) else {
      return "\(describe(recipe)): too many frames for one sheet; add --frames N for frames 0...N-1\n"
    }
    let sheet = ContactSheet(context: context)
    guard !sheet.cells.isEmpty else {
      return "\(recipe.file): no rendered frames yet; render the recipe first (dream-run \(recipe.file))\n"
    }
    let base = FrameStatsReport.chartPath(stateFile: context.stateFile).replacingOccurrences(
      of: ".stats.svg", with: ".sheet")
    let png = base + ".png"
    let html = base + ".html"
    try AtomicFile.write(
      try sheet.png(columns: max(1, min(columns, sheet.cells.count)), thumbnailWidth: thumbnailWidth), to: png
    )
    let folder = (html as NSString).deletingLastPathComponent
    try AtomicFile.write(
      Array(sheet.html(title: "\(recipe.file): \(sheet.cells.count) frames", folder: folder, png: png).utf8),
      to: html)
    return "sheet: \(png)\npage: \(html)\n"
  }
}
