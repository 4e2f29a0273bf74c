import DreamEngine
import Foundation

/// The HTML page of a `dream-run check`: one section per recipe with its verdict, reference | new |
/// amplified difference side by side for every frame, the metrics, timings, and the recorded vs
/// current environment. Images are files beside the page (relative links), so the folder opens in
/// a browser straight from disk or as a CI artifact.
enum CheckReport {
  static func html(_ results: [RecipeCheckResult], title: String) -> String {
    var body = "<h1>\(escape(title))</h1>\n"
    body +=
      "<table class=\"summary\"><tr><th>recipe</th><th>verdict</th><th>frames</th><th>render</th></tr>\n"
    for result in results {
      let frames = result.frames.count
      body +=
        "<tr><td><a href=\"#\(anchor(result))\">\(escape(result.name))</a></td>"
        + "<td>\(badge(result))</td><td>\(frames)</td>"
        + "<td>\(String(format: "%.1f s", result.renderSeconds))</td></tr>\n"
    }
    body += "</table>\n"
    for result in results { body += section(result) }
    return """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8">
      <title>\(escape(title))</title>
      <style>
      body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
      h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 2em; }
      table { border-collapse: collapse; } td, th { padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: left; }
      .badge { padding: 1px 8px; border-radius: 8px; color: #fff; font-weight: 600; }
      .match, .updated { background: #2e7d32; } .mismatch { background: #c62828; }
      .stale { background: #ef6c00; } .problem { background: #6a1b9a; }
      .frames { display: flex; flex-direction: column; gap: 14px; }
      .frame { display: flex; gap: 10px; align-items: flex-start; }
      figure { margin: 0; } figcaption { font-size: 12px; color: #555; }
      img { min-width: 192px; image-rendering: pixelated; border: 1px solid #ccc; }
      .differs { color: #c62828; font-weight: 600; } .note, .problemtext { white-space: pre-wrap; }
      .metrics { font-family: ui-monospace, monospace; font-size: 12px; }
      .environment { font-size: 12px; margin: 6px 0 12px; } .environment td:first-child { white-space: nowrap; }
      .environment td { word-break: break-all; } summary { cursor: pointer; color: #555; }
      </style>
      \(imageCountScript)</head>
      <body>
      \(body)</body></html>

      """
  }

  private static func section(_ result: RecipeCheckResult) -> String {
    var html = "<h2 id=\"\(anchor(result))\">\(escape(result.name)) \(badge(result))</h2>\n"
    var facts: [String] = []
    if let size = result.size { facts.append("checked at \(size)") }
    if let tolerance = result.tolerance { facts.append("tolerance: \(tolerance)") }
    facts.append(String(format: "render %.1f s", result.renderSeconds))
    html += "<p>\(escape(facts.joined(separator: " · ")))</p>\n"
    switch result.verdict {
    case .stale(let reason): html += "<p class=\"note\">stale: \(escape(reason))</p>\n"
    case .problem(let problem): html += "<pre class=\"problemtext\">\(escape(problem.description))</pre>\n"
    case .match, .mismatch, .updated: break
    }
    for note in result.notes { html += "<p class=\"note\">note: \(escape(note))</p>\n" }
    html += environmentTable(result)
    html += "<div class=\"frames\">\n"
    let base = result.reportName + "/"
    for frame in result.frames {
      html += "<div class=\"frame\">\n"
      if let reference = frame.referenceImage {
        html += figure(base + reference, "reference · frame \(frame.frame)")
      }
      html += figure(base + frame.newImage, "new · frame \(frame.frame)")
      if let diff = frame.differenceImage { html += figure(base + diff, "difference (amplified)") }
      let metrics: String
      if let difference = frame.difference {
        let psnr = difference.psnr.isInfinite ? "inf" : String(format: "%.2f dB", difference.psnr)
        metrics =
          "status: \(frame.status.rawValue)<br>max abs diff: \(difference.maximum)<br>"
          + "mean abs diff: \(String(format: "%.5f", difference.mean))<br>PSNR: \(psnr)<br>"
          + "differing pixels: \(difference.differingPixels) of \(difference.pixelCount)"
      } else {
        metrics = "status: \(frame.status.rawValue)"
      }
      html += "<div class=\"metrics\">\(metrics)</div>\n</div>\n"
    }
    return html + "</div>\n"
  }

  private static func environmentTable(_ result: RecipeCheckResult) -> String {
    guard let current = result.current else { return "" }
    let now = current.fields
    let then = result.recorded?.fields
    var rows = ""
    var anyDifference = then == nil
    for (index, field) in now.enumerated() {
      let recorded = then?[index].value ?? "-"
      let differs = then != nil && recorded != field.value && field.key != "cpu-model"
      if differs { anyDifference = true }
      rows +=
        "<tr\(differs ? " class=\"differs\"" : "")><td>\(escape(field.key))</td>"
        + "<td>\(escape(recorded))</td><td>\(escape(field.value))</td></tr>\n"
    }
    // Open when something differs; a click away otherwise.
    let title =
      then == nil
      ? "environment"
      : anyDifference ? "environment (differs from the recording)" : "environment (as recorded)"
    return "<details\(anyDifference && then != nil ? " open" : "")><summary>\(title)</summary>\n"
      + "<table class=\"environment\"><tr><th></th><th>recorded</th><th>now</th></tr>\n" + rows
      + "</table></details>\n"
  }

  private static func figure(_ source: String, _ caption: String) -> String {
    "<figure><img src=\"\(escape(source))\" alt=\"\(escape(caption))\"><figcaption>\(escape(caption))</figcaption></figure>\n"
  }

  private static func badge(_ result: RecipeCheckResult) -> String {
    let (cls, text): (String, String)
    switch result.verdict {
    case .match: (cls, text) = ("match", "match")
    case .mismatch: (cls, text) = ("mismatch", "MISMATCH")
    case .stale: (cls, text) = ("stale", "stale")
    case .updated: (cls, text) = ("updated", "recorded")
    case .problem(.missing): (cls, text) = ("stale", "no references")
    case .problem: (cls, text) = ("problem", "error")
    }
    return "<span class=\"badge \(cls)\">\(text)</span>"
  }

  private static func anchor(_ result: RecipeCheckResult) -> String {
    "recipe-" + result.reportName
  }

  /// After loading, counts the images that show (`data-images` on the body) and names any that do
  /// not (a moved page): what the browser tests read. Shared by every page dream-run writes.
  static let imageCountScript = """
    <script>
    window.addEventListener("load", function () {
      var images = Array.prototype.slice.call(document.images);
      var broken = images.filter(function (i) { return !(i.complete && i.naturalWidth > 0); });
      document.body.setAttribute("data-images", (images.length - broken.length) + " of " + images.length + " images shown");
      broken.forEach(function (i) { i.insertAdjacentText("afterend", " (missing: " + i.getAttribute("src") + ")"); });
    });
    </script>
    """

  static func escape(_ text: String) -> String {
    var out = ""
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(character)
      }
    }
    return out
  }
}
