import DreamVocabulary
internal import Yams

extension StepReader {
  /// The keys of a dream step that are not in ``DreamSchema``.
  static let dreamOtherKeys = [
    "layer", "channels", "objective", "algorithm", "preset", "blur", "quantize-octaves", "normalize",
    "colors", "guide",
  ]
  /// The non-numeric keys only the classic algorithm takes.
  static let classicOnlyKeys = ["blur", "quantize-octaves"]

  func dream(_ node: Node, at location: SourceLocation) -> DreamStep? {
    let allowed = Self.dreamOtherKeys + DreamSchema.parameters.map(\.key)
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
    // Keys another algorithm takes and this one does not.
    var owners: [(key: String, owners: [DreamAlgorithmName])] = DreamSchema.parameters.map {
      ($0.key, DreamAlgorithmName.allCases.filter(Set($0.defaults.keys).contains))
    }
    owners += Self.classicOnlyKeys.map { ($0, [.classic]) }
    for (key, takers) in owners where !takers.contains(algorithm) {
      guard let keyNode = fields.keyNode(key) else { continue }
      let owner = takers.map(\.rawValue).joined(separator: ", ")
      reader.error(
        "dream", "'\(key)' belongs to the \(owner) algorithm; this step uses '\(algorithm.rawValue)'",
        at: keyNode)
      valid = false
    }

    let terms = layerTerms(fields)
    let objective =
      fields["objective"].map { reader.choice($0, "dream", "objective", as: DreamObjective.self) }
      ?? Located(.meanSquare, at: fields.location)
    let settings = settings(fields, algorithm: algorithm, preset: preset?.value)
    let colors =
      fields["colors"].map { reader.choice($0, "dream", "colors", as: DreamColors.self) }
      ?? Located(.dreamed, at: fields.location)
    let guide = fields["guide"].map {
      image($0, "dream", "guide", example: "guide: flowers.jpg", what: "guide image")
    }
    if let guideKey = fields.keyNode("guide"), fields.has("objective") {
      reader.error("dream", "'guide' replaces the objective; remove 'objective'", at: guideKey)
      valid = false
    }
    guard valid, let terms, let objective, let settings, let colors, guide != .some(nil) else { return nil }
    return DreamStep(
      terms: terms, objective: objective, algorithm: settings, preset: preset, colors: colors,
      guide: guide.flatMap { $0 })
  }

  // MARK: Algorithms

  /// Every numeric setting the algorithm takes, from the schema (written, else its default), and
  /// for the classic algorithm the blur and octave quantisation (the seed preset's defaults
  /// differ).
  private func settings(_ fields: Fields, algorithm: DreamAlgorithmName, preset: DreamPreset?)
    -> AlgorithmSettings?
  {
    var numbers: [String: ParameterSchedule] = [:]
    var valid = true
    for parameter in DreamSchema.parameters(for: algorithm) {
      guard let schedule = numeric(fields, parameter, default: parameter.defaults[algorithm] ?? 0) else {
        valid = false
        continue
      }
      numbers[parameter.key] = schedule
    }
    let normalize =
      fields["normalize"].map { reader.choice($0, "dream", "normalize", as: NormalizeMode.self) }
      ?? Located(algorithm.defaultNormalize, at: fields.location)
    guard let normalize else { return nil }
    if normalize.value != .lapnorm, let levels = fields.keyNode("lap-levels") {
      reader.error("dream", "'lap-levels' applies to 'normalize: lapnorm' only", at: levels)
      valid = false
    }
    guard algorithm == .classic else {
      return valid ? AlgorithmSettings(name: algorithm, numbers: numbers, normalize: normalize) : nil
    }
    let seedLike = preset == .seed
    let blur =
      fields["blur"].map { reader.choice($0, "dream", "blur", as: BlurMode.self) }
      ?? Located(seedLike ? .threeD : .twoD, at: fields.location)
    let quantize =
      fields["quantize-octaves"].map { reader.bool($0, "dream", "quantize-octaves") }
      ?? Located(seedLike, at: fields.location)
    guard valid, let blur, let quantize else { return nil }
    return AlgorithmSettings(
      name: algorithm, numbers: numbers, normalize: normalize, blur: blur, quantizeOctaves: quantize)
  }

  /// One numeric setting: its schedule as written (every keyframe checked against the range), or
  /// the default as a constant.
  private func numeric(_ fields: Fields, _ parameter: DreamParameter, default value: Double)
    -> ParameterSchedule?
  {
    let key = parameter.key
    switch parameter.kind {
    case .integer:
      guard let node = fields[key] else {
        return .integer(Schedule(constant: Int(value), at: fields.location))
      }
      return reader.checked(
        reader.intSchedule(node, "dream", key, frames: context.frames), "dream", key, parameter.expectation
      ) { parameter.isValid(Double($0)) }.map(ParameterSchedule.integer)
    case .number:
      guard let node = fields[key] else { return .number(Schedule(constant: value, at: fields.location)) }
      return reader.checked(
        reader.numberSchedule(node, "dream", key, frames: context.frames), "dream", key,
        parameter.expectation,
        parameter.isValid
      ).map(ParameterSchedule.number)
    }
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
