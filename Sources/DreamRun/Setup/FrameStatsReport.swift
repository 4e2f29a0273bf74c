import DreamEngine
import Foundation
import ModelStore
import RecipeParser

/// The per-frame statistics a run recorded (``RunState/Output/statistics``), as a table for
/// `dream-run stats` and as an SVG chart beside the run state: brightness, contrast, colourfulness
/// and the share of clipped values over the frames, to see a zoom burn out before watching it.
public struct FrameStatsReport {
  public struct Row: Equatable, Sendable {
    public let frame: Int
    public let path: String
    public let statistics: FrameStatistics
    public let seconds: Double?
    /// Whether the recorded file belongs to the recipe as it is now (its fingerprint matches).
    public let current: Bool
  }

  public let rows: [Row]

  /// The rows of the first `save` step's frames that the run state records statistics for
  /// (`state`: the recipe's run state, read here when not given).
  public init(context: RecipeContext, state given: RunState? = nil) {
    let state = given ?? RunState.load(from: context.stateFile)
    let firstSave = context.recipe.pipeline.first { $0.operation.kind == .save }?.number
    var rows: [Row] = []
    for node in context.plan.nodes where node.kind == .save && node.steps.first == firstSave {
      guard let frame = node.frame, let record = state.outputs[node.id], let statistics = record.statistics
      else { continue }
      rows.append(
        Row(
          frame: frame, path: record.path, statistics: statistics, seconds: record.seconds,
          current: record.fingerprint == context.fingerprints[node.index]))
    }
    self.rows = rows
  }

  /// `FRAME  BRIGHTNESS  CONTRAST  CHROMA  CLIPPED  SECONDS  FILE` rows.
  public var table: String {
    var lines = [["FRAME", "BRIGHTNESS", "CONTRAST", "CHROMA", "CLIPPED", "SECONDS", "FILE"]]
    for row in rows {
      let s = row.statistics
      lines.append([
        String(row.frame), String(format: "%.1f", s.brightness), String(format: "%.1f", s.contrast),
        String(format: "%.1f", s.chroma), String(format: "%.1f%%", s.clipped * 100),
        row.seconds.map { String(format: "%.2f", $0) } ?? "-", row.path + (row.current ? "" : " (stale)"),
      ])
    }
    return Commands.table(lines)
  }

  /// A self-contained SVG line chart: brightness and contrast (0...255 scale), chroma (0...128
  /// scale) and clipped share (0...100%) against the frame number.
  public var svg: String {
    let width = 720.0
    let height = 300.0
    let left = 50.0
    let right = 20.0
    let top = 20.0
    let bottom = 40.0
    let plotWidth = width - left - right
    let plotHeight = height - top - bottom
    let lastFrame = Double(max(rows.last?.frame ?? 1, 1))
    func x(_ frame: Int) -> Double { left + plotWidth * Double(frame) / lastFrame }
    func y(_ fraction: Double) -> Double { top + plotHeight * (1 - min(max(fraction, 0), 1)) }
    let series: [(name: String, colour: String, value: (FrameStatistics) -> Double)] = [
      ("brightness (of 255)", "#d08c00", { $0.brightness / 255 }),
      ("contrast (std, of 128)", "#3060c0", { $0.contrast / 128 }),
      ("chroma (of 128)", "#c03070", { $0.chroma / 128 }),
      ("clipped values", "#208040", { $0.clipped }),
    ]
    var parts = [
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
        + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">",
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
      "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(plotWidth)\" height=\"\(plotHeight)\" fill=\"none\" "
        + "stroke=\"#999\"/>",
    ]
    for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
      parts.append(
        "<text x=\"\(left - 6)\" y=\"\(y(tick) + 4)\" text-anchor=\"end\">\(Int(tick * 100))%</text>")
    }
    parts.append("<text x=\"\(left)\" y=\"\(height - 12)\">frame 0</text>")
    parts.append(
      "<text x=\"\(left + plotWidth)\" y=\"\(height - 12)\" text-anchor=\"end\">frame \(Int(lastFrame))</text>"
    )
    for (index, item) in series.enumerated() {
      let points = rows.map { "\(x($0.frame)),\(y(item.value($0.statistics)))" }.joined(separator: " ")
      parts.append(
        "<polyline fill=\"none\" stroke=\"\(item.colour)\" stroke-width=\"2\" points=\"\(points)\"/>")
      let legendX = left + 10 + Double(index) * 165
      parts.append(
        "<rect x=\"\(legendX)\" y=\"\(top + 6)\" width=\"10\" height=\"10\" fill=\"\(item.colour)\"/>"
          + "<text x=\"\(legendX + 14)\" y=\"\(top + 15)\">\(item.name)</text>")
    }
    parts.append("</svg>")
    return parts.joined(separator: "\n") + "\n"
  }

  /// Where the chart of a recipe's run goes: beside its run state.
  public static func chartPath(stateFile: String) -> String {
    (stateFile.hasSuffix(".state.json") ? String(stateFile.dropLast(".state.json".count)) : stateFile)
      + ".stats.svg"
  }

  /// Writes the chart atomically; returns its path.
  @discardableResult
  public func writeChart(stateFile: String) throws(RunError) -> String {
    let path = Self.chartPath(stateFile: stateFile)
    try AtomicFile.write(Array(svg.utf8), to: path)
    return path
  }
}

extension Commands {
  /// The recipe's context with every frame planned (of `--frames N`'s), for the commands that read
  /// back what runs recorded; nil when the plan has more than ``maximumListedNodes`` nodes.
  static func plannedContext(
    _ recipe: Recipe, options: RunOptions, store: ModelStore, sameModelAs sibling: RecipeContext? = nil
  ) throws(RunError) -> RecipeContext? {
    var context = try RecipeContext(
      recipe: recipe, options: options, resolvedModel: nil, planFrames: false, store: store,
      sameModelAs: sibling)
    guard context.plannedSize.nodes <= maximumListedNodes else { return nil }
    context.planFrames()
    return context
  }

  /// `dream-run stats RECIPE`: the recorded statistics of every frame of the first save step, and
  /// the SVG chart of them (written beside the run state).
  public static func stats(_ options: RunOptions, store: ModelStore) throws(RunError) -> String {
    let recipe = try RecipeContext.parse(options)
    guard let context = try plannedContext(recipe, options: options, store: store) else {
      return "\(describe(recipe)): too many to list; add --frames N for frames 0...N-1\n"
    }
    let report = FrameStatsReport(context: context)
    guard !report.rows.isEmpty else {
      return
        "\(recipe.file): no frame statistics recorded yet; render the recipe first (dream-run \(recipe.file))\n"
    }
    let chart = try report.writeChart(stateFile: context.stateFile)
    return report.table + "chart: \(chart)\n"
  }
}
