import DreamVocabulary
/// Number formatting shared by messages and parameter strings.
public enum CanonicalNumber {
  /// The canonical text of a number in parameter strings: Swift's shortest round-trip decimal
  /// (`Double.description`, identical on every platform: `1.0`, `0.7`, `1.0100000000000002`,
  /// `1e-05`), with `-0.0` written as `0.0`.
  public static func canonical(_ value: Double) -> String {
    value == 0 ? "0.0" : value.description
  }

  /// A number as a person would write it: integral values without `.0` (`2`, `0.7`).
  public static func display(_ value: Double) -> String {
    if value.rounded() == value, abs(value) < 1e15 { return String(Int(value)) }
    return value.description
  }

  /// A number for summaries: rounded to 4 decimals (`0.5333333` -> `0.5333`), then as ``display(_:)``.
  public static func short(_ value: Double) -> String {
    guard abs(value) < 1e11 else { return display(value) }
    return display((value * 10_000).rounded() / 10_000)
  }
}

/// A parameter value in canonical form. Rendering is stable across runs and platforms: object keys
/// are sorted, numbers use ``CanonicalNumber/canonical(_:)``, strings are quoted with `\` and `"`
/// escaped. The text feeds fingerprints, so changing the format invalidates every cached frame.
public indirect enum CanonicalValue: Sendable, Equatable {
  case number(Double)
  case integer(Int)
  case unsigned(UInt64)
  case text(String)
  case flag(Bool)
  case list([CanonicalValue])
  case object([String: CanonicalValue])

  /// `{a=1;b="x";c=[1,2]}`-style text.
  public var rendered: String {
    switch self {
    case .number(let value):
      return CanonicalNumber.canonical(value)
    case .integer(let value):
      return String(value)
    case .unsigned(let value):
      return String(value)
    case .text(let value):
      var escaped = ""
      for scalar in value.unicodeScalars {
        switch scalar {
        case "\\": escaped += "\\\\"
        case "\"": escaped += "\\\""
        case "\n": escaped += "\\n"
        default: escaped.unicodeScalars.append(scalar)
        }
      }
      return "\"" + escaped + "\""
    case .flag(let value):
      return value ? "true" : "false"
    case .list(let values):
      return "[" + values.map(\.rendered).joined(separator: ",") + "]"
    case .object(let fields):
      let sorted = fields.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
      let parts = sorted.compactMap { key in fields[key].map { "\(key)=\($0.rendered)" } }
      return "{" + parts.joined(separator: ";") + "}"
    }
  }
}

extension NodeOperation {
  /// The operation's fully resolved parameters as a canonical value (see ``CanonicalValue``).
  public var canonicalValue: CanonicalValue {
    switch self {
    case .load(let path, let size, let fit):
      var fields: [String: CanonicalValue] = ["path": .text(path)]
      Self.addSize(size, fit: fit, to: &fields)
      return .object(fields)
    case .videoFrame(let path, let size, let fit, let frame):
      var fields: [String: CanonicalValue] = ["path": .text(path), "frame": .integer(frame)]
      Self.addSize(size, fit: fit, to: &fields)
      return .object(fields)
    case .blend(let weight):
      return .object(["weight": .number(weight)])
    case .transform(let transforms):
      return .object(["ops": .list(transforms.map(\.canonicalValue))])
    case .dream(let dream):
      return dream.canonicalValue
    case .save(let path, let format, let quality):
      var fields: [String: CanonicalValue] = ["path": .text(path), "format": .text(format.rawValue)]
      if let quality { fields["quality"] = .integer(quality) }
      return .object(fields)
    case .video(let path, let container, let fps, let frames):
      // The frames themselves are the node's inputs (their fingerprints chain in); only their count
      // is a parameter.
      return .object([
        "path": .text(path), "container": .text(container.rawValue), "fps": .number(fps),
        "frames": .integer(frames.count),
      ])
    }
  }
}

extension NodeOperation {
  /// `size` and, unless it is `stretch` (how every frame was resized before `fit` existed), `fit`.
  static func addSize(_ size: ImageSize?, fit: FitMode?, to fields: inout [String: CanonicalValue]) {
    guard let size else { return }
    fields["size"] = .list([.integer(size.width), .integer(size.height)])
    if let fit, fit != .stretch { fields["fit"] = .text(fit.rawValue) }
  }
}

extension ResolvedTransform {
  public var canonicalValue: CanonicalValue {
    switch self {
    case .zoomFactor(let factor):
      return .object(["op": .text("zoom"), "factor": .number(factor)])
    case .zoomTrim(let top, let bottom, let left, let right):
      return .object([
        "op": .text("zoom"), "top": .integer(top), "bottom": .integer(bottom), "left": .integer(left),
        "right": .integer(right),
      ])
    case .tint(let red, let green, let blue):
      return .object(["op": .text("tint"), "r": .number(red), "g": .number(green), "b": .number(blue)])
    case .clip(let low, let high):
      return .object(["op": .text("clip"), "low": .number(low), "high": .number(high)])
    case .quantize(let mode):
      return .object(["op": .text("quantize"), "mode": .text(mode.rawValue)])
    case .affine(let zoom, let rotate, let dx, let dy, let edge):
      return .object([
        "op": .text("transform"), "zoom": .number(zoom), "rotate": .number(rotate), "dx": .number(dx),
        "dy": .number(dy), "edge": .text(edge.rawValue),
      ])
    case .matchColors(let reference, let strength):
      let written: String
      switch reference {
      case .input: written = "input"
      case .image(let image): written = image.path
      }
      return .object([
        "op": .text("match-colors"), "reference": .text(written), "strength": .number(strength),
      ])
    }
  }
}

extension ResolvedDream {
  public var canonicalValue: CanonicalValue {
    var fields: [String: CanonicalValue] = [
      "frame": .integer(frame),
      "seed": .unsigned(seed),
      "objective": .text(objective.rawValue),
      "terms": .list(
        terms.map { term in
          var termFields: [String: CanonicalValue] = ["weight": .number(term.weight)]
          switch term.layer {
          case .name(let name): termFields["layer"] = .text(name)
          case .index(let index): termFields["layer"] = .integer(index)
          }
          if let channels = term.channels {
            termFields["channels"] = .list(channels.map(CanonicalValue.integer))
          }
          return .object(termFields)
        }),
    ]
    fields["algorithm"] = .text(algorithm.name.rawValue)
    // Written only when set, so that fingerprints from before these keys stay.
    if colors != .dreamed { fields["colors"] = .text(colors.rawValue) }
    if let guide { fields["guide"] = .text(guide.path) }
    for (key, value) in algorithm.numbers {
      if let parameter = DreamSchema.parameter(key), parameter.omittedAtDefault,
        value.doubleValue == parameter.defaults[algorithm.name]
      {
        continue
      }
      fields[key] = value.canonicalValue
    }
    if let blur = algorithm.blur { fields["blur"] = .text(blur.rawValue) }
    if let quantize = algorithm.quantizeOctaves { fields["quantize-octaves"] = .flag(quantize) }
    // Written only when not the algorithm's own (fingerprints from before `normalize` stay).
    if algorithm.normalize != algorithm.name.defaultNormalize {
      fields["normalize"] = .text(algorithm.normalize.rawValue)
    }
    return .object(fields)
  }
}
