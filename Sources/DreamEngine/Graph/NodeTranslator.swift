/// Turns one GraphDef node into an engine op, checking its attributes against what the kernels
/// implement (NHWC, no dilation, SAME/VALID, channel-axis concat, broadcast constants).
struct NodeTranslator {
  enum Translation {
    case constant
    case alias(String)
    case bias(String, FloatBuffer)
    case relu(String)
    case op(NetworkPlan.Op, [String])
  }

  let model: Model
  let node: GraphNode

  private func fail(_ problem: String) -> ModelError {
    .badNode(file: model.file, node: node.name, op: node.op, problem: problem)
  }

  private func requireInputs(_ n: Int) throws(ModelError) {
    guard node.inputs.count == n else { throw fail("expected \(n) inputs, found \(node.inputs.count)") }
  }

  private func constant(_ name: String) throws(ModelError) -> ConstTensor {
    guard let c = model.constant(named: name) else { throw fail("input '\(name)' must be a constant") }
    // Constants of a type the engine does not read (string, bool, uint8, half...) load as empty.
    guard c.values.count == c.dims.reduce(1, *) else {
      throw fail(
        "constant '\(name)' is not numeric (only float, double, int32 and int64 constants are read); "
          + "the model is damaged or not an image network")
    }
    return c
  }

  /// `[1, a, b, 1]` NHWC attributes (ksize, strides) as (a, b).
  private func spatialPair(_ key: String, default fallback: [Int]? = nil) throws(ModelError) -> (Int, Int) {
    guard let v = node.ints(key) ?? fallback else { throw fail("missing attribute '\(key)'") }
    guard v.count == 4, v[0] == 1, v[3] == 1, v[1] >= 1, v[2] >= 1 else {
      throw fail("attribute '\(key)' = \(v) is not [1, h, w, 1]")
    }
    return (v[1], v[2])
  }

  private func padding() throws(ModelError) -> Padding {
    let raw = node.string("padding") ?? ""
    guard let p = Padding(rawValue: raw) else {
      throw fail("padding '\(raw)' is not supported (only SAME and VALID)")
    }
    return p
  }

  private func checkNHWC() throws(ModelError) {
    if let format = node.string("data_format"), format != "NHWC" {
      throw fail("data_format '\(format)' is not supported (only NHWC)")
    }
  }

  func translate() throws(ModelError) -> Translation {
    switch node.op {
    case "Const":
      return .constant
    case "Placeholder":
      throw fail("a second Placeholder; only the image input '\(model.inputName)' can be fed")
    case "Identity":
      try requireInputs(1)
      return .alias(node.inputs[0])
    case "Relu":
      try requireInputs(1)
      return .relu(node.inputs[0])
    case "BiasAdd":
      try requireInputs(2)
      try checkNHWC()
      let b = try constant(node.inputs[1])
      guard b.dims.count == 1 else { throw fail("bias must be a vector, found shape \(b.dims)") }
      return .bias(node.inputs[0], FloatBuffer(b.values))
    case "Conv2D":
      try requireInputs(2)
      try checkNHWC()
      let w = try constant(node.inputs[1])
      guard w.dims.count == 4, w.dims.allSatisfy({ $0 > 0 }) else {
        throw fail("weights must be [kh, kw, in, out], found shape \(w.dims)")
      }
      if let d = node.ints("dilations"), d.contains(where: { $0 != 1 }) {
        throw fail("dilations \(d) are not supported")
      }
      let (sh, sw) = try spatialPair("strides")
      let conv = Conv2D(
        kernelH: w.dims[0], kernelW: w.dims[1], inChannels: w.dims[2], outChannels: w.dims[3],
        strideH: sh, strideW: sw, padding: try padding(), weights: FloatBuffer(w.values))
      return .op(.conv(conv), [node.inputs[0]])
    case "MaxPool", "AvgPool":
      try requireInputs(1)
      try checkNHWC()
      let (kh, kw) = try spatialPair("ksize")
      let (sh, sw) = try spatialPair("strides")
      let pool = Pool(
        kind: node.op == "MaxPool" ? .max : .average, kernelH: kh, kernelW: kw, strideH: sh,
        strideW: sw, padding: try padding())
      return .op(.pool(pool), [node.inputs[0]])
    case "LRN":
      try requireInputs(1)
      let lrn = LRN(
        depthRadius: node.int("depth_radius") ?? 5, bias: node.float("bias") ?? 1,
        alpha: node.float("alpha") ?? 1, beta: node.float("beta") ?? 0.5)
      guard lrn.depthRadius >= 0 else { throw fail("negative depth_radius") }
      return .op(.lrn(lrn), [node.inputs[0]])
    case "Concat", "ConcatV2":
      guard node.inputs.count >= 2 else { throw fail("needs an axis and at least one tensor") }
      let axisName = node.op == "Concat" ? node.inputs[0] : node.inputs[node.inputs.count - 1]
      let axis = try constant(axisName)
      guard axis.values.count == 1, axis.values[0] == 3 || axis.values[0] == -1 else {
        throw fail("concatenation on axis \(axis.values) is not supported (only the channel axis 3)")
      }
      let tensors = node.op == "Concat" ? Array(node.inputs.dropFirst()) : Array(node.inputs.dropLast())
      return .op(.concat(Concat()), tensors)
    case "Sub", "Mul", "Add", "AddV2":
      try requireInputs(2)
      let lhsConst = model.constant(named: node.inputs[0])
      let rhsConst = model.constant(named: node.inputs[1])
      let c: ConstTensor
      let x: String
      let constFirst: Bool
      switch (lhsConst, rhsConst) {
      case (nil, let r?): (c, x, constFirst) = (r, node.inputs[0], false)
      case (let l?, nil): (c, x, constFirst) = (l, node.inputs[1], true)
      case (nil, nil), (.some, .some):
        throw fail("exactly one operand must be a constant (in-graph preprocessing)")
      }
      guard !c.values.isEmpty, c.dims.dropLast().allSatisfy({ $0 == 1 }) else {
        throw fail("constant of shape \(c.dims) does not broadcast over channels")
      }
      let one: [Float] = [1]
      let zero: [Float] = [0]
      let affine: Affine
      switch node.op {
      case "Sub":
        affine =
          constFirst ? Affine(scale: [-1], shift: c.values) : Affine(scale: one, shift: c.values.map { -$0 })
      case "Mul":
        affine = Affine(scale: c.values, shift: zero)
      default:
        affine = Affine(scale: one, shift: c.values)
      }
      return .op(.affine(affine), [x])
    default:
      throw .unsupportedOp(file: model.file, node: node.name, op: node.op)
    }
  }
}
