#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What ``ImageOps/affine(_:zoom:rotateDegrees:dx:dy:edge:)`` reads where its source position
/// falls outside the image.
public enum ResampleEdge: Sendable, Equatable {
  /// Mirror at the edges (edge pixels repeated: ... 2 1 0 | 0 1 2 ... w-1 | w-1 w-2 ...).
  case reflect
  /// The nearest edge pixel.
  case clamp
}

extension ImageOps {
  /// Zooms by `zoom` (> 0; above 1 enlarges), rotates by `rotateDegrees` counter-clockwise as
  /// seen, about the image centre, and moves the content `dx` pixels right and `dy` down: one
  /// bilinear resampling, output the same size.
  ///
  /// Output pixel centre q (pixel (x, y) covers x...x+1, centre c = (width / 2, height / 2)) reads
  /// the input at c + R(-angle) (q - c - (dx, dy)) / zoom, in the same coordinates. Angles that
  /// are multiples of 90 degrees use exact sines, so four quarter turns of a square image give it
  /// back bit for bit.
  public func affine(
    _ image: RGBImage, zoom: Double, rotateDegrees: Double, dx: Double, dy: Double, edge: ResampleEdge
  ) throws -> RGBImage {
    guard zoom.isFinite, zoom > 0, rotateDegrees.isFinite, dx.isFinite, dy.isFinite else {
      throw ImageOpError.invalidTransform(zoom: zoom, rotate: rotateDegrees, dx: dx, dy: dy)
    }
    let w = image.width
    let h = image.height
    guard w > 0, h > 0 else { return image }
    let (sine, cosine) = Self.exactSineCosine(degrees: rotateDegrees)
    let cx = Double(w) / 2
    let cy = Double(h) / 2
    let rowLength = w * 3
    func index(_ i: Int, _ n: Int) -> Int {
      switch edge {
      case .clamp: return min(max(i, 0), n - 1)
      case .reflect:
        let period = 2 * n
        let m = ((i % period) + period) % period
        return m < n ? m : period - 1 - m
      }
    }
    let pixels = image.pixels.withUnsafeBufferPointer { src in
      let input = UncheckedSendable(src)
      return rows.makeArray(rows: h, rowLength: rowLength) { range, out in
        for y in range {
          let qy = Double(y) + 0.5 - cy - dy
          for x in 0..<w {
            let qx = Double(x) + 0.5 - cx - dx
            // R(-angle) for counter-clockwise-as-seen in y-down coordinates.
            let sx = (cosine * qx - sine * qy) / zoom + cx - 0.5
            let sy = (sine * qx + cosine * qy) / zoom + cy - 0.5
            let x0 = Int(sx.rounded(.down))
            let y0 = Int(sy.rounded(.down))
            let fx = Float(sx - Double(x0))
            let fy = Float(sy - Double(y0))
            let left = index(x0, w) * 3
            let right = index(x0 + 1, w) * 3
            let top = index(y0, h) * rowLength
            let bottom = index(y0 + 1, h) * rowLength
            let o = y * rowLength + x * 3
            for c in 0..<3 {
              let upper = input.value[top + left + c] * (1 - fx) + input.value[top + right + c] * fx
              let lower = input.value[bottom + left + c] * (1 - fx) + input.value[bottom + right + c] * fx
              out[o + c] = upper * (1 - fy) + lower * fy
            }
          }
        }
      }
    }
    return RGBImage(width: w, height: h, pixels: pixels)
  }

  /// sin and cos of an angle in degrees, exact at multiples of 90.
  static func exactSineCosine(degrees: Double) -> (Double, Double) {
    let turns = degrees / 90
    if turns == turns.rounded() {
      switch ((Int(turns) % 4) + 4) % 4 {
      case 0: return (0, 1)
      case 1: return (1, 0)
      case 2: return (0, -1)
      default: return (-1, 0)
      }
    }
    let radians = degrees * .pi / 180
    return (sin(radians), cos(radians))
  }
}
