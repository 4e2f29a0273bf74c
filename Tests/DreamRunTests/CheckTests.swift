import DreamEngine
import DreamRun
import Foundation
import XCTest

/// `dream-run check` as a user runs it: regressions, missing, stale and damaged references.
final class CheckTests: XCTestCase {
  /// A copy of golden/ (recipes, inputs, references) in a fresh folder.
  private func goldenCopy() throws -> URL {
    let folder = try TestSupport.temporaryFolder("check")
    let golden = TestSupport.packageRoot.appendingPathComponent("golden")
    for name in try FileManager.default.contentsOfDirectory(atPath: golden.path) {
      try FileManager.default.copyItem(
        at: golden.appendingPathComponent(name), to: folder.appendingPathComponent(name))
    }
    return folder
  }

  private func check(_ arguments: [String], in folder: URL) throws -> TestSupport.Result {
    let model = try TestSupport.googlenet()
    return try TestSupport.run(
      ["check"] + arguments + ["--model", model, "--report", "report", "--quiet"], in: folder)
  }

  func testOneChangedPixelIsARegressionWithDiffImageAndReport() throws {
    let folder = try goldenCopy()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("references/tiny-zoom/0001.png")
    var image = try ImageCodec.read(contentsOf: url)
    image[5, 7, 1] = image[5, 7, 1] < 128 ? image[5, 7, 1] + 9 : image[5, 7, 1] - 9
    try ImageCodec.write(image, to: url)
    let result = try check(["tiny-zoom.yaml"], in: folder)
    XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
    XCTAssertTrue(
      result.stdout.contains(
        "tiny-zoom.yaml frame 1: MISMATCH (max 9, mean 0.0010, psnr 68.7 dB, 1 of 3072 px differ; tolerance exact) "
          + "diff: report/tiny-zoom/diff/0001.png\n"),
      result.stdout)
    XCTAssertTrue(result.stdout.contains("tiny-zoom.yaml frame 2: match (identical)"), result.stdout)
    let diff = folder.appendingPathComponent("report/tiny-zoom/diff/0001.png")
    let diffImage = try ImageCodec.read(contentsOf: diff)
    XCTAssertEqual(diffImage[5, 7, 0], 255, "the differing pixel is full red")
    let html = try String(contentsOf: folder.appendingPathComponent("report/index.html"), encoding: .utf8)
    XCTAssertTrue(html.contains("MISMATCH"))
    XCTAssertTrue(html.contains("tiny-zoom/diff/0001.png"))
    XCTAssertTrue(html.contains("tiny-zoom/reference/0001.png"))
    // A tolerance in the recipe or on the command line accepts it.
    XCTAssertEqual(
      try check(["tiny-zoom.yaml", "--max-diff", "9", "--mean-diff", "0.01"], in: folder).status, 0)
  }

  func testMissingReferencesAreNotARegression() throws {
    let folder = try goldenCopy()
    defer { try? FileManager.default.removeItem(at: folder) }
    try FileManager.default.removeItem(at: folder.appendingPathComponent("references/tiny-zoom"))
    let result = try check(["tiny-zoom.yaml"], in: folder)
    XCTAssertEqual(result.status, 2)
    XCTAssertEqual(
      result.stderr,
      "references/tiny-zoom: no reference set for tiny-zoom.yaml; record one with 'dream-run check --update tiny-zoom.yaml'\n"
    )
    // --update records it, then check passes.
    let update = try check(["tiny-zoom.yaml", "--update"], in: folder)
    XCTAssertEqual(update.status, 0, update.stderr)
    XCTAssertEqual(try check(["tiny-zoom.yaml"], in: folder).status, 0)
    // Re-recording an existing set keeps the OpenBLAS core it was pinned to.
    XCTAssertEqual(try check(["tiny-octaves.yaml", "--update"], in: folder).status, 0)
    let manifest = try String(
      contentsOf: folder.appendingPathComponent("references/tiny-octaves/manifest.yaml"), encoding: .utf8)
    XCTAssertTrue(manifest.contains("blas-core-pin: \"Haswell\""), "update keeps the recorded pin")
  }

