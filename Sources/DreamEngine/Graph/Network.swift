import Dispatch

/// A model compiled for one objective: runs the forward pass from the image to the objective's
/// layers (never past them) and the backward pass for the input gradient only.
///
/// Forward activations are kept only where the backward pass reads them (Relu outputs for the
/// mask, pool and LRN inputs); everything else is released as soon as its consumers ran.
public final class Network: GradientSource {
  public let model: Model
  public let objective: Objective
  let plan: NetworkPlan
  /// Per slot: the last step index that reads it in the forward pass.
  private let lastForwardUse: [Int]
  /// Per slot: whether the backward pass reads the forward value.
  private let keptForBackward: [Bool]
  public let minimumInputSize: Int
  /// When set, time per op kind is added to it (dream-bench --profile).
  public var profile: OpProfile?

  public init(model: Model, objective: Objective) throws(ModelError) {
    self.model = model
    self.objective = objective
    plan = try NetworkPlan(model: model, targets: objective.layers)
    var last = [Int](repeating: -1, count: plan.slotCount)
    var kept = [Bool](repeating: false, count: plan.slotCount)
    for (s, step) in plan.steps.enumerated() {
      for i in step.inputs { last[i] = s }
      switch step.op {
      case .conv(let c): if c.relu { kept[step.output] = true }
      case .biasRelu(let b): if b.relu { kept[step.output] = true }
      case .lrn: for i in step.inputs { kept[i] = true }
      case .pool: break  // MaxPool keeps its argmax instead; AvgPool needs only shapes
      case .concat, .affine: break
      }
    }
    for slot in plan.targetSlots.values { kept[slot] = true }
    lastForwardUse = last
    keptForBackward = kept
    minimumInputSize = plan.minimumInputSize()
    // Check every term's channels now, at a size the network accepts.
    let side = max(minimumInputSize, 1)
    let shapes = try plan.shapes(
      for: TensorShape(height: side, width: side, channels: 3), layerForErrors: objective.layers[0])
    for term in objective.terms {
      guard let slot = plan.targetSlots[term.layer] else { continue }
      let count = shapes[slot].channels
      for ch in term.channels ?? [] where ch < 0 || ch >= count {
        throw .badChannels(file: model.file, layer: term.layer, channel: ch, count: count)
      }
    }
  }

  /// Output shapes of the objective's layers for a `width x height` input.
  public func layerShapes(width: Int, height: Int) throws(ModelError) -> [String: TensorShape] {
    let shapes = try slotShapes(width: width, height: height)
    return plan.targetSlots.mapValues { shapes[$0] }
  }

  /// Every slot's shape for a `width x height` input.
  func slotShapes(width: Int, height: Int) throws(ModelError) -> [TensorShape] {
    try plan.shapes(
      for: TensorShape(height: height, width: width, channels: 3), layerForErrors: objective.layers[0])
  }

  /// An estimate (on the high side) of the bytes one loss-and-gradient pass over a
  /// `width x height` input holds at once: every slot's value in 32-bit floats (gradients live
  /// mostly where values were already released) plus the largest convolution's patch matrix.
  /// For memory estimates.
  public func passBytes(width: Int, height: Int) throws(ModelError) -> Int {
    let shapes = try slotShapes(width: width, height: height)
    var patches = 0
    for step in plan.steps {
      guard case .conv(let conv) = step.op else { continue }
      let output = shapes[step.output]
      patches = max(patches, output.height * output.width * conv.kernelH * conv.kernelW * conv.inChannels)
    }
    return 4 * (shapes.reduce(0) { $0 + $1.count } + patches)
  }

  /// The activations of the objective's layers for `input` (`h x w x 3`, 0...255).
  public func forward(_ input: Tensor) throws(ModelError) -> [String: Tensor] {
    let values = try run(input, backward: false).activations
    return plan.targetSlots.compactMapValues { values[$0] }
  }

  /// The objective's value and d(objective)/d(input), `h x w x 3` like `input`.
  public func lossAndGradient(_ input: Tensor) throws(ModelError) -> (loss: Float, gradient: Tensor) {
    let result = try run(input, backward: true)
    guard let gradient = result.gradient else {
      preconditionFailure("Network: backward pass produced no input gradient")
    }
    return (result.loss, gradient)
  }

  /// Tiles run concurrently, one per engine thread: each tile's ops then split less finely,
  /// which is faster for the thin GEMMs of small tiles (see `lossAndGradients(of:)`).
  public var concurrentImages: Int { EngineThreads.count > 1 ? 4 * EngineThreads.count : 1 }

  /// Computes the images concurrently, one single-threaded network pass per worker. Workers take
  /// the next image as they finish, largest first, which balances unequal tiles (the classic's
  /// random grid cuts a frame into tiles of different sizes; smallest last leaves the least idle
  /// time at the end). Every pass's arithmetic is independent of threading and order, so results
  /// are bit-identical to computing them one by one.
  public func lossAndGradients(of images: [RGBImage]) throws -> [(loss: Float, gradient: RGBImage)] {
    if images.count <= 1 || EngineThreads.count <= 1 { return try images.map { try lossAndGradient(of: $0) } }
    let results = ResultSlots<(loss: Float, gradient: RGBImage)>(count: images.count)
    let network = UncheckedSendableBox(self)
    let inputs = UncheckedSendableBox(images)
    let largestFirst = images.indices.sorted {
      (images[$0].width * images[$0].height, $1) > (images[$1].width * images[$1].height, $0)
    }
    DispatchQueue.concurrentPerform(iterations: images.count) { k in
      let i = largestFirst[k]
      results.set(
        i, Result { try EngineThreads.runSerially { try network.value.lossAndGradient(of: inputs.value[i]) } }
      )
    }
    return try results.values()
  }

