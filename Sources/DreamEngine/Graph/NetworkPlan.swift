/// The compiled subgraph from the `input` placeholder to the requested layers: a list of steps
/// over numbered tensor slots (slot 0 is the input image). Building it computes nothing; shapes
/// for a given input size come from `shapes(for:)`.
///
/// Conv2D -> BiasAdd -> Relu chains are fused into one step when the intermediate tensors have
/// no other consumer and are not themselves targets. Identity nodes are aliases.
struct NetworkPlan: Sendable {
  enum Op: Sendable {
    case conv(Conv2D)
    case biasRelu(BiasRelu)
    case pool(Pool)
    case lrn(LRN)
    case concat(Concat)
    case affine(Affine)

    /// The op's kind (exhaustive: a new op needs a new ``OpKind``, which in turn needs its
    /// gradient test in OpGradientTests).
    var kind: OpKind {
      switch self {
      case .conv: return .conv
      case .biasRelu: return .biasRelu
      case .pool: return .pool
      case .lrn: return .lrn
      case .concat: return .concat
      case .affine: return .affine
      }
    }
  }

  struct Step: Sendable {
    var op: Op
    var inputs: [Int]
    var output: Int
    /// The graph node whose value the output slot holds (the last node fused into the step).
    var node: String
  }

  static let inputSlot = 0
  let file: String
  private(set) var steps: [Step] = []
  private(set) var slotCount = 1
  /// Slot of every target layer name.
  private(set) var targetSlots: [String: Int] = [:]

  /// Builds the plan for `targets` (node names). Only their ancestors are visited.
  init(model: Model, targets: [String]) throws(ModelError) {
    file = model.file
    let wanted = try model.ancestors(of: targets)
    var consumers: [String: Int] = [:]
    for i in model.order where wanted.contains(model.nodes[i].name) {
      for input in model.nodes[i].inputs { consumers[input, default: 0] += 1 }
    }
    let targetSet = Set(targets)
    var slotOf: [String: Int] = [:]
    var producer: [Int: Int] = [:]  // slot -> step index
    for i in model.order where wanted.contains(model.nodes[i].name) {
      let node = model.nodes[i]
      if node.name == model.inputName {
        slotOf[node.name] = Self.inputSlot
        continue
      }
      let fusable: (String) -> Int? = { input in
        guard consumers[input] == 1, !targetSet.contains(input), let slot = slotOf[input] else {
          return nil
        }
        return producer[slot]
      }
      switch try NodeTranslator(model: model, node: node).translate() {
      case .constant:
        continue
      case .alias(let input):
        slotOf[node.name] = try slot(input, slotOf, node)
      case .bias(let input, let bias):
        if let s = fusable(input), case .conv(var conv) = steps[s].op, conv.bias == nil, !conv.relu {
          guard bias.count == conv.outChannels else {
            throw .badNode(file: file, node: node.name, op: node.op, problem: "bias size mismatch")
          }
          conv.bias = bias
          steps[s].op = .conv(conv)
          steps[s].node = node.name
          slotOf[node.name] = steps[s].output
        } else {
          slotOf[node.name] = append(
            .biasRelu(BiasRelu(bias: bias, relu: false)), [try slot(input, slotOf, node)], node.name,
            &producer)
        }
      case .relu(let input):
        if let s = fusable(input), case .conv(var conv) = steps[s].op, !conv.relu {
          conv.relu = true
          steps[s].op = .conv(conv)
          steps[s].node = node.name
          slotOf[node.name] = steps[s].output
        } else if let s = fusable(input), case .biasRelu(let b) = steps[s].op, !b.relu {
          steps[s].op = .biasRelu(BiasRelu(bias: b.bias, relu: true))
          steps[s].node = node.name
          slotOf[node.name] = steps[s].output
        } else {
          slotOf[node.name] = append(
            .biasRelu(BiasRelu(bias: nil, relu: true)), [try slot(input, slotOf, node)], node.name, &producer)
        }
      case .op(let op, let inputs):
        var slots: [Int] = []
        for input in inputs { slots.append(try slot(input, slotOf, node)) }
        slotOf[node.name] = append(op, slots, node.name, &producer)
      }
    }
    for target in targets {
      guard let s = slotOf[target] else {
        throw .badNode(file: file, node: target, op: "?", problem: "does not depend on the input image")
      }
      targetSlots[target] = s
    }
  }

