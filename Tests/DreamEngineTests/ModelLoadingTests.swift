import DreamTestSupport
import DreamEngine
import Foundation
import XCTest

/// GraphDef loading: malformed files give one clear error naming the file (and node); the
/// dream-layer list, minimum sizes and subgraph compilation behave as documented.
final class ModelLoadingTests: XCTestCase {
  private func tinyGraph() -> GraphBuilder {
    var b = GraphBuilder()
    b.node("input", "Placeholder")
    b.const("pre/mean", dims: [3], [100, 110, 120])
    b.node("pre/sub", "Sub", inputs: ["input", "pre/mean"])
    b.conv("stem", input: "pre/sub", kh: 3, kw: 3, cin: 3, cout: 4, stride: 2)
    b.conv("block/a", input: "stem", kh: 1, kw: 1, cin: 4, cout: 2)
    b.conv("block/b", input: "stem", kh: 3, kw: 3, cin: 4, cout: 3, padding: "VALID", seed: 5)
    b.node(
      "block/pool", "MaxPool", inputs: ["stem"],
      attrs: ["ksize": .ints([1, 3, 3, 1]), "strides": .ints([1, 1, 1, 1]), "padding": .string("VALID")])
    b.node("block/axis", "Const", attrs: ["value": .intTensor(dims: [], ints: [3])])
    b.node("block/output", "ConcatV2", inputs: ["block/b", "block/pool", "block/axis"])
    b.node("head", "Softmax", inputs: ["block/output"])
    return b
  }

  private func message(_ body: () throws -> Void) -> String {
    do {
      try body()
      return "no error"
    } catch {
      return "\(error)"
    }
  }

  func testTinyGraphLayersAndShapes() throws {
    let model = try Model(data: tinyGraph().data, file: "tiny.pb")
    XCTAssertEqual(model.dreamLayers.map(\.name), ["stem", "block/output"])
    XCTAssertEqual(model.dreamLayers.map(\.channels), [4, 7])
    XCTAssertEqual(try model.resolve(.index(1)), "block/output")
    XCTAssertEqual(try model.resolve(.name("stem:0")), "stem")
    // stem: SAME stride 2 -> ceil(n/2); block: VALID 3x3 -> -2.
    XCTAssertEqual(
      try model.layerShapes(["block/output"], width: 20, height: 11),
      [TensorShape(height: 4, width: 8, channels: 7)])
    XCTAssertEqual(try model.minimumInputSize(for: ["block/output"]), 5)
    XCTAssertEqual(try model.minimumInputSize(for: ["stem"]), 1)
    // The unsupported Softmax after the block does not matter until someone dreams past it.
    XCTAssertEqual(
      message { _ = try Network(model: model, objective: .meanSquare("head")) },
      "tiny.pb: node 'head' uses op 'Softmax', which dream-run does not support; dream on a layer before it")
  }

  func testTooSmallImageStatesTheMinimum() throws {
    let model = try Model(data: tinyGraph().data, file: "tiny.pb")
    let network = try Network(model: model, objective: .meanSquare("block/output"))
    XCTAssertEqual(network.minimumInputSize, 5)
    XCTAssertEqual(
      message { _ = try network.lossAndGradient(of: RGBImage(width: 4, height: 9)) },
      "tiny.pb: a 4x9 image is too small for layer 'block/output': it needs at least 5x5 pixels; use a larger image or a lower layer"
    )
    XCTAssertNoThrow(try network.lossAndGradient(of: RGBImage(width: 5, height: 5, fill: 30)))
  }

  func testMalformedFilesGiveOneClearError() throws {
    let good = tinyGraph().data
    XCTAssertEqual(
      message { _ = try Model(data: Data(), file: "empty.pb") },
      "empty.pb: not a TensorFlow GraphDef (.pb) file (the file is empty); check the path, or re-download the model if the file is truncated"
    )
    XCTAssertTrue(
      message { _ = try Model(data: good.prefix(good.count - 7), file: "cut.pb") }.hasPrefix(
        "cut.pb: not a TensorFlow GraphDef (.pb) file (protobuf decoding failed"))
    XCTAssertTrue(
      message { _ = try Model(data: Data("GIF89a just some text".utf8), file: "pic.gif") }.hasPrefix(
        "pic.gif: not a TensorFlow GraphDef"))
    var corrupted = [UInt8](good)
    for i in stride(from: 40, to: corrupted.count, by: 97) { corrupted[i] ^= 0xFF }
    XCTAssertTrue(message { _ = try Model(data: Data(corrupted), file: "bad.pb") }.hasPrefix("bad.pb: "))
    XCTAssertEqual(
      message { _ = try Model(contentsOf: URL(fileURLWithPath: "/nonexistent/model.pb")) },
      "/nonexistent/model.pb: cannot read the model file: no such file")
  }

