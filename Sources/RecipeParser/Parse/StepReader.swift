import DreamVocabulary
internal import Yams

/// Reads the settings of one step of each kind. `dream` lives in `StepReader+Dream.swift`.
struct StepReader {
  let reader: RecipeReader
  let context: StepContext

  /// A per-frame step, or nil after reporting.
  func operation(_ kind: StepKind, _ node: Node, at location: SourceLocation, saves: [PipelineStep])
    -> PipelineOperation?
  {
    switch kind {
    case .zoom: return zoom(node, at: location).map(PipelineOperation.zoom)
    case .transform: return transform(node, at: location).map(PipelineOperation.transform)
    case .matchColors: return matchColors(node, at: location).map(PipelineOperation.matchColors)
    case .tint: return tint(node, at: location).map(PipelineOperation.tint)
    case .clip: return clip(node, at: location).map(PipelineOperation.clip)
    case .quantize:
      return reader.choice(node, "quantize", "quantize", as: QuantizeMode.self)
        .map { .quantize(QuantizeStep(mode: $0)) }
    case .dream: return dream(node, at: location).map(PipelineOperation.dream)
    case .save: return save(node, at: location, earlier: saves).map(PipelineOperation.save)
    case .load, .video:
      preconditionFailure("'\(kind.rawValue)' is not a per-frame step")
    }
  }

  /// Paths as written must be shorter than this (Linux's PATH_MAX, including the terminating 0).
  static let maximumPathBytes = 4096

  // MARK: load

  func load(_ node: Node, at location: SourceLocation) -> Located<LoadStep>? {
    if case .scalar(let scalar) = node, VideoInfo.isVideoPath(scalar.string) {
      // Probed (and any problem reported) by the top-level reader, which needs the frame count.
      guard let video = context.inputVideo,
        let path = path(node, "load", "load", example: "load: clip.mp4")
      else { return nil }
      let resolved = RecipePath.resolve(path.value, relativeTo: context.recipeDirectory)
      return Located(LoadStep(path: path, resolvedPath: resolved, video: video), at: location)
    }
    guard
      let image = image(
        node, "load", "load", example: "load: photo.png", what: "input image",
        alternatives: ", or a video: ." + VideoInfo.inputExtensions.joined(separator: ", .")
      )
    else {
      return nil
    }
    return Located(
      LoadStep(
        path: Located(image.value.path, at: image.location), resolvedPath: image.value.resolvedPath,
        video: nil),
      at: location)
  }

  /// The video `load` names, probed: nil when the input is not a video; `.failure` after reporting.
  func probeVideoInput(_ node: Node) -> Result<VideoInfo, VideoProbeError>? {
    guard case .scalar(let scalar) = node, VideoInfo.isVideoPath(scalar.string),
      let path = path(node, "load", "load", example: "load: clip.mp4")
    else { return nil }
    let resolved = RecipePath.resolve(path.value, relativeTo: context.recipeDirectory)
    guard reader.requireFile(path, resolved: resolved, stage: "load", what: "input video") else {
      return .failure(VideoProbeError("missing"))
    }
    guard let probe = reader.videoProbe else {
      let failure = VideoProbeError("video inputs are read with ffmpeg, which this caller does not provide")
      reader.error("load", "\(path.value): \(failure.message)", at: path.location)
      return .failure(failure)
    }
    let result = probe.probe(resolved)
    if case .failure(let failure) = result {
      reader.error("load", "\(path.value): \(failure.message)", at: path.location)
    }
    return result
  }

  /// A PNG or JPEG file that exists, relative to the recipe (`load`, `guide`, `match-colors`).
  func image(
    _ node: Node, _ stage: String, _ key: String, example: String, what: String, alternatives: String = ""
  ) -> Located<ImageReference>? {
    guard let path = path(node, stage, key, example: example) else { return nil }
    guard ImageFileKind.forPath(path.value) != nil else {
      reader.error(
        stage, "unsupported \(what) '\(path.value)' (use a .png, .jpg or .jpeg file\(alternatives))",
        at: path.location)
      return nil
    }
    let resolved = RecipePath.resolve(path.value, relativeTo: context.recipeDirectory)
    guard reader.requireFile(path, resolved: resolved, stage: stage, what: what) else { return nil }
    return Located(ImageReference(path: path.value, resolvedPath: resolved), at: path.location)
  }