  public func lossAndGradient(of image: RGBImage) throws -> (loss: Float, gradient: RGBImage) {
    let shape = TensorShape(height: image.height, width: image.width, channels: 3)
    let (loss, grad) = try lossAndGradient(Tensor(shape: shape, values: image.pixels))
    return (loss, RGBImage(width: image.width, height: image.height, pixels: grad.values))
  }

  private func run(_ input: Tensor, backward: Bool) throws(ModelError) -> (
    activations: [Tensor?], loss: Float, gradient: Tensor?
  ) {
    precondition(input.shape.channels == 3, "Network: input must have 3 channels, got \(input.shape)")
    let layerName = objective.layers.last ?? ""
    let shapes: [TensorShape]
    do {
      shapes = try plan.shapes(for: input.shape, layerForErrors: layerName)
    } catch {
      throw .inputTooSmall(
        file: model.file, width: input.shape.width, height: input.shape.height, layer: layerName,
        minimum: minimumInputSize)
    }
    var acts = [Tensor?](repeating: nil, count: plan.slotCount)
    var argmaxes = [IndexBuffer?](repeating: nil, count: plan.steps.count)
    acts[NetworkPlan.inputSlot] = input
    for (s, step) in plan.steps.enumerated() {
      let ins = step.inputs.map { slot -> Tensor in
        guard let t = acts[slot] else { preconditionFailure("Network: slot \(slot) released early") }
        return t
      }
      let t0 = profile == nil ? 0 : MonotonicClock.now()
      (acts[step.output], argmaxes[s]) = Self.forward(step.op, ins, recordArgmax: backward)
      if let profile, let out = acts[step.output] {
        profile.add(
          "forward \(step.op.kindName)", MonotonicClock.now() - t0, flops: step.op.flops(output: out.shape))
      }
      if backward {
        for i in step.inputs where lastForwardUse[i] == s && !keptForBackward[i] && i != NetworkPlan.inputSlot
        {
          acts[i] = nil
        }
      }
    }
    guard backward else { return (acts, 0, nil) }

    var grads = [Tensor?](repeating: nil, count: plan.slotCount)
    var loss = 0.0
    for term in objective.terms {
      guard let slot = plan.targetSlots[term.layer], let a = acts[slot] else { continue }
      let g = grads[slot] ?? Tensor(zeros: a.shape)
      loss += term.evaluate(a, accumulatingInto: g)
      grads[slot] = g
    }
    for (s, step) in plan.steps.enumerated().reversed() {
      guard let dy = grads[step.output] else { continue }
      grads[step.output] = nil
      let ins = step.inputs.map { acts[$0] }
      let inShapes = step.inputs.map { shape(of: $0, acts: acts, shapes: shapes) }
      let t0 = profile == nil ? 0 : MonotonicClock.now()
      let dxs = Self.backward(
        step.op, inputs: ins, inputShapes: inShapes, output: acts[step.output], argmax: argmaxes[s], dy: dy)
      argmaxes[s] = nil
      profile?.add(
        "backward \(step.op.kindName)", MonotonicClock.now() - t0, flops: step.op.flops(output: dy.shape))
      acts[step.output] = nil
      for (slot, dx) in zip(step.inputs, dxs) {
        if let existing = grads[slot] {
          let t1 = profile == nil ? 0 : MonotonicClock.now()
          existing.accumulate(dx)
          profile?.add("backward accumulate", MonotonicClock.now() - t1)
        } else {
          grads[slot] = dx
        }
      }
    }
    return (acts, Float(loss), grads[NetworkPlan.inputSlot] ?? Tensor(zeros: input.shape))
  }

  private func shape(of slot: Int, acts: [Tensor?], shapes: [TensorShape]) -> TensorShape {
    acts[slot]?.shape ?? shapes[slot]
  }
}

extension Network {
  /// Multiply-add FLOPs (2 per MAC) of the convolutions for a `width x height` input: the forward
  /// pass, plus the same again for the input-gradient backward pass when `backward`.
  /// Pools, LRN and elementwise ops are not counted.
  public func convolutionFLOPs(width: Int, height: Int, backward: Bool = true) throws(ModelError) -> Double {
    let shapes = try slotShapes(width: width, height: height)
    var flops = 0.0
    for step in plan.steps {
      guard case .conv(let conv) = step.op else { continue }
      let out = shapes[step.output]
      let macs =
        Double(out.height * out.width * out.channels) * Double(conv.kernelH * conv.kernelW * conv.inChannels)
      flops += 2 * macs
      // The first conv's input gradient is still needed (it is the image gradient).
      if backward { flops += 2 * macs }
    }
    return flops
  }
}

/// One result per index, filled from concurrent workers (each index written once).
final class ResultSlots<T>: @unchecked Sendable {
  private var slots: [Result<T, any Error>?]
  private let lock = QueueLock("dream-run.results")

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func set(_ i: Int, _ r: Result<T, any Error>) { lock.withLock { slots[i] = r } }

  /// The values in order, or the first (lowest-index) error.
  func values() throws -> [T] {
    try lock.withLock { slots }.map { slot in
      guard let slot else { preconditionFailure("ResultSlots: a result is missing") }
      return try slot.get()
    }
  }
}
