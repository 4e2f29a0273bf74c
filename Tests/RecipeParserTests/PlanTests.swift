import DreamVocabulary
import Foundation
import RecipeParser
import XCTest

/// Compiling recipes into execution plans: shape, edges, resolved parameters, rendering.
final class PlanTests: XCTestCase {
  /// zoom50.yaml from the repository, parsed against an in-memory copy of its input so the shape
  /// test does not depend on the shared folder.
  private func zoom50Plan(recipePath: String = "recipes/zoom50.yaml", frameLimit: Int? = nil) throws
    -> ExecutionPlan
  {
    let text = try String(contentsOfFile: exampleRecipesDirectory + "/zoom50.yaml", encoding: .utf8)
    let directory = RecipePath.directory(of: recipePath)
    let image = RecipePath.resolve("../../shared/images/coffee.png", relativeTo: directory)
    let fileSystem = InMemoryFileSystem(textFiles: [recipePath: text, image: "png"])
    let parsed = try RecipeFile.parse(path: recipePath, fileSystem: fileSystem).get()
    return ExecutionPlan(recipe: parsed, frameLimit: frameLimit)
  }

  /// A video path without an extension takes the caller's container (.mp4 where ffmpeg is
  /// installed), and the plan shows the file chosen.
  func testVideoPathWithoutExtensionTakesTheDefaultContainer() throws {
    let text = try String(contentsOfFile: exampleRecipesDirectory + "/zoom50.yaml", encoding: .utf8)
    let fileSystem = InMemoryFileSystem(textFiles: [
      "recipes/zoom50.yaml": text,
      RecipePath.resolve("../../shared/images/coffee.png", relativeTo: "recipes"): "png",
    ])
    let parsed = try RecipeFile.parse(
      path: "recipes/zoom50.yaml", fileSystem: fileSystem, defaultVideoContainer: .mp4
    )
    .get()
    let video = try XCTUnwrap(parsed.videos.first?.value)
    XCTAssertTrue(video.automaticContainer)
    XCTAssertEqual(video.container, .mp4)
    XCTAssertEqual(video.path.value, "zoom50/zoom50.mp4")
    XCTAssertEqual(
      ExecutionPlan(recipe: parsed).node(id: "video.s8")?.parameters,
      "video{container=\"mp4\";fps=20.0;frames=50;path=\"zoom50/zoom50.mp4\"}")
  }

  /// `--frames N` builds only frames 0...N-1: the same nodes as the full plan's first ones, no
  /// videos (a million-frame recipe then costs nothing to try).
  func testALimitedPlanIsAPrefixOfTheFullPlanWithoutVideos() throws {
    let full = try zoom50Plan()
    let limited = try zoom50Plan(frameLimit: 3)
    XCTAssertEqual(limited.frameOutputs.count, 3)
    XCTAssertFalse(limited.nodes.contains { $0.kind == .video })
    let prefix = Array(full.nodes.prefix(limited.nodes.count))
    XCTAssertEqual(limited.nodes.map(\.id), prefix.map(\.id))
    XCTAssertEqual(limited.nodes.map(\.parameters), prefix.map(\.parameters))
    XCTAssertEqual(limited.nodes.last?.id, "f02.s7")
  }

  func testZoom50Shape() throws {
    let plan = try zoom50Plan()
    let kinds = Dictionary(grouping: plan.nodes, by: \.kind).mapValues(\.count)
    XCTAssertEqual(kinds, [.load: 1, .transform: 98, .dream: 49, .save: 50, .video: 1])
    XCTAssertEqual(plan.nodes.count, 199)
    // 1 edge for frame 0's save, 4 per dreamed frame, 50 into the video.
    XCTAssertEqual(plan.edges.count, 1 + 49 * 4 + 50)
    XCTAssertEqual(plan.frameOutputs.count, 50)
    XCTAssertEqual(plan.frameOutputs[0], 0)

    let ids = plan.nodes.prefix(8).map(\.id)
    XCTAssertEqual(ids, ["load", "f00.s7", "f01.s2", "f01.s5", "f01.s6", "f01.s7", "f02.s2", "f02.s5"])
    func node(_ id: String) throws -> PlanNode { try XCTUnwrap(plan.node(id: id)) }
    XCTAssertEqual(try node("f00.s7").inputs, [0])
    XCTAssertEqual(try node("f01.s2").inputs, [0])
    XCTAssertEqual(try node("f01.s5").inputs, [try node("f01.s2").index])
    XCTAssertEqual(try node("f02.s2").inputs, [try node("f01.s6").index])
    XCTAssertEqual(try node("f49.s7").inputs, [try node("f49.s6").index])
    XCTAssertEqual(plan.frameOutputs[49], try node("f49.s6").index)
    XCTAssertEqual(try node("f01.s2").steps, [2, 3, 4])

    let video = try node("video.s8")
    XCTAssertNil(video.frame)
    XCTAssertEqual(video.inputs.count, 50)
    XCTAssertEqual(video.inputs.map { plan.nodes[$0].frame }, (0..<50).map { $0 })
    guard case .video(let path, let container, let fps, let frames) = video.operation else {
      return XCTFail("video")
    }
    XCTAssertEqual(path, "recipes/zoom50/zoom50.avi")
    XCTAssertEqual(container, .avi)
    XCTAssertEqual(fps, 20)
    XCTAssertEqual(frames.first, "recipes/zoom50/frames/0000.jpg")
    XCTAssertEqual(frames.last, "recipes/zoom50/frames/0049.jpg")

    // Every input comes before its consumer.
    for edge in plan.edges { XCTAssertLessThan(edge.from, edge.to) }
    XCTAssertEqual(plan.consumers(of: 0).map { plan.nodes[$0].id }, ["f00.s7", "f01.s2"])
  }