  func testAChangedRecipeMakesTheReferencesStale() throws {
    let folder = try goldenCopy()
    defer { try? FileManager.default.removeItem(at: folder) }
    let recipe = folder.appendingPathComponent("tiny-zoom.yaml")
    let text = try String(contentsOf: recipe, encoding: .utf8)
    try text.replacingOccurrences(of: "step: 1.5", with: "step: 1.6").write(
      to: recipe, atomically: true, encoding: .utf8)
    let result = try check(["tiny-zoom.yaml"], in: folder)
    XCTAssertEqual(result.status, 2)
    XCTAssertTrue(
      result.stderr.hasPrefix(
        "tiny-zoom.yaml: stale references: the recipe or its input changed since the references were recorded (frames 1, 2)"
      ),
      result.stderr)
  }

  func testDamagedReferencesAreClearErrors() throws {
    let folder = try goldenCopy()
    defer { try? FileManager.default.removeItem(at: folder) }
    let png = folder.appendingPathComponent("references/tiny-zoom/0002.png")
    let bytes = try Data(contentsOf: png)
    try bytes.prefix(bytes.count / 2).write(to: png)
    var result = try check(["tiny-zoom.yaml"], in: folder)
    XCTAssertEqual(result.status, 2)
    XCTAssertTrue(result.stderr.hasPrefix("references/tiny-zoom/0002.png"), result.stderr)
    XCTAssertTrue(
      result.stderr.hasSuffix("record the references again with 'dream-run check --update'\n"), result.stderr)

    let manifest = folder.appendingPathComponent("references/tiny-octaves/manifest.yaml")
    let text = try String(contentsOf: manifest, encoding: .utf8)
    try text.replacingOccurrences(of: "size: [64, 48]", with: "size: large").write(
      to: manifest, atomically: true, encoding: .utf8)
    result = try check(["tiny-octaves.yaml"], in: folder)
    XCTAssertEqual(result.status, 2)
    XCTAssertTrue(
      result.stderr.hasPrefix(
        "references/tiny-octaves/manifest.yaml:4:7: error: manifest: 'size' must be [width, height], got 'large'"
      ),
      result.stderr)

    try text.replacingOccurrences(of: "  - {frame: 1,", with: "  - {frame: 7,").write(
      to: manifest, atomically: true, encoding: .utf8)
    result = try check(["tiny-octaves.yaml"], in: folder)
    XCTAssertEqual(result.status, 2)
    XCTAssertTrue(
      result.stderr.hasPrefix("references/tiny-octaves/manifest.yaml: no reference for frame 1 (step 5)"),
      result.stderr)
  }

  func testAReferenceFolderLinkedOutOfTheTreeIsRefused() throws {
    let folder = try goldenCopy()
    let outside = try TestSupport.temporaryFolder("outside")
    defer {
      try? FileManager.default.removeItem(at: folder)
      try? FileManager.default.removeItem(at: outside)
    }
    let link = folder.appendingPathComponent("references/tiny-zoom")
    try FileManager.default.moveItem(at: link, to: outside.appendingPathComponent("tiny-zoom"))
    try FileManager.default.createSymbolicLink(
      at: link, withDestinationURL: outside.appendingPathComponent("tiny-zoom"))
    for arguments in [["tiny-zoom.yaml"], ["tiny-zoom.yaml", "--update"]] {
      let result = try check(arguments, in: folder)
      XCTAssertEqual(result.status, 2, arguments.description)
      XCTAssertTrue(
        result.stderr.hasPrefix("references/tiny-zoom: the reference folder is a symbolic link to "),
        result.stderr)
    }
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: outside.appendingPathComponent("tiny-zoom").path)
        .sorted(),
      ["0000.png", "0001.png", "0002.png", "manifest.yaml"], "nothing outside was touched")
  }

  func testUpdateRefusesASetOverTheLimit() throws {
    let folder = try goldenCopy()
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try check(["tiny-zoom.yaml", "--update", "--reference-limit", "0.001"], in: folder)
    XCTAssertEqual(result.status, 2)
    XCTAssertTrue(result.stderr.contains("the reference set would take"), result.stderr)
    XCTAssertEqual(try check(["tiny-zoom.yaml"], in: folder).status, 0, "the old set is intact")
  }

  func testAnUnknownBLASCoreIsAUsageError() throws {
    let folder = try goldenCopy()
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try check(["tiny-zoom.yaml", "--blas-core", "Nosuchcore"], in: folder)
    XCTAssertEqual(result.status, 2)
    XCTAssertTrue(
      result.stderr.hasPrefix("--blas-core Nosuchcore: OpenBLAS cannot use that core"), result.stderr)
  }

  func testAThreadCountChangeDoesNotRerender() throws {
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder("threads")
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(TestSupport.tinyRecipe(frames: 2), in: folder)
    let first = try TestSupport.run(["recipe.yaml", "--model", model, "--threads", "1"], in: folder)
    XCTAssertEqual(first.status, 0, first.stderr)
    let second = try TestSupport.run(["recipe.yaml", "--model", model, "--threads", "2"], in: folder)
    XCTAssertEqual(second.status, 0, second.stderr)
    XCTAssertTrue(second.stdout.hasPrefix("up to date: 2 frames"), second.stdout)
    let state = try String(
      contentsOf: folder.appendingPathComponent(".dream-run/recipe.yaml.state.json"), encoding: .utf8)
    XCTAssertTrue(state.contains("\"blas-core\""), "the run state records the environment")
  }
}

