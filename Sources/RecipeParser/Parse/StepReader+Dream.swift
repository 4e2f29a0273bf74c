import DreamVocabulary
internal import Yams

/// The algorithm names accepted by `algorithm:`.
enum DreamAlgorithmName: String, CaseIterable {
  case classic
  case octaves
}

extension StepReader {
  static let dreamCommonKeys = [
    "layer", "channels", "objective", "algorithm", "preset", "iterations", "step", "tile",
  ]
  static let classicKeys = ["rescale", "repeats", "blend", "blur", "quantize-octaves"]
  static let octaveKeys = ["octaves", "octave-scale", "jitter"]
  /// Smallest accepted tile side, in pixels.
  static let minimumTile = 32

  func dream(_ node: Node, at location: SourceLocation) -> DreamStep? {
    let allowed = Self.dreamCommonKeys + Self.classicKeys + Self.octaveKeys
    guard let fields = reader.fields(of: node, stage: "dream", allowed: allowed) else { return nil }
    var valid = true
    let preset = fields["preset"].flatMap { reader.choice($0, "dream", "preset", as: DreamPreset.self) }
    if fields.has("preset"), preset == nil { valid = false }
    let written = fields["algorithm"].flatMap {
      reader.choice($0, "dream", "algorithm", as: DreamAlgorithmName.self)
    }
    if fields.has("algorithm"), written == nil { return nil }
    let algorithm = written?.value ?? .classic
    if let preset, let written, written.value != .classic {
      reader.error(
        "dream",
        "preset '\(preset.value.rawValue)' uses the classic algorithm; remove the preset or "
          + "'algorithm: \(written.value.rawValue)'", at: written.location)
      valid = false
    }
    let foreign: [String]
    switch algorithm {
    case .classic: foreign = Self.octaveKeys
    case .octaves: foreign = Self.classicKeys
    }
    for key in foreign {
      guard let keyNode = fields.keyNode(key) else { continue }
      let owner = algorithm == .classic ? "octaves" : "classic"
      reader.error(
        "dream", "'\(key)' belongs to the \(owner) algorithm; this step uses '\(algorithm.rawValue)'",
        at: keyNode)
      valid = false
    }

    let terms = layerTerms(fields)
    let objective =
      fields["objective"].map { reader.choice($0, "dream", "objective", as: DreamObjective.self) }
      ?? Located(.meanSquare, at: fields.location)
    let settings: AlgorithmSettings?
    switch algorithm {
    case .classic: settings = classic(fields, preset: preset?.value).map(AlgorithmSettings.classic)
    case .octaves: settings = octaves(fields).map(AlgorithmSettings.octaves)
    }
    guard valid, let terms, let objective, let settings else { return nil }
    return DreamStep(terms: terms, objective: objective, algorithm: settings, preset: preset)
  }

  // MARK: Algorithms

  private func classic(_ fields: Fields, preset: DreamPreset?) -> ClassicSettings? {
    let seedLike = preset == .seed
    let iterations = intParameter(fields, "iterations", default: 10, "must not be negative") { $0 >= 0 }
    let step = numberParameter(fields, "step", default: 3.0, "must not be negative") { $0 >= 0 }
    let rescale = numberParameter(fields, "rescale", default: 0.7, "must be between 0 and 1 (both excluded)")
    {
      $0 > 0 && $0 < 1
    }
    // Each repeat or octave is a smaller copy of the frame; 64 is far past the point where one pixel is left.
    let repeats = intParameter(fields, "repeats", default: 4, "must be 0...64") { $0 >= 0 && $0 <= 64 }
    let blend = numberParameter(fields, "blend", default: 0.2, "must be between 0 and 1") {
      $0 >= 0 && $0 <= 1
    }
    let tile = tileParameter(fields)
    let blur =
      fields["blur"].map { reader.choice($0, "dream", "blur", as: BlurMode.self) }
      ?? Located(seedLike ? .threeD : .twoD, at: fields.location)
    let quantize =
      fields["quantize-octaves"].map { reader.bool($0, "dream", "quantize-octaves") }
      ?? Located(seedLike, at: fields.location)
    guard let iterations, let step, let rescale, let repeats, let blend, let tile, let blur, let quantize
    else { return nil }
    return ClassicSettings(
      iterations: iterations, step: step, rescale: rescale, repeats: repeats, blend: blend, tile: tile,
      blur: blur, quantizeOctaves: quantize)
  }

  private func octaves(_ fields: Fields) -> OctaveSettings? {
    let octaves = intParameter(fields, "octaves", default: 4, "must be 1...64") { $0 >= 1 && $0 <= 64 }
    let scale = numberParameter(fields, "octave-scale", default: 1.4, "must be greater than 1") { $0 > 1 }
    let iterations = intParameter(fields, "iterations", default: 10, "must not be negative") { $0 >= 0 }
    let step = numberParameter(fields, "step", default: 1.5, "must not be negative") { $0 >= 0 }
    let jitter = intParameter(fields, "jitter", default: 32, "must not be negative") { $0 >= 0 }
    let tile = tileParameter(fields)
    guard let octaves, let scale, let iterations, let step, let jitter, let tile else { return nil }
    return OctaveSettings(
      octaves: octaves, octaveScale: scale, iterations: iterations, step: step, jitter: jitter, tile: tile)
  }