  func testZoom50CanonicalParameters() throws {
    let plan = try zoom50Plan()
    func parameters(_ id: String) -> String? { plan.node(id: id)?.parameters }
    XCTAssertEqual(
      parameters("load"), "load{fit=\"cover\";path=\"../../shared/images/coffee.png\";size=[800,450]}")
    XCTAssertEqual(
      parameters("f01.s2"),
      "transform{ops=[{factor=1.005;op=\"zoom\"},{op=\"match-colors\";reference=\"input\";strength=1.0},"
        + "{high=255.0;low=0.0;op=\"clip\"}]}"
    )
    XCTAssertEqual(
      parameters("f07.s5"),
      "dream{algorithm=\"classic\";blend=0.2;blur=\"3d\";frame=7;iterations=10;objective=\"mean-square\";"
        + "quantize-octaves=false;repeats=1;rescale=0.7;seed=0;step=0.8;terms=[{layer=3;weight=1.0}];tile=400}"
    )
    XCTAssertEqual(parameters("f12.s7"), "save{format=\"jpeg\";path=\"zoom50/frames/0012.jpg\";quality=95}")
    XCTAssertEqual(
      parameters("video.s8"), "video{container=\"avi\";fps=20.0;frames=50;path=\"zoom50/zoom50.avi\"}")
  }

  func testParametersAreStableAcrossParsesAndRecipePathSpellings() throws {
    let first = try zoom50Plan().nodes.map(\.parameters)
    let second = try zoom50Plan().nodes.map(\.parameters)
    let elsewhere = try zoom50Plan(recipePath: "/somewhere/else/recipes/zoom50.yaml").nodes.map(\.parameters)
    XCTAssertEqual(first, second)
    XCTAssertEqual(first, elsewhere)
    let resolved = try zoom50Plan(recipePath: "/somewhere/else/recipes/zoom50.yaml").nodes[0].operation
    XCTAssertEqual(
      resolved,
      .load(
        path: "/somewhere/else/recipes/../../shared/images/coffee.png",
        size: ImageSize(width: 800, height: 450), fit: .cover))
  }

  func testCanonicalValueFormatting() {
    let value = CanonicalValue.object([
      "b": .number(-0.0), "a": .list([.integer(-3), .flag(true), .unsigned(18_446_744_073_709_551_615)]),
      "c": .text("q\"uo\\te\n"), "B": .number(1e-5), "d": .number(0.1 + 0.2),
    ])
    XCTAssertEqual(
      value.rendered,
      "{B=1e-05;a=[-3,true,18446744073709551615];b=0.0;c=\"q\\\"uo\\\\te\\n\";d=0.30000000000000004}")
  }

