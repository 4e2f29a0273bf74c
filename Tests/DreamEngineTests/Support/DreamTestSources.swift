import DreamVocabulary
import DreamEngine

struct DreamTestSourceTooSmall: Error {}

/// loss = mean over pixels of y^2 with the conv-like linear map
/// y(x, y) = sum_c a_c * img(x, y, c) + sum_c b_c * img(x + 1, y, c) (the right neighbour, 0 past
/// the edge). Exact gradient: d loss / d img(x, y, c) = 2 / N * (a_c * y(x, y) + b_c * y(x - 1, y)).
/// Records every input size it is called with.
final class DreamLinearFilterSource: GradientSource {
  let minimumInputSize: Int
  let a: [Float] = [0.5, -0.3, 0.2]
  let b: [Float] = [-0.4, 0.1, 0.3]
  private(set) var calls: [ImageSize] = []

  init(minimumInputSize: Int = 1) { self.minimumInputSize = minimumInputSize }

  func response(_ image: RGBImage) -> [Float] {
    var out = [Float](repeating: 0, count: image.pixelCount)
    for y in 0..<image.height {
      for x in 0..<image.width {
        var v: Float = 0
        for c in 0..<3 {
          v += a[c] * image[x, y, c]
          if x + 1 < image.width { v += b[c] * image[x + 1, y, c] }
        }
        out[y * image.width + x] = v
      }
    }
    return out
  }

  func loss(of image: RGBImage) -> Float {
    let r = response(image)
    return r.reduce(0) { $0 + $1 * $1 } / Float(r.count)
  }

  func lossAndGradient(of image: RGBImage) throws -> (loss: Float, gradient: RGBImage) {
    calls.append(ImageSize(width: image.width, height: image.height))
    guard image.width >= minimumInputSize, image.height >= minimumInputSize else {
      throw DreamTestSourceTooSmall()
    }
    let r = response(image)
    let scale = 2 / Float(r.count)
    var g = RGBImage(width: image.width, height: image.height)
    for y in 0..<image.height {
      for x in 0..<image.width {
        for c in 0..<3 {
          var v = a[c] * r[y * image.width + x]
          if x >= 1 { v += b[c] * r[y * image.width + x - 1] }
          g[x, y, c] = scale * v
        }
      }
    }
    return (r.reduce(0) { $0 + $1 * $1 } / Float(r.count), g)
  }
}

/// loss = mean(img^2) / 2 over all values: gradient = img / (3 * width * height), pointwise, so a
/// tile's gradient does not depend on the region around it.
final class DreamPointwiseSource: GradientSource {
  let minimumInputSize: Int
  private(set) var calls: [ImageSize] = []

  init(minimumInputSize: Int = 1) { self.minimumInputSize = minimumInputSize }

  func lossAndGradient(of image: RGBImage) throws -> (loss: Float, gradient: RGBImage) {
    calls.append(ImageSize(width: image.width, height: image.height))
    guard image.width >= minimumInputSize, image.height >= minimumInputSize else {
      throw DreamTestSourceTooSmall()
    }
    let n = Float(image.pixels.count)
    var g = image
    var loss: Float = 0
    for i in g.pixels.indices {
      loss += image.pixels[i] * image.pixels[i] / (2 * n)
      g.pixels[i] = image.pixels[i] / n
    }
    return (loss, g)
  }
}