  func testDanglingInputsUnknownOpsAndBadAttributes() throws {
    var dangling = tinyGraph()
    dangling.node("orphan", "Relu", inputs: ["nowhere"])
    XCTAssertEqual(
      message { _ = try Model(data: dangling.data, file: "d.pb") },
      "d.pb: node 'orphan' reads 'nowhere', which is not in the graph; the GraphDef is incomplete or corrupt")

    var unknown = GraphBuilder()
    unknown.node("input", "Placeholder")
    unknown.node("weird", "Sigmoid", inputs: ["input"])
    let model = try Model(data: unknown.data, file: "u.pb")
    XCTAssertEqual(
      message { _ = try Network(model: model, objective: .meanSquare("weird")) },
      "u.pb: node 'weird' uses op 'Sigmoid', which dream-run does not support; dream on a layer before it")

    var dilated = GraphBuilder()
    dilated.node("input", "Placeholder")
    dilated.const("w", dims: [1, 1, 3, 1], [1, 1, 1])
    dilated.node(
      "c", "Conv2D", inputs: ["input", "w"],
      attrs: ["strides": .ints([1, 1, 1, 1]), "padding": .string("EXPLICIT")])
    let m2 = try Model(data: dilated.data, file: "e.pb")
    XCTAssertEqual(
      message { _ = try Network(model: m2, objective: .meanSquare("c")) },
      "e.pb: node 'c' (Conv2D): padding 'EXPLICIT' is not supported (only SAME and VALID)")

    // Conv weights of a type the engine does not read (string, bool, uint8, half, invalid):
    // an error naming the node, never a trap.
    for dtype in [0, 4, 7, 10, 19] {
      var typed = GraphBuilder()
      typed.node("input", "Placeholder")
      typed.node(
        "w", "Const", attrs: ["value": .rawTensor(dtype: dtype, dims: [1, 1, 3, 1], content: [1, 2, 3, 4])])
      typed.node(
        "c", "Conv2D", inputs: ["input", "w"],
        attrs: ["strides": .ints([1, 1, 1, 1]), "padding": .string("SAME")])
      let m3 = try Model(data: typed.data, file: "t.pb")
      XCTAssertEqual(
        message { _ = try Network(model: m3, objective: .meanSquare("c")) },
        "t.pb: node 'c' (Conv2D): constant 'w' is not numeric (only float, double, int32 and int64 constants "
          + "are read); the model is damaged or not an image network", "dtype \(dtype)")
    }

    // A constant that stores one value for 56.6 million: an error, not a 226 MB fill (or, with
    // a larger shape, gigabytes from a few bytes of file).
    var filled = GraphBuilder()
    filled.node("input", "Placeholder")
    filled.node("w", "Const", attrs: ["value": .floatValTensor(dims: [3, 3, 3, 1 << 21], floats: [0.5])])
    filled.node(
      "c", "Conv2D", inputs: ["input", "w"],
      attrs: ["strides": .ints([1, 1, 1, 1]), "padding": .string("SAME")])
    XCTAssertEqual(
      message {
        _ = try Network(model: try Model(data: filled.data, file: "f.pb"), objective: .meanSquare("c"))
      },
      "f.pb: node 'w' (Const): shape [3, 3, 3, 2097152] asks for 56623104 values from 1 stored (at most "
        + "16777216 are filled in); the model is damaged or not an image network")

    var duplicate = GraphBuilder()
    duplicate.node("input", "Placeholder")
    duplicate.node("input", "Placeholder")
    XCTAssertEqual(
      message { _ = try Model(data: duplicate.data, file: "dup.pb") },
      "dup.pb: two nodes are named 'input'; the GraphDef is corrupt")
  }