  /// A path scalar (for `load`, `save` and `video`).
  func path(_ node: Node, _ stage: String, _ key: String, example: String) -> Located<String>? {
    if case .scalar(let scalar) = node, !reader.isNull(node), !scalar.string.isEmpty {
      if reader.rejectsTilde(scalar.string, stage, at: reader.location(of: node)) { return nil }
      guard scalar.string.utf8.count < Self.maximumPathBytes else {
        reader.error(
          stage,
          "'\(key)' is a path of \(scalar.string.utf8.count) bytes; the system's limit is "
            + "\(Self.maximumPathBytes) (PATH_MAX); use a shorter path", at: node)
        return nil
      }
      return Located(scalar.string, at: reader.location(of: node))
    }
    reader.error(
      stage, "'\(key)' must be a file path, e.g. '\(example)', got \(reader.describe(node))", at: node)
    return nil
  }

  // MARK: zoom

  func zoom(_ node: Node, at location: SourceLocation) -> ZoomStep? {
    guard let fields = reader.fields(of: node, stage: "zoom", allowed: ["factor", "trim"]) else { return nil }
    switch (fields["factor"], fields["trim"]) {
    case (nil, nil):
      reader.error("zoom", "missing 'factor' (centred zoom) or 'trim' (pixels per edge)", at: fields.location)
      return nil
    case (.some, .some):
      reader.error("zoom", "use either 'factor' or 'trim', not both", at: fields.keyNode("trim") ?? node)
      return nil
    case (.some(let factorNode), nil):
      let factor = reader.checked(
        reader.numberSchedule(factorNode, "zoom", "factor", frames: context.frames), "zoom", "factor",
        "must be greater than 0"
      ) { $0 > 0 }
      guard let factor else { return nil }
      if let size = context.size {
        let limit = Double(min(size.width, size.height))
        for keyframe in factor.keyframes where keyframe.value > limit {
          reader.error(
            "zoom",
            "'factor' \(CanonicalNumber.display(keyframe.value)) crops the \(size) frame "
              + "to less than one pixel", at: keyframe.location)
          return nil
        }
      }
      return .factor(factor)
    case (nil, .some(let trimNode)):
      return trim(trimNode).map(ZoomStep.trim)
    }
  }

  private func trim(_ node: Node) -> ZoomTrim? {
    let edges = ["top", "bottom", "left", "right"]
    guard let fields = reader.fields(of: node, stage: "zoom", allowed: edges) else { return nil }
    let schedules = edges.map { edge -> Schedule<Int>? in
      guard let value = fields[edge] else { return Schedule(constant: 0, at: fields.location) }
      let limit = TopLevelReader.maximumSide
      return reader.checked(
        reader.intSchedule(value, "zoom", edge, frames: context.frames), "zoom", edge, "must be 0...\(limit)"
      ) { $0 >= 0 && $0 <= limit }
    }
    guard let top = schedules[0], let bottom = schedules[1], let left = schedules[2], let right = schedules[3]
    else { return nil }
    let trim = ZoomTrim(top: top, bottom: bottom, left: left, right: right)
    if let size = context.size, let frames = context.frames {
      for frame in 0..<frames {
        let rows = trim.top.value(atFrame: frame) + trim.bottom.value(atFrame: frame)
        let columns = trim.left.value(atFrame: frame) + trim.right.value(atFrame: frame)
        if rows >= size.height || columns >= size.width {
          let what =
            rows >= size.height ? "\(rows) of \(size.height) rows" : "\(columns) of \(size.width) columns"
          reader.error(
            "zoom",
            "the trims remove \(what) of the \(size) frame at frame \(frame); at least one must remain",
            at: fields.location)
          return nil
        }
      }
    }
    return trim
  }

  // MARK: transform, match-colors