  func testKeyframedParametersResolvePerFrame() throws {
    let parsed = try recipe(
      withSteps(
        "  - zoom: {factor: {0: 1.0, 10: 1.1}}\n  - dream: {layer: {0: 3, 5: mixed4c}, iterations: {0: 2, 10: 12}}\n",
        header: "model: inception5h\nframes: 11\n"))
    let plan = ExecutionPlan(recipe: parsed)
    let zooms = plan.nodes.compactMap { node -> Double? in
      if case .transform(let ops) = node.operation, case .zoomFactor(let factor)? = ops.first {
        return factor
      }
      return nil
    }
    XCTAssertEqual(zooms.count, 11)
    XCTAssertEqual(zooms[0], 1.0)
    XCTAssertEqual(zooms[5], 1.05, accuracy: 1e-12)
    XCTAssertEqual(zooms[10], 1.1)
    let dreams = plan.nodes.compactMap { node -> ResolvedDream? in
      if case .dream(let dream) = node.operation { return dream }
      return nil
    }
    XCTAssertEqual(
      dreams.map(\.terms[0].layer),
      Array(repeating: .index(3), count: 5) + Array(repeating: .name("mixed4c"), count: 6))
    XCTAssertEqual(dreams.map(\.frame), Array(0...10))
    let iterations = dreams.map { $0.algorithm.integer("iterations") }
    XCTAssertEqual(iterations, [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
  }

  func testFeedbackFalseStartsEveryFrameFromTheInput() throws {
    let parsed = try recipe(
      withSteps(
        "  - dream: {layer: {0: 0, 1: 1, 2: 2}}\n  - save: s/{frame}.png\n",
        header: "model: inception5h\nframes: 3\nfeedback: false\n"))
    let plan = ExecutionPlan(recipe: parsed)
    XCTAssertEqual(plan.nodes.map(\.id), ["load", "f0.s2", "f0.s3", "f1.s2", "f1.s3", "f2.s2", "f2.s3"])
    let dreams = plan.nodes.filter { $0.kind == .dream }
    XCTAssertEqual(dreams.map(\.inputs), [[0], [0], [0]])
  }

  func testFrame0RenderDreamsTheFirstFrameToo() throws {
    let parsed = try recipe(
      withSteps(
        "  - tint: 1\n  - dream: {layer: 3}\n  - save: s/{frame}.png\n",
        header: "model: inception5h\nframes: 2\n"))
    let plan = ExecutionPlan(recipe: parsed)
    XCTAssertEqual(plan.nodes.map(\.id), ["load", "f0.s2", "f0.s3", "f0.s4", "f1.s2", "f1.s3", "f1.s4"])
    XCTAssertEqual(plan.nodes[4].inputs, [2])
  }

  func testRenderTable() throws {
    let parsed = try recipe(
      withSteps(
        "  - zoom: {trim: {top: 2, bottom: 1, left: 1, right: 2}}\n  - tint: [1, -2, 3]\n  - dream: {layer: 3, iterations: 2}\n"
          + "  - save: out/{frame:02}.jpg\n  - video: {path: v.mp4, fps: 12}\n",
        header: "model: inception5h\nframes: 2\nframe0: input\nsize: [64, 48]\n"))
    let plan = ExecutionPlan(recipe: parsed)
    let text = plan.render { node in
      node.kind == .save ? Status.upToDate : (node.kind == .video ? Status.stale : Status.inMemory)
    }
    XCTAssertEqual(
      text,
      """
      NODE      KIND       FRAME  STATUS      DETAILS
      load      load       0      in-memory   in.png -> 64x48 (cover)
      f0.s5     save       0      up-to-date  out/00.jpg (quality 95)
      f1.s2     transform  1      in-memory   trim t2 b1 l1 r2, tint +1/-2/+3
      f1.s4     dream      1      in-memory   layer #3, classic 2 it, step 3, rescale 0.7 x4, blend 0.2
      f1.s5     save       1      up-to-date  out/01.jpg (quality 95)
      video.s6  video      -      stale       v.mp4 (2 frames at 12 fps)

      """)
  }

  func testDot() throws {
    let parsed = try recipe(withSteps("  - dream: {layer: \"mixed4c\"}\n  - save: \"a \\\"b\\\".png\"\n"))
    let plan = ExecutionPlan(recipe: parsed)
    XCTAssertEqual(
      plan.dot(),
      """
      digraph plan {
        rankdir=LR;
        node [shape=box, fontname="Helvetica", fontsize=10];
        "load" [label="load\\nload\\nin.png"];
        "f0.s2" [label="f0.s2\\ndream\\nlayer mixed4c, classic 10 it, step 3, rescale 0.7 x4, blend 0.2"];
        "f0.s3" [label="f0.s3\\nsave\\na \\"b\\".png"];
        "load" -> "f0.s2";
        "f0.s2" -> "f0.s3";
      }

      """)
    XCTAssertTrue(
      plan.dot { _ in Status.missing }.contains(
        "\"load\" [label=\"load\\nload\\nin.png\", style=filled, fillcolor=salmon];"))
  }

  func testMultiLayerSummaryAndParameters() throws {
    let parsed = try recipe(
      withSteps(
        "  - dream:\n      layer: [{layer: mixed3a, channels: [4, 2]}, {layer: 9, weight: 0.5}]\n      algorithm: octaves\n"
      ))
    let plan = ExecutionPlan(recipe: parsed)
    XCTAssertEqual(
      plan.nodes[1].summary, "layers mixed3a[4,2]*1+#9*0.5, octaves 4x1.4, 10 it, step 1.5, jitter 32")
    XCTAssertEqual(
      plan.nodes[1].parameters,
      "dream{algorithm=\"octaves\";frame=0;iterations=10;jitter=32;objective=\"mean-square\";octave-scale=1.4;octaves=4;"
        + "seed=0;step=1.5;terms=[{channels=[4,2];layer=\"mixed3a\";weight=1.0},{layer=9;weight=0.5}];tile=400}"
    )
  }
}

/// The repository's recipes/ folder, found from this source file.
let exampleRecipesDirectory: String = {
  let testsFile = URL(fileURLWithPath: #filePath)
  return testsFile.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("recipes").path
}()

/// A status as the run layer shows it (the real one lives with the run state).
private enum Status: String, PlanStatus {
  case upToDate = "up-to-date", stale, missing, inMemory = "in-memory"

  var label: String { rawValue }
  var dotColour: String { self == .missing ? "salmon" : "grey" }
}