  /// A graph whose stem the engine cannot run has no dream layers, and says why: the node and the
  /// op or attribute (what `layers` and a layer index then report instead of an empty list).
  func testAnUnsupportedStemNamesTheNodeAndOp() throws {
    func graph(op: String = "Conv2D", activation: String = "Relu", _ attrs: [String: GraphBuilder.Attr])
      -> Data
    {
      var b = GraphBuilder()
      b.node("input", "Placeholder")
      b.const("w", dims: [3, 3, 3, 4], (0..<108).map { Float($0) / 100 })
      b.node("stem/conv", op, inputs: ["input", "w"], attrs: attrs)
      b.node("stem", activation, inputs: ["stem/conv"])
      b.node("axis", "Const", attrs: ["value": .intTensor(dims: [], ints: [3])])
      b.node("block", "ConcatV2", inputs: ["stem", "stem", "axis"])
      return b.data
    }
    let valid: [String: GraphBuilder.Attr] = ["strides": .ints([1, 1, 1, 1]), "padding": .string("SAME")]
    XCTAssertEqual(try Model(data: graph(valid), file: "ok.pb").dreamLayers.map(\.name), ["stem", "block"])
    var nchw = valid
    nchw["data_format"] = .string("NCHW")
    var dilated = valid
    dilated["dilations"] = .ints([1, 2, 2, 1])
    var zero = valid
    zero["strides"] = .ints([1, 0, 0, 1])
    for (data, expected) in [
      (graph(op: "Conv3D", valid), "node 'stem/conv' uses op 'Conv3D', which dream-run does not support"),
      (graph(nchw), "node 'stem/conv' (Conv2D): data_format 'NCHW' is not supported (only NHWC)"),
      (graph(dilated), "node 'stem/conv' (Conv2D): "),
      (graph(zero), "node 'stem/conv' (Conv2D): "),
    ] {
      let text = message { _ = try Model(data: data, file: "m.pb").resolve(.index(0)) }
      XCTAssertTrue(text.hasPrefix("m.pb: no layer of this model can be dreamed on: " + expected), text)
    }
    XCTAssertEqual(
      try Model(data: graph(activation: "Relu6", valid), file: "r6.pb").noDreamLayersReason?.description,
      "r6.pb: no layer of this model can be dreamed on: node 'stem' uses op 'Relu6', which dream-run does not support"
    )
    var bare = GraphBuilder()
    bare.node("input", "Placeholder")
    bare.node("out", "Identity", inputs: ["input"])
    XCTAssertEqual(
      try Model(data: bare.data, file: "b.pb").noDreamLayersReason?.description,
      "b.pb: the model has no dream layers (dream-run dreams on the outputs of Relu and Concat nodes reachable "
        + "from the input); is it an Inception/GoogLeNet image network?")
  }

  func testUnknownLayerSuggestsAName() throws {
    let model = try Model(data: tinyGraph().data, file: "tiny.pb")
    XCTAssertEqual(
      message { _ = try model.resolve(.name("block/ouput")) },
      "tiny.pb: no layer named 'block/ouput' (did you mean 'block/output'?); `dream-run layers MODEL` lists the dream layers"
    )
    XCTAssertEqual(
      message { _ = try model.resolve(.index(2)) },
      "tiny.pb: layer index 2 is out of range: the model has 2 dream layers (0...1); `dream-run layers MODEL` lists them"
    )
    XCTAssertEqual(
      message {
        _ = try Network(model: model, objective: Objective(terms: [.init(layer: "stem", channels: [4])]))
      },
      "tiny.pb: layer 'stem' has 4 channels (0...3); channel 4 does not exist")
  }

  func testSharedModelsDreamLayersAndMinimumSizes() throws {
    let googlenet = try Model(contentsOf: try TestPaths.model("googlenet.pb"))
    XCTAssertEqual(
      googlenet.dreamLayers.map(\.name),
      [
        "conv1/7x7_s2", "conv2/3x3_reduce", "conv2/3x3", "inception_3a/output", "inception_3b/output",
        "inception_4a/output", "inception_4b/output", "inception_4c/output",
      ])
    XCTAssertEqual(googlenet.dreamLayers.map(\.channels), [64, 64, 192, 256, 480, 512, 512, 512])
    XCTAssertEqual(try googlenet.minimumInputSize(for: ["inception_4c/output"]), 1)

    let v3 = try Model(contentsOf: try TestPaths.model("inception_v3.pb"))
    XCTAssertEqual(v3.dreamLayers.count, 14)
    XCTAssertEqual(v3.dreamLayers.first?.name, "conv")
    XCTAssertEqual(v3.dreamLayers.last?.name, "mixed_8/join")
    XCTAssertEqual(
      v3.dreamLayers.map(\.channels), [32, 32, 64, 80, 192, 256, 288, 288, 768, 768, 768, 768, 768, 1280])
    let minimums = try [
      "conv", "conv_2", "conv_4", "mixed_2/join", "mixed_3/join", "mixed_7/join", "mixed_8/join",
    ].map {
      try v3.minimumInputSize(for: [$0])
    }
    XCTAssertEqual(minimums, [3, 7, 19, 27, 43, 43, 75])
    XCTAssertEqual(
      try v3.layerShapes(["mixed_8/join"], width: 299, height: 299),
      [TensorShape(height: 8, width: 8, channels: 1280)])
  }