  private func slot(_ name: String, _ slotOf: [String: Int], _ node: GraphNode) throws(ModelError) -> Int {
    guard let s = slotOf[name] else {
      throw .badNode(
        file: file, node: node.name, op: node.op,
        problem: "input '\(name)' is not computed from the image (a constant where a tensor is expected?)")
    }
    return s
  }

  private mutating func append(_ op: Op, _ inputs: [Int], _ node: String, _ producer: inout [Int: Int]) -> Int
  {
    let out = slotCount
    slotCount += 1
    producer[out] = steps.count
    steps.append(Step(op: op, inputs: inputs, output: out, node: node))
    return out
  }

  /// The shape of every slot for an input of `input` (3 channels). Throws `inputTooSmall`
  /// (naming `layerForErrors`) when a window no longer fits.
  func shapes(for input: TensorShape, layerForErrors: String) throws(ModelError) -> [TensorShape] {
    var shapes = [TensorShape](repeating: TensorShape(height: 0, width: 0, channels: 0), count: slotCount)
    shapes[Self.inputSlot] = input
    let tooSmall = ModelError.inputTooSmall(
      file: file, width: input.width, height: input.height, layer: layerForErrors, minimum: 0)
    if input.height < 1 || input.width < 1 { throw tooSmall }
    for step in steps {
      let ins = step.inputs.map { shapes[$0] }
      let out: TensorShape
      switch step.op {
      case .conv(let conv):
        guard ins[0].channels == conv.inChannels else {
          throw .badNode(
            file: file, node: step.node, op: "Conv2D",
            problem: "input has \(ins[0].channels) channels, the weights expect \(conv.inChannels)")
        }
        out = conv.outputShape(ins[0])
      case .biasRelu(let b):
        if let bias = b.bias, bias.count != ins[0].channels {
          throw .badNode(file: file, node: step.node, op: "BiasAdd", problem: "bias size mismatch")
        }
        out = ins[0]
      case .pool(let pool):
        out = pool.outputShape(ins[0])
      case .lrn:
        out = ins[0]
      case .concat(let concat):
        if ins.contains(where: { $0.height < 1 || $0.width < 1 }) { throw tooSmall }
        guard let s = concat.outputShape(ins) else {
          throw .badNode(file: file, node: step.node, op: "Concat", problem: "inputs differ in size: \(ins)")
        }
        out = s
      case .affine(let affine):
        guard affine.broadcastable(to: ins[0].channels) else {
          throw .badNode(
            file: file, node: step.node, op: "Sub/Mul/Add", problem: "constant does not broadcast")
        }
        out = ins[0]
      }
      if out.height < 1 || out.width < 1 { throw tooSmall }
      shapes[step.output] = out
    }
    return shapes
  }

  /// The smallest n such that an n x n input works (each axis is independent, so this is also
  /// the minimum width and the minimum height).
  func minimumInputSize() -> Int {
    func fits(_ n: Int) -> Bool {
      (try? shapes(for: TensorShape(height: n, width: n, channels: 3), layerForErrors: "")) != nil
    }
    var lo = 1
    var hi = 1
    while !fits(hi) {
      hi *= 2
      if hi > 1 << 14 { return hi }
    }
    while lo < hi {
      let mid = (lo + hi) / 2
      if fits(mid) { hi = mid } else { lo = mid + 1 }
    }
    return lo
  }
}

/// The kinds of op a compiled network runs, forward and backward. Each has a finite-difference
/// gradient test, enforced by an exhaustive switch over `allCases` in the tests.
public enum OpKind: String, CaseIterable, Sendable {
  case conv, biasRelu, pool, lrn, concat, affine
}
