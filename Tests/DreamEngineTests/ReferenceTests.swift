import DreamEngine
import Foundation
import XCTest

/// The engine against TensorFlow's numbers in ../shared/reference: activations within 1e-4 and
/// input gradients within 1e-3 relative L2 error, for both real networks and the all-ops graph.
final class ReferenceTests: XCTestCase {
  private func check(
    model modelFile: String, input inputFile: String, layer: String, tag: String,
    modelCache: inout [String: Model]
  ) throws {
    let model: Model
    if let cached = modelCache[modelFile] {
      model = cached
    } else {
      model = try Model(contentsOf: try SharedData.model(modelFile))
      modelCache[modelFile] = model
    }
    let input = try NPY.read(try SharedData.referenceFile(inputFile))
    let act = try NPY.read(try SharedData.referenceFile("act_\(tag).npy"))
    let grad = try NPY.read(try SharedData.referenceFile("grad_\(tag).npy"))
    let shape = TensorShape(height: input.shape[1], width: input.shape[2], channels: input.shape[3])
    let network = try Network(model: model, objective: .meanSquare(layer))
    let x = Tensor(shape: shape, values: input.values)
    let ours = try network.forward(x)
    let a = try XCTUnwrap(ours[layer])
    XCTAssertEqual([1, a.shape.height, a.shape.width, a.shape.channels], act.shape, tag)
    let actError = relativeL2(a.values, act.values)
    let (_, g) = try network.lossAndGradient(x)
    let gradError = relativeL2(g.values, grad.values)
    print(String(format: "reference %@: activation rel L2 %.2e, gradient rel L2 %.2e", tag, actError, gradError))
    XCTAssertLessThanOrEqual(actError, 1e-4, "activation of \(tag)")
    XCTAssertLessThanOrEqual(gradError, 1e-3, "input gradient of \(tag)")
  }

  func testGoogLeNetMatchesTensorFlow() throws {
    var cache: [String: Model] = [:]
    for layer in ["conv1/7x7_s2", "inception_3a/output", "inception_4c/output"] {
      try check(
        model: "googlenet.pb", input: "input_googlenet.npy", layer: layer,
        tag: "googlenet_" + layer.replacingOccurrences(of: "/", with: "_"), modelCache: &cache)
    }
  }

  func testInceptionV3MatchesTensorFlow() throws {
    var cache: [String: Model] = [:]
    for layer in ["conv", "mixed_3/join", "mixed_5/join"] {
      try check(
        model: "inception_v3.pb", input: "input_inception_v3.npy", layer: layer,
        tag: "inception_v3_" + layer.replacingOccurrences(of: "/", with: "_"), modelCache: &cache)
    }
  }

  func testOpsGraphMatchesTensorFlow() throws {
    var cache: [String: Model] = [:]
    let nodes = [
      "conv7_same_s2", "maxpool_same_s2", "maxpool_valid_s2", "lrn_a", "lrn_b", "conv3_same_s2",
      "conv3_valid_s2", "conv1x1", "conv7x1", "conv3_same_s1", "avgpool_same_s1", "concat_v1",
      "concat_v2", "identity", "avgpool_valid_s2", "conv3_valid_s1_linear",
    ]
    for size in ["32x48", "37x29"] {
      for node in nodes {
        try check(
          model: "ops_test.pb", input: "input_ops_\(size).npy", layer: node, tag: "ops_\(node)_\(size)",
          modelCache: &cache)
      }
    }
  }
}