  func testSameThreadCountIsBitIdenticalRunToRun() throws {
    let model = try Model(contentsOf: try TestPaths.model("googlenet.pb"))
    let network = try Network(model: model, objective: .meanSquare("inception_3a/output"))
    var rng = TestRandom(seed: 11)
    let x = rng.tensor(TensorShape(height: 97, width: 131, channels: 3), 0, 255)
    let first = try network.lossAndGradient(x)
    let second = try network.lossAndGradient(x)
    XCTAssertEqual(first.loss, second.loss)
    XCTAssertEqual(first.gradient.values, second.gradient.values)
  }

  func testConcurrentTilesMatchSerialBitForBit() throws {
    let model = try Model(contentsOf: try TestPaths.model("googlenet.pb"))
    let network = try Network(model: model, objective: .meanSquare("inception_3a/output"))
    var rng = TestRandom(seed: 13)
    let images = [(61, 45), (120, 77), (33, 90)].map { w, h in
      RGBImage(
        width: w, height: h, pixels: rng.tensor(TensorShape(height: h, width: w, channels: 3), 0, 255).values)
    }
    let previous = EngineThreads.count
    defer { EngineThreads.set(previous) }
    EngineThreads.set(2)
    let together = try network.lossAndGradients(of: images)
    EngineThreads.set(1)
    let alone = try images.map { try network.lossAndGradient(of: $0) }
    XCTAssertEqual(together.map(\.loss), alone.map(\.loss))
    XCTAssertEqual(together.map(\.gradient), alone.map(\.gradient))
  }

  func testMultiLayerAndChannelObjectives() throws {
    let model = try Model(contentsOf: try TestPaths.model("googlenet.pb"))
    var rng = TestRandom(seed: 12)
    let x = rng.tensor(TensorShape(height: 64, width: 80, channels: 3), 0, 255)
    let a = try Network(model: model, objective: .meanSquare("inception_3a/output")).lossAndGradient(x)
    let b = try Network(model: model, objective: .meanSquare("inception_3b/output")).lossAndGradient(x)
    let both = try Network(
      model: model,
      objective: Objective(terms: [
        .init(layer: "inception_3a/output", weight: 2), .init(layer: "inception_3b/output", weight: 0.5),
      ])
    ).lossAndGradient(x)
    XCTAssertEqual(Double(both.loss), Double(2 * a.loss + 0.5 * b.loss), accuracy: 1e-3 * Double(both.loss))
    let combined = zip(a.gradient.values, b.gradient.values).map { 2 * $0 + 0.5 * $1 }
    XCTAssertLessThan(relativeL2(both.gradient.values, combined), 1e-5)

    // A channel subset is the same as the mean over those channels only.
    let sub = try Network(
      model: model, objective: Objective(terms: [.init(layer: "inception_3a/output", channels: [3, 7])]))
    let acts = try sub.forward(x)["inception_3a/output"]!
    var expected = 0.0
    let c = acts.shape.channels
    for p in 0..<(acts.shape.height * acts.shape.width) {
      for ch in [3, 7] { expected += Double(acts.values[p * c + ch] * acts.values[p * c + ch]) }
    }
    expected /= Double(acts.shape.height * acts.shape.width * 2)
    XCTAssertEqual(Double(try sub.lossAndGradient(x).loss), expected, accuracy: 1e-4 * expected)
    // The mean objective's gradient is the same as d mean(a)/dx computed by the network.
    let mean = try Network(
      model: model, objective: Objective(terms: [.init(layer: "conv1/7x7_s2", reduction: .mean)])
    ).lossAndGradient(x)
    XCTAssertGreaterThan(mean.loss, 0)
  }
}
