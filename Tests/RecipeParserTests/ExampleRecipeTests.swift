import DreamVocabulary
import Foundation
import RecipeParser
import XCTest

/// Every recipe in recipes/ parses against the real disk (skipped when ../shared/images is absent)
/// and names only layers of inception5h's dream-layer list.
final class ExampleRecipeTests: XCTestCase {
  private let inception5hLayers = [
    "conv2d0", "conv2d1", "conv2d2", "mixed3a", "mixed3b", "mixed4a", "mixed4b", "mixed4c", "mixed4d",
    "mixed4e",
    "mixed5a", "mixed5b",
  ]

  private func example(_ name: String) throws -> Recipe {
    let path = exampleRecipesDirectory + "/" + name
    let sharedImages = exampleRecipesDirectory + "/../../shared/images"
    guard FileManager.default.fileExists(atPath: sharedImages + "/coffee.png") else {
      throw XCTSkip("the shared images are not beside the project root (\(sharedImages))")
    }
    switch RecipeFile.parse(path: path, videoProbe: SharedClipProbe()) {
    case .success(let recipe):
      XCTAssertEqual(validateLayers(recipe, layers: inception5hLayers), [], name)
      return recipe
    case .failure(let list):
      XCTFail("\(name) does not validate:\n\(list)")
      throw list
    }
  }

  func testEveryExampleRecipeValidates() throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: exampleRecipesDirectory)
      .filter { $0.hasSuffix(".yaml") }.sorted()
    XCTAssertEqual(
      names,
      [
        "guided.yaml", "keyframed-zoom.yaml", "lapnorm.yaml", "layer-grid.yaml", "layer-sweep.yaml",
        "original-colors.yaml",
        "seed-exact.yaml", "single-photo.yaml", "spiral.yaml", "video-dream.yaml", "zoom50.yaml",
      ])
    for name in names {
      let recipe = try example(name)
      XCTAssertFalse(ExecutionPlan(recipe: recipe).nodes.isEmpty, name)
    }
  }

  func testZoom50IsTheSeedVideoDoneRight() throws {
    let recipe = try example("zoom50.yaml")
    XCTAssertEqual(recipe.model.value, .catalog("inception5h"))
    XCTAssertEqual(recipe.frames.value, 50)
    XCTAssertEqual(recipe.frame0.value, .input)
    XCTAssertEqual(recipe.size?.value, ImageSize(width: 800, height: 450))
    XCTAssertEqual(recipe.pipeline.map(\.operation.kind), [.zoom, .matchColors, .clip, .dream, .clip, .save])
    XCTAssertEqual(recipe.videos.first?.value.fps.value, 20)
  }

  func testSeedExactKeepsTheSeedsQuirks() throws {
    let recipe = try example("seed-exact.yaml")
    XCTAssertEqual(recipe.frames.value, 51)
    guard case .zoom(.trim(let trim)) = recipe.pipeline[0].operation else {
      return XCTFail("trim zoom expected")
    }
    XCTAssertEqual(
      [trim.top.firstValue, trim.bottom.firstValue, trim.left.firstValue, trim.right.firstValue],
      [2, 1, 1, 2])
    let dream = try XCTUnwrap(recipe.dreamSteps.first?.dream)
    XCTAssertEqual(dream.preset?.value, .seed)
    let plan = ExecutionPlan(recipe: recipe)
    XCTAssertEqual(plan.nodes.filter { $0.kind == .save }.count, 51)
    XCTAssertEqual(plan.nodes.filter { $0.kind == .dream }.count, 50)
  }

  /// Layers 0...7: every dream layer of googlenet.pb, and the first 8 of inception5h's.
  func testLayerSweepDreamsTheInputOnLayersZeroToSeven() throws {
    let recipe = try example("layer-sweep.yaml")
    XCTAssertEqual(recipe.feedback.value, false)
    let plan = ExecutionPlan(recipe: recipe)
    let dreams = plan.nodes.filter { $0.kind == .dream }
    XCTAssertEqual(dreams.count, 8)
    XCTAssertTrue(dreams.allSatisfy { $0.inputs == [0] })
    let layers = dreams.compactMap { node -> String? in
      guard case .dream(let dream) = node.operation else { return nil }
      return dream.terms[0].layer.resolved(in: inception5hLayers)
    }
    XCTAssertEqual(layers, Array(inception5hLayers.prefix(8)))
  }
}

/// The parser's video probe for the examples, without ffmpeg: the shared clip as its README
/// describes it (the run layer's ffprobe reading is tested in DreamEngineTests and DreamRunTests).
private struct SharedClipProbe: VideoProbe {
  func probe(_ path: String) -> Result<VideoInfo, VideoProbeError> {
    guard path.hasSuffix("videos/chelsea-pan.mp4") else { return .failure(VideoProbeError("unknown video")) }
    return .success(VideoInfo(width: 480, height: 270, frameCount: 96, fps: 24, hasAudio: true))
  }
}