  private func tileParameter(_ fields: Fields) -> Schedule<Int>? {
    intParameter(fields, "tile", default: 400, "must be at least \(Self.minimumTile) pixels") {
      $0 >= Self.minimumTile
    }
  }

  private func intParameter(
    _ fields: Fields, _ key: String, default value: Int, _ expectation: String, _ isValid: (Int) -> Bool
  ) -> Schedule<Int>? {
    guard let node = fields[key] else { return Schedule(constant: value, at: fields.location) }
    return reader.checked(
      reader.intSchedule(node, "dream", key, frames: context.frames), "dream", key, expectation, isValid)
  }

  private func numberParameter(
    _ fields: Fields, _ key: String, default value: Double, _ expectation: String, _ isValid: (Double) -> Bool
  ) -> Schedule<Double>? {
    guard let node = fields[key] else { return Schedule(constant: value, at: fields.location) }
    return reader.checked(
      reader.numberSchedule(node, "dream", key, frames: context.frames), "dream", key, expectation, isValid)
  }

  // MARK: Layers

  /// `layer: name|index|{frame: layer}` (with optional `channels`), or a list of
  /// `{layer, weight, channels}` entries for a multi-layer objective.
  private func layerTerms(_ fields: Fields) -> [LayerTerm]? {
    guard let layerNode = reader.required("layer", in: fields, stage: "dream") else { return nil }
    guard case .sequence(let sequence) = layerNode else {
      let layer = reader.schedule(
        layerNode, "dream", "layer", frames: context.frames, element: layerReference)
      let channels = fields["channels"].map(readChannels)
      guard let layer, channels != .some(nil) else { return nil }
      let term = LayerTerm(
        layer: layer, weight: Schedule(constant: 1, at: layer.location), channels: channels.flatMap { $0 })
      return [term]
    }
    if let channelsKey = fields.keyNode("channels") {
      reader.error("dream", "with a 'layer' list, put 'channels' inside each entry", at: channelsKey)
      return nil
    }
    guard sequence.count > 0 else {
      reader.error(
        "dream", "the 'layer' list is empty; give at least one {layer, weight} entry", at: layerNode)
      return nil
    }
    var terms: [LayerTerm] = []
    var valid = true
    for entry in sequence {
      guard
        let entryFields = reader.fields(of: entry, stage: "dream", allowed: ["layer", "weight", "channels"])
      else {
        valid = false
        continue
      }
      guard let entryLayer = reader.required("layer", in: entryFields, stage: "dream") else {
        valid = false
        continue
      }
      let layer = reader.schedule(
        entryLayer, "dream", "layer", frames: context.frames, element: layerReference)
      let weight =
        entryFields["weight"].map { reader.numberSchedule($0, "dream", "weight", frames: context.frames) }
        ?? Schedule(constant: 1, at: entryFields.location)
      let channels = entryFields["channels"].map(readChannels)
      guard let layer, let weight, channels != .some(nil) else {
        valid = false
        continue
      }
      terms.append(LayerTerm(layer: layer, weight: weight, channels: channels.flatMap { $0 }))
    }
    return valid ? terms : nil
  }

  /// A layer name or a non-negative index.
  private func layerReference(_ node: Node) -> Located<LayerReference>? {
    if case .scalar(let scalar) = node, !reader.isNull(node) {
      let location = reader.location(of: node)
      if node.tagName == .int, let index = node.int {
        guard index >= 0 else {
          reader.error("dream", "layer index must not be negative, got \(scalar.string)", at: node)
          return nil
        }
        return Located(.index(index), at: location)
      }
      if node.tagName != .float, !scalar.string.isEmpty {
        return Located(.name(scalar.string), at: location)
      }
    }
    reader.error("dream", "'layer' must be a layer name or index, got \(reader.describe(node))", at: node)
    return nil
  }

  /// A non-empty list of distinct, non-negative channel indices.
  private func readChannels(_ node: Node) -> Located<[Int]>? {
    guard case .sequence(let sequence) = node, sequence.count > 0 else {
      let got = node.sequence?.isEmpty == true ? "an empty list" : reader.describe(node)
      reader.error(
        "dream", "'channels' must be a list of channel indices such as [0, 5], got \(got)", at: node)
      return nil
    }
    var channels: [Int] = []
    var valid = true
    for item in sequence {
      guard let channel = reader.int(item, "dream", "channels") else {
        valid = false
        continue
      }
      if channel.value < 0 {
        reader.error("dream", "channel indices must not be negative, got \(channel.value)", at: item)
        valid = false
      } else if channels.contains(channel.value) {
        reader.error("dream", "channel \(channel.value) is listed twice", at: item)
        valid = false
      }
      channels.append(channel.value)
    }
    return valid ? Located(channels, at: reader.location(of: node)) : nil
  }
}
