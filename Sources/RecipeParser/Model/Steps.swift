import DreamVocabulary

/// The kinds of step a recipe can contain, as written in `steps:`.
public enum StepKind: String, CaseIterable, Sendable {
  case load, zoom, transform, tint, clip, quantize, dream, save, video
  case matchColors = "match-colors"
}

/// An image file a step reads besides the input (`guide:`, `match-colors:`).
public struct ImageReference: Sendable, Hashable {
  /// The path as written (relative to the recipe file); what parameter strings carry.
  public let path: String
  /// `path` resolved against the recipe's directory.
  public let resolvedPath: String

  public init(path: String, resolvedPath: String) {
    self.path = path
    self.resolvedPath = resolvedPath
  }
}

/// `load: path` — reads the input image once, before the frame loop; or, for a video, frame i of
/// the video for frame i of the recipe.
public struct LoadStep: Sendable, Equatable {
  /// The path as written (relative to the recipe file).
  public let path: Located<String>
  /// `path` resolved against the recipe's directory.
  public let resolvedPath: String
  /// What the video holds, when the input is a video (probed while parsing).
  public let video: VideoInfo?
}

/// `zoom:` — crop, then resize back to the frame size.
public enum ZoomStep: Sendable, Equatable {
  /// `factor: 1.02` — a centred crop of (width / factor) x (height / factor), resized back.
  /// A factor below 1 zooms out.
  case factor(Schedule<Double>)
  /// `trim: {top, bottom, left, right}` — drop that many pixel rows/columns at each edge, resize back.
  case trim(ZoomTrim)
}

/// Per-edge pixel trims of a zoom (each not negative).
public struct ZoomTrim: Sendable, Equatable {
  public let top: Schedule<Int>
  public let bottom: Schedule<Int>
  public let left: Schedule<Int>
  public let right: Schedule<Int>
}

/// What `transform` samples where its source position falls outside the frame.
public enum EdgeMode: String, CaseIterable, Sendable {
  /// Mirror the frame at its edges (no visible seam for small motions; the default).
  case reflect
  /// Repeat the edge pixel (streaks where rotation uncovers a corner).
  case clamp
}

/// `transform:` — zoom, rotation and translation about the frame's centre in one bilinear
/// resampling per frame.
public struct TransformStep: Sendable, Equatable {
  /// Scale factor (> 0; above 1 zooms in).
  public let zoom: Schedule<Double>
  /// Degrees, counter-clockwise as seen.
  public let rotate: Schedule<Double>
  /// Pixels the content moves right and down.
  public let translateX: Schedule<Double>
  public let translateY: Schedule<Double>
  public let edge: Located<EdgeMode>
}

/// The colour statistics `match-colors` matches each frame to.
public enum ColorReference: Sendable, Hashable {
  /// The loaded input at the frame size (what frame 0 starts from).
  case input
  /// Another image file (at its own size).
  case image(ImageReference)
}

/// `match-colors:` — an affine colour transform that gives each frame the mean and covariance of
/// the reference's colours, mixed with the frame by `strength`.
public struct MatchColorsStep: Sendable, Equatable {
  public let reference: Located<ColorReference>
  /// 0...1: 0 leaves the frame, 1 matches it fully.
  public let strength: Schedule<Double>
}

/// `tint:` — adds a value to each channel (R, G, B).
public struct TintStep: Sendable, Equatable {
  public let red: Schedule<Double>
  public let green: Schedule<Double>
  public let blue: Schedule<Double>
}

/// `clip: [low, high]` — clamps every channel value to `low...high` (default `0...255`).
public struct ClipStep: Sendable, Equatable {
  public let low: Schedule<Double>
  public let high: Schedule<Double>
}

/// How `quantize` maps a float channel value to 8 bits (after clamping to 0...255).
public enum QuantizeMode: String, CaseIterable, Sendable {
  /// Drop the fraction, as the seed's `astype(uint8)` does.
  case truncate
  /// Round to the nearest integer, halves up.
  case round
}

/// `quantize: truncate|round` — rounds the frame to 8-bit values (kept as floats).
public struct QuantizeStep: Sendable, Equatable {
  public let mode: Located<QuantizeMode>
}

/// `save:` — writes the current image of each frame.
public struct SaveStep: Sendable, Equatable {
  /// The path template as written (relative to the recipe file).
  public let path: Located<PathTemplate>
  /// The template resolved against the recipe's directory.
  public let resolvedPath: PathTemplate
  /// Chosen by the extension: `.png` or `.jpg`/`.jpeg`.
  public let format: ImageFileKind
  /// JPEG quality 1...100 (default 95); nil for PNG.
  public let quality: Located<Int>?
}

/// `video:` — assembles the frames written by one `save` step, once all frames are rendered.
public struct VideoStep: Sendable, Equatable {
  /// The output path as written (relative to the recipe file).
  public let path: Located<String>
  public let resolvedPath: String
  /// Chosen by the extension: `.avi` (Motion JPEG) or `.mp4` (H.264).
  public let container: VideoContainer
  /// Frames per second (default: a video input's rate, else 24).
  public let fps: Located<Double>
  /// Index into ``Recipe/pipeline`` of the `save` step whose frames make the video.
  public let sourceStep: Int
  /// 1-based position in the recipe's `steps:` list.
  public let number: Int
  /// The path was written without an extension and `container` was chosen by the caller (.mp4
  /// where ffmpeg is installed, else .avi); `path` has the extension added.
  public let automaticContainer: Bool
}

/// A per-frame step of the pipeline.
public enum PipelineOperation: Sendable, Equatable {
  case zoom(ZoomStep)
  case transform(TransformStep)
  case matchColors(MatchColorsStep)
  case tint(TintStep)
  case clip(ClipStep)
  case quantize(QuantizeStep)
  case dream(DreamStep)
  case save(SaveStep)

  /// The step kind as written in the recipe.
  public var kind: StepKind {
    switch self {
    case .zoom: return .zoom
    case .transform: return .transform
    case .matchColors: return .matchColors
    case .tint: return .tint
    case .clip: return .clip
    case .quantize: return .quantize
    case .dream: return .dream
    case .save: return .save
    }
  }
}

/// A per-frame step with where it was written.
public struct PipelineStep: Sendable, Equatable {
  public let operation: PipelineOperation
  /// Where the step's kind key was written.
  public let location: SourceLocation
  /// 1-based position in the recipe's `steps:` list (`load` is step 1).
  public let number: Int
}
