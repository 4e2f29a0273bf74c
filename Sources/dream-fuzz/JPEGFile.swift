/// JPEG structure: SOI, then marker segments (0xFF, marker, 16-bit length incl. itself, data)
/// up to SOS, then entropy-coded data and EOI.
enum JPEGFile {
  struct Segment {
    let offset: Int
    let marker: UInt8
    /// The length field's value (bytes after the marker, including the length itself).
    let length: Int

    var end: Int { offset + 2 + length }
    var isFrameHeader: Bool { (0xC0...0xCF).contains(marker) && ![0xC4, 0xC8, 0xCC].contains(marker) }
  }

  /// The segments up to and including the first SOS.
  static func segments(_ bytes: [UInt8]) -> [Segment] {
    var segments: [Segment] = []
    var offset = 2
    while offset + 4 <= bytes.count, bytes[offset] == 0xFF,
      let length = BigEndian.read16(bytes, at: offset + 2)
    {
      let segment = Segment(offset: offset, marker: bytes[offset + 1], length: Int(length))
      guard segment.end <= bytes.count, length >= 2 else { break }
      segments.append(segment)
      if segment.marker == 0xDA { break }
      offset = segment.end
    }
    return segments
  }

  static func mutate(_ bytes: inout [UInt8], random: inout SplitMix64) -> String? {
    let segments = segments(bytes)
    guard !segments.isEmpty else { return ImageMutator.damage(&bytes, random: &random) }
    let frame = segments.first { $0.isFrameHeader && $0.length >= 8 }
    switch random.below(7) {
    case 0, 1:
      guard let frame else { return nil }
      let field = random.below(2)  // SOF: length(2) precision(1) height(2) width(2) components(1)
      let value = UInt16(truncatingIfNeeded: random.pick(ImageMutator.dimensions))
      BigEndian.write16(value, into: &bytes, at: frame.offset + 5 + 2 * field)
      return "SOF \(field == 0 ? "height" : "width") = \(value)"
    case 2:
      guard let frame, frame.length >= 8 else { return nil }
      let value = random.pick([0, 1, 2, 4, 5, 255] as [UInt8])
      let which = random.below(3)
      let offsets = [frame.offset + 4, frame.offset + 9, frame.offset + 11]  // precision, count, sampling
      guard offsets[which] < bytes.count else { return nil }
      bytes[offsets[which]] = which == 2 ? random.byte() : value
      return
        "SOF \(["precision", "component count", "first sampling factors"][which]) = \(bytes[offsets[which]])"
    case 3:
      let segment = random.pick(segments)
      let copies = random.pick([1, 1, 2, 100])
      let slice = Array(bytes[segment.offset..<segment.end])
      bytes.insert(contentsOf: Array(repeating: slice, count: copies).joined(), at: segment.end)
      return "duplicated segment 0xFF\(String(segment.marker, radix: 16, uppercase: true)) x\(copies)"
    case 4:
      let segment = random.pick(segments)
      bytes.removeSubrange(segment.offset..<segment.end)
      return "removed segment 0xFF\(String(segment.marker, radix: 16, uppercase: true))"
    case 5:
      let segment = random.pick(segments)
      let value = random.pick(
        [0, 1, 2, 3, 0xFFFF, UInt16(truncatingIfNeeded: segment.length + 1)] as [UInt16])
      BigEndian.write16(value, into: &bytes, at: segment.offset + 2)
      return "segment 0xFF\(String(segment.marker, radix: 16, uppercase: true)) length = \(value)"
    default:
      guard let scan = segments.last, scan.marker == 0xDA, scan.end < bytes.count else { return nil }
      let originalCount = bytes.count
      let cut = scan.end + random.below(originalCount - scan.end)
      bytes.removeSubrange(cut...)
      return "cut the scan data at byte \(cut) of \(originalCount)"
    }
  }
}