  func transform(_ node: Node, at location: SourceLocation) -> TransformStep? {
    let keys = ["zoom", "rotate", "translate", "edge"]
    guard let fields = reader.fields(of: node, stage: "transform", allowed: keys) else { return nil }
    guard fields.has("zoom") || fields.has("rotate") || fields.has("translate") else {
      reader.error(
        "transform", "give at least one of 'zoom', 'rotate' (degrees) or 'translate' ([dx, dy] pixels)",
        at: fields.location)
      return nil
    }
    let frames = context.frames
    func number(_ key: String, default value: Double) -> Schedule<Double>? {
      guard let node = fields[key] else { return Schedule(constant: value, at: fields.location) }
      return reader.numberSchedule(node, "transform", key, frames: frames)
    }
    let zoom = reader.checked(number("zoom", default: 1), "transform", "zoom", "must be greater than 0") {
      $0 > 0
    }
    let rotate = number("rotate", default: 0)
    var translate: (Schedule<Double>?, Schedule<Double>?) = (
      Schedule(constant: 0, at: fields.location), Schedule(constant: 0, at: fields.location)
    )
    if let node = fields["translate"] {
      guard case .sequence(let pair) = node, pair.count == 2 else {
        reader.error(
          "transform", "'translate' must be [dx, dy] in pixels, e.g. [2, 0], got \(reader.describe(node))",
          at: node)
        return nil
      }
      translate = (
        reader.numberSchedule(pair[0], "transform", "translate", frames: frames),
        reader.numberSchedule(pair[1], "transform", "translate", frames: frames)
      )
    }
    let edge =
      fields["edge"].map { reader.choice($0, "transform", "edge", as: EdgeMode.self) }
      ?? Located(.reflect, at: fields.location)
    guard let zoom, let rotate, let dx = translate.0, let dy = translate.1, let edge else { return nil }
    if let size = context.size {
      let limit = Double(min(size.width, size.height))
      for keyframe in zoom.keyframes where keyframe.value > limit {
        reader.error(
          "transform",
          "'zoom' \(CanonicalNumber.display(keyframe.value)) shows less than one pixel of the \(size) frame",
          at: keyframe.location)
        return nil
      }
    }
    return TransformStep(zoom: zoom, rotate: rotate, translateX: dx, translateY: dy, edge: edge)
  }

  /// `match-colors: input | image.png` or `{reference: input | image.png, strength: 0...1}`; nothing
  /// means `input`.
  func matchColors(_ node: Node, at location: SourceLocation) -> MatchColorsStep? {
    var referenceNode: Node? = node
    var strength = Schedule(constant: 1.0, at: location)
    if case .mapping = node {
      guard let fields = reader.fields(of: node, stage: "match-colors", allowed: ["reference", "strength"])
      else { return nil }
      referenceNode = fields["reference"]
      if let strengthNode = fields["strength"] {
        guard
          let checked = reader.checked(
            reader.numberSchedule(strengthNode, "match-colors", "strength", frames: context.frames),
            "match-colors", "strength", "must be 0...1", { $0 >= 0 && $0 <= 1 })
        else { return nil }
        strength = checked
      }
    }
    guard let referenceNode, !reader.isNull(referenceNode) else {
      return MatchColorsStep(reference: Located(.input, at: location), strength: strength)
    }
    if case .scalar(let scalar) = referenceNode, scalar.string == "input" {
      return MatchColorsStep(
        reference: Located(.input, at: reader.location(of: referenceNode)), strength: strength)
    }
    guard
      let image = image(
        referenceNode, "match-colors", "reference", example: "match-colors: palette.png",
        what: "colour reference image")
    else { return nil }
    return MatchColorsStep(reference: Located(.image(image.value), at: image.location), strength: strength)
  }

  // MARK: tint, clip

  func tint(_ node: Node, at location: SourceLocation) -> TintStep? {
    if case .sequence(let sequence) = node {
      guard sequence.count == 3 else {
        reader.error(
          "tint", "'tint' must be one number or [r, g, b], got a list of \(sequence.count)", at: node)
        return nil
      }
      let channels = sequence.map { reader.numberSchedule($0, "tint", "tint", frames: context.frames) }
      guard let red = channels[0], let green = channels[1], let blue = channels[2] else { return nil }
      return TintStep(red: red, green: green, blue: blue)
    }
    guard let all = reader.numberSchedule(node, "tint", "tint", frames: context.frames) else { return nil }
    return TintStep(red: all, green: all, blue: all)
  }

