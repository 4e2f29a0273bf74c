import DreamVocabulary

/// The kinds of node in an execution plan.
public enum NodeKind: String, CaseIterable, Sendable {
  /// Reads (and resizes) the input image, the root of the plan; or one frame of a video input.
  case load
  /// Mixes a video input's frame with the previous frame's image (`feedback: {blend}`).
  case blend
  /// A run of consecutive zoom/tint/clip/quantize steps on one frame.
  case transform
  /// One dream step on one frame.
  case dream
  /// Writes one frame's image to a file.
  case save
  /// Assembles the files of one save step into a video.
  case video
}

/// One zoom, tint, clip or quantize with its parameters evaluated at the node's frame.
public enum ResolvedTransform: Sendable, Hashable {
  /// Centred crop of (width / factor) x (height / factor), resized back to the frame size.
  case zoomFactor(Double)
  /// Drop pixel rows/columns at each edge, resize back to the frame size.
  case zoomTrim(top: Int, bottom: Int, left: Int, right: Int)
  /// Add to each channel.
  case tint(red: Double, green: Double, blue: Double)
  /// Clamp each channel to low...high.
  case clip(low: Double, high: Double)
  /// Round every channel to 8 bits.
  case quantize(QuantizeMode)
  /// Zoom, rotate (degrees, counter-clockwise) and translate (pixels) about the centre, one
  /// bilinear resampling.
  case affine(zoom: Double, rotate: Double, dx: Double, dy: Double, edge: EdgeMode)
  /// Match the colour mean and covariance of `reference`, mixed in by `strength`.
  case matchColors(reference: ColorReference, strength: Double)
}

/// One objective term at a frame: the layer in effect, its weight and channel subset.
public struct ResolvedLayerTerm: Sendable, Hashable {
  public let layer: LayerReference
  public let weight: Double
  /// Channel indices, nil for all channels.
  public let channels: [Int]?
}

/// The algorithm of a dream node with its settings at the node's frame.
public struct ResolvedAlgorithm: Sendable, Hashable {
  public let name: DreamAlgorithmName
  /// Every numeric setting by ``DreamParameter/key``.
  public let numbers: [String: ParameterValue]
  /// Classic only.
  public let blur: BlurMode?
  /// Classic only.
  public let quantizeOctaves: Bool?
  public let normalize: NormalizeMode

  /// The integer setting `key` (a key the schema gives this algorithm as an integer).
  public func integer(_ key: String) -> Int {
    guard case .integer(let value) = numbers[key] else {
      preconditionFailure("dream setting '\(key)' is not an integer of the \(name.rawValue) algorithm")
    }
    return value
  }

  /// The number setting `key` (a key the schema gives this algorithm as a number).
  public func number(_ key: String) -> Double {
    guard case .number(let value) = numbers[key] else {
      preconditionFailure("dream setting '\(key)' is not a number of the \(name.rawValue) algorithm")
    }
    return value
  }
}

/// A dream step at one frame. `seed` is the recipe's seed and `frame` the frame number: the engine
/// derives the frame's random stream from both, so frames differ but every run repeats.
public struct ResolvedDream: Sendable, Hashable {
  public let terms: [ResolvedLayerTerm]
  public let objective: DreamObjective
  public let algorithm: ResolvedAlgorithm
  public let seed: UInt64
  public let frame: Int
  public let colors: DreamColors
  public let guide: ImageReference?
}

/// What a plan node does, with every parameter resolved (schedules evaluated, paths expanded and
/// resolved against the recipe's directory).
public enum NodeOperation: Sendable, Equatable {
  /// Read `path`; resize to `size` by `fit` when given.
  case load(path: String, size: ImageSize?, fit: FitMode?)
  /// Decode frame `frame` of the video at `path`; resize to `size` by `fit` when given.
  case videoFrame(path: String, size: ImageSize?, fit: FitMode?, frame: Int)
  /// `(1 - weight) x` the first input (this frame's video frame) `+ weight x` the second (the
  /// previous frame's image).
  case blend(weight: Double)
  /// Apply the transforms in order.
  case transform([ResolvedTransform])
  case dream(ResolvedDream)
  /// Write the image to `path` (JPEG `quality` 1...100, nil for PNG).
  case save(path: String, format: ImageFileKind, quality: Int?)
  /// Assemble `frames` (file paths, in frame order) into `path`.
  case video(path: String, container: VideoContainer, fps: Double, frames: [String])

  public var kind: NodeKind {
    switch self {
    case .load, .videoFrame: return .load
    case .blend: return .blend
    case .transform: return .transform
    case .dream: return .dream
    case .save: return .save
    case .video: return .video
    }
  }

  /// The image files, besides the input, that the node reads (guides, colour references).
  public var referencedImages: [ImageReference] {
    switch self {
    case .transform(let transforms):
      return transforms.compactMap {
        if case .matchColors(.image(let image), _) = $0 { return image }
        return nil
      }
    case .dream(let dream):
      return dream.guide.map { [$0] } ?? []
    case .load, .videoFrame, .blend, .save, .video:
      return []
    }
  }

  /// The file this node writes (save, video) or reads (load); nil for in-memory nodes.
  public var filePath: String? {
    switch self {
    case .load(let path, _, _), .videoFrame(let path, _, _, _), .save(let path, _, _),
      .video(let path, _, _, _):
      return path
    case .transform, .dream, .blend: return nil
    }
  }
}