/// The HTML report in a real headless browser (Debian's chromium): every image it links shows.
final class CheckReportBrowserTests: XCTestCase {
  /// Debian's chromium (or another Chrome), when installed.
  static var browser: String? {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
  }

  /// The page's DOM after its scripts ran, from headless chromium (its profile kept in `profile`).
  static func dumpDOM(_ browser: String, _ page: URL, profile: URL) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: browser)
    process.arguments = [
      "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
      "--user-data-dir=" + profile.appendingPathComponent("chromium-profile").path, "--dump-dom",
      page.absoluteString,
    ]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let dom = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return dom
  }

  func testEveryImageOfAMismatchReportShowsInChromium() throws {
    let browser = CheckReportBrowserTests.browser
    guard let browser else {
      throw XCTSkip("no chromium found (apt-get install chromium); .ci/run installs it")
    }
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder("browser")
    defer { try? FileManager.default.removeItem(at: folder) }
    let golden = TestSupport.packageRoot.appendingPathComponent("golden")
    for name in try FileManager.default.contentsOfDirectory(atPath: golden.path) {
      try FileManager.default.copyItem(
        at: golden.appendingPathComponent(name), to: folder.appendingPathComponent(name))
    }
    let url = folder.appendingPathComponent("references/tiny-zoom/0002.png")
    var image = try ImageCodec.read(contentsOf: url)
    image[0, 0, 0] = image[0, 0, 0] < 128 ? 255 : 0
    try ImageCodec.write(image, to: url)
    let result = try TestSupport.run(
      ["check", ".", "--model", model, "--report", "report", "--quiet"], in: folder)
    XCTAssertEqual(result.status, 1, result.stderr)

    let dom = try Self.dumpDOM(browser, folder.appendingPathComponent("report/index.html"), profile: folder)
    // 3 recipes: tiny-octaves 2 frames x (reference + new), tiny-features 3 x 2, tiny-zoom 3 x 2
    // + 1 difference image.
    XCTAssertTrue(dom.contains("data-images=\"17 of 17 images shown\""), String(dom.prefix(2000)))
    XCTAssertTrue(dom.contains("MISMATCH"))
    XCTAssertNil(dom.range(of: #"\(missing: [^"]"#, options: .regularExpression), "no image is missing")

    // The page logs nothing to the console (no script error, no failed load) and its screenshot
    // is not blank.
    let shot = folder.appendingPathComponent("report.png")
    let screenshot = Process()
    screenshot.executableURL = URL(fileURLWithPath: browser)
    screenshot.arguments = [
      "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
      "--window-size=1000,800",
      "--user-data-dir=" + folder.appendingPathComponent("chromium-profile-2").path,
      "--screenshot=" + shot.path,
      folder.appendingPathComponent("report/index.html").absoluteString,
    ]
    let log = Pipe()
    screenshot.standardOutput = FileHandle.nullDevice
    screenshot.standardError = log
    try screenshot.run()
    let logText = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    screenshot.waitUntilExit()
    let console = logText.split(separator: "\n").filter { $0.contains(":CONSOLE") }
    XCTAssertEqual(console, [], "console messages")
    let picture = try ImageCodec.read(contentsOf: shot)
    var nonWhite = 0
    for value in picture.pixels where value < 200 { nonWhite += 1 }
    XCTAssertGreaterThan(nonWhite, picture.pixelCount / 50, "the screenshot shows the report")
  }

  /// The statistics chart (SVG) draws in chromium: the screenshot is not blank and shows the four
  /// coloured lines.
  func testStatisticsChartDrawsInChromium() throws {
    let browser = CheckReportBrowserTests.browser
    guard let browser else {
      throw XCTSkip("no chromium found (apt-get install chromium); .ci/run installs it")
    }
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder("chart")
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(TestSupport.tinyRecipe(frames: 3, iterations: 1), in: folder)
    XCTAssertEqual(try TestSupport.run(["recipe.yaml", "--model", model, "--quiet"], in: folder).status, 0)
    let chart = folder.appendingPathComponent(".dream-run/recipe.yaml.stats.svg")
    let shot = folder.appendingPathComponent("chart.png")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: browser)
    process.arguments = [
      "--headless", "--no-sandbox", "--disable-gpu", "--window-size=740,320",
      "--user-data-dir=" + folder.appendingPathComponent("chromium-profile").path,
      "--screenshot=" + shot.path, chart.absoluteString,
    ]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    let image = try ImageCodec.read(contentsOf: shot)
    // The four series' colours (brightness orange, contrast blue, chroma pink, clipped green).
    let colours: [(Float, Float, Float)] = [(208, 140, 0), (48, 96, 192), (192, 48, 112), (32, 128, 64)]
    for (r, g, b) in colours {
      let found = (0..<image.pixelCount).contains { p in
        abs(image.pixels[p * 3] - r) < 30 && abs(image.pixels[p * 3 + 1] - g) < 30
          && abs(image.pixels[p * 3 + 2] - b) < 30
      }
      XCTAssertTrue(found, "colour (\(r), \(g), \(b)) drawn")
    }
  }

  /// `dream-run sheet`: a PNG grid of the rendered frames and an HTML page whose every image shows
  /// in chromium, with each frame's dream settings in its caption.
  func testContactSheetPNGAndPageInChromium() throws {
    let browser = CheckReportBrowserTests.browser
    let model = try TestSupport.googlenet()
    let folder = try TestSupport.temporaryFolder("sheet")
    defer { try? FileManager.default.removeItem(at: folder) }
    try TestSupport.writeRecipe(TestSupport.tinyRecipe(frames: 3, iterations: 1), in: folder)
    let before = try TestSupport.run(["sheet", "recipe.yaml", "--model", model], in: folder)
    XCTAssertTrue(before.stdout.contains("no rendered frames yet"), before.stdout)
    XCTAssertEqual(try TestSupport.run(["recipe.yaml", "--model", model, "--quiet"], in: folder).status, 0)
    let result = try TestSupport.run(
      ["sheet", "recipe.yaml", "--model", model, "--columns", "2", "--thumbnail", "32"], in: folder)
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertEqual(
      result.stdout, "sheet: .dream-run/recipe.yaml.sheet.png\npage: .dream-run/recipe.yaml.sheet.html\n")
    // 3 thumbnails of 32x24 in 2 columns: 2 rows, each thumbnail over a 16-pixel label strip.
    let png = try ImageCodec.read(
      contentsOf: folder.appendingPathComponent(".dream-run/recipe.yaml.sheet.png"))
    XCTAssertEqual(png.width, 2 * (32 + 4) + 4)
    XCTAssertEqual(png.height, 2 * (24 + 16 + 4) + 4)
    let page = folder.appendingPathComponent(".dream-run/recipe.yaml.sheet.html")
    let html = try String(contentsOf: page, encoding: .utf8)
    XCTAssertTrue(html.contains("<img src=\"../out/01.png\""), html)
    XCTAssertTrue(html.contains("frame 2: layer inception_3a/output, classic 1 it"), html)
    guard let browser else {
      throw XCTSkip("no chromium found (apt-get install chromium); .ci/run installs it")
    }
    let dom = try Self.dumpDOM(browser, page, profile: folder)
    XCTAssertTrue(dom.contains("data-images=\"3 of 3 images shown\""), String(dom.prefix(1500)))
  }
}