  func clip(_ node: Node, at location: SourceLocation) -> ClipStep? {
    if reader.isNull(node) {
      return ClipStep(low: Schedule(constant: 0, at: location), high: Schedule(constant: 255, at: location))
    }
    guard case .sequence(let sequence) = node, sequence.count == 2 else {
      reader.error(
        "clip", "'clip' must be [low, high] (or nothing for [0, 255]), got \(reader.describe(node))", at: node
      )
      return nil
    }
    let bounds = sequence.map { reader.numberSchedule($0, "clip", "clip", frames: context.frames) }
    guard let low = bounds[0], let high = bounds[1] else { return nil }
    // Both bounds are piecewise linear with breaks at keyframes: checking every keyframe suffices.
    let frames = Set(low.keyframes.map(\.frame) + high.keyframes.map(\.frame)).sorted()
    for frame in frames where low.value(atFrame: frame) >= high.value(atFrame: frame) {
      let lowText = CanonicalNumber.display(low.value(atFrame: frame))
      let highText = CanonicalNumber.display(high.value(atFrame: frame))
      let when = low.isKeyframed || high.isKeyframed ? " at frame \(frame)" : ""
      reader.error("clip", "low bound \(lowText) must be below high bound \(highText)\(when)", at: node)
      return nil
    }
    return ClipStep(low: low, high: high)
  }

  // MARK: save

  func save(_ node: Node, at location: SourceLocation, earlier: [PipelineStep]) -> SaveStep? {
    var pathNode = node
    var qualityNode: Node?
    if case .mapping = node {
      guard let fields = reader.fields(of: node, stage: "save", allowed: ["path", "quality"]) else {
        return nil
      }
      guard let value = reader.required("path", in: fields, stage: "save") else { return nil }
      pathNode = value
      qualityNode = fields["quality"]
    }
    guard let path = path(pathNode, "save", "save", example: "save: frames/{frame:04}.jpg") else {
      return nil
    }
    guard let template = template(path, node: pathNode, stage: "save") else { return nil }
    guard let format = ImageFileKind.forPath(path.value) else {
      let other = FileExtension.of(path.value)
      let shown = other.isEmpty ? "no extension" : "'.\(other)'"
      reader.error(
        "save", "unknown output format (\(shown)) for '\(path.value)'; use .png, .jpg or .jpeg",
        at: path.location)
      return nil
    }
    if let frames = context.frames, frames > 1, !template.hasFramePlaceholder {
      reader.error(
        "save",
        "path '\(path.value)' has no '{frame}' placeholder but the recipe renders \(frames) frames; "
          + "each would overwrite the last (e.g. 'frames/{frame:04}.\(FileExtension.of(path.value))')",
        at: path.location)
      return nil
    }
    for step in earlier {
      guard case .save(let save) = step.operation, save.path.value == template else { continue }
      reader.error(
        "save", "path '\(path.value)' is already written by the save step at line \(step.location.line)",
        at: path.location)
      return nil
    }
    var quality: Located<Int>?
    if let qualityNode {
      guard format == .jpeg else {
        reader.error("save", "'quality' applies to JPEG files only", at: qualityNode)
        return nil
      }
      quality = reader.checked(
        reader.int(qualityNode, "save", "quality"), "save", "quality", "must be 1...100"
      ) {
        (1...100).contains($0)
      }
      guard quality != nil else { return nil }
    } else if format == .jpeg {
      quality = Located(95, at: path.location)
    }
    return SaveStep(
      path: Located(template, at: path.location),
      resolvedPath: template.resolved(relativeTo: context.recipeDirectory), format: format, quality: quality)
  }

  /// Parses a path template, pointing at the bad placeholder when the scalar allows it.
  func template(_ path: Located<String>, node: Node, stage: String) -> PathTemplate? {
    switch PathTemplate.parse(path.value) {
    case .success(let template):
      return template
    case .failure(let problem):
      reader.error(stage, problem.message, at: reader.location(ofOffset: problem.offset, in: node))
      return nil
    }
  }
}
