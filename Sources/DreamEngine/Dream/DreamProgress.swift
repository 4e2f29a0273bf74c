import DreamVocabulary

/// A width and height in pixels.

/// Where a dream run is, reported after every iteration (for a live progress line).
public struct DreamProgress: Sendable, Equatable {
  /// 1-based octave in processing order: 1 is the smallest image, `octaveCount` the full size.
  public var octave: Int
  public var octaveCount: Int
  /// Iterations finished at this octave (1...iterationCount).
  public var iteration: Int
  public var iterationCount: Int
  /// Size of the image being dreamed at this octave.
  public var size: ImageSize
  /// The objective before this iteration's step: the tiles' losses weighted by their share of
  /// the image area.
  public var loss: Float

  public init(
    octave: Int, octaveCount: Int, iteration: Int, iterationCount: Int, size: ImageSize, loss: Float
  ) {
    self.octave = octave
    self.octaveCount = octaveCount
    self.iteration = iteration
    self.iterationCount = iterationCount
    self.size = size
    self.loss = loss
  }
}

/// Thrown by `Dreamer.run` when `shouldStop` returned true (checked before every tile gradient).
public struct DreamCancelled: Error, Equatable, CustomStringConvertible {
  public init() {}
  public var description: String { "dream: cancelled before the image was finished" }
}

/// A user mistake in a dream's parameters or input. The caller prefixes the recipe location.
public enum DreamError: Error, Equatable, CustomStringConvertible {
  /// A parameter out of its range.
  case invalidParameter(name: String, value: String, expected: String)
  /// An octave (or the image) is smaller than the gradient source accepts.
  case imageTooSmall(level: DreamLevel, size: ImageSize, minimum: Int)

  public var description: String {
    switch self {
    case .invalidParameter(let name, let value, let expected):
      return "dream: \(name) \(value) is out of range; expected \(expected)"
    case .imageTooSmall(let level, let size, let minimum):
      let problem =
        size.width < 1 || size.height < 1
        ? "an empty image" : "below the model's minimum input of \(minimum)x\(minimum)"
      let advice: String
      switch level {
      case .rescaled(0): advice = "use a larger image"
      case .rescaled: advice = "use fewer repeats, a larger rescale factor or a larger image"
      case .octave: advice = "use fewer octaves, a smaller octave-scale or a larger image"
      }
      return "dream: \(level) would be \(size) pixels, \(problem); \(advice)"
    }
  }
}

/// Which of a dream's image sizes a message is about.
public enum DreamLevel: Equatable, Sendable, CustomStringConvertible {
  /// The classic algorithm's image after `n` rescales (0: the image itself).
  case rescaled(Int)
  /// The octave algorithm's octave `n`, 1 being the smallest (dreamed first).
  case octave(Int)

  public var description: String {
    switch self {
    case .rescaled(0): return "the image"
    case .rescaled(let n): return "repeat \(n) (the image scaled by 'rescale' \(n) time\(n == 1 ? "" : "s"))"
    case .octave(let n): return "octave \(n)"
    }
  }
}
