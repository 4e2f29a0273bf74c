/// A protocol-buffer message as its wire format, without a schema: enough to edit a GraphDef's
/// numbers (shape dimensions, attribute ints, data types) and fields and write it back.
///
/// A length-delimited field is taken for a nested message only when it parses completely *and*
/// writing it back gives the same bytes, so unmutated parts of a file survive byte for byte.
struct WireMessage: Equatable {
  var fields: [WireField]

  /// Nesting deeper than this is kept as bytes (GraphDefs nest about 8 deep).
  static let maximumDepth = 12

  init(fields: [WireField]) {
    self.fields = fields
  }

  /// Parses `bytes` as a message, or returns nil when they are not one.
  init?(parsing bytes: ArraySlice<UInt8>, depth: Int = 0) {
    var reader = WireReader(bytes: bytes)
    var fields: [WireField] = []
    while !reader.isAtEnd {
      guard let key = reader.varint(), key >> 3 > 0, key >> 3 < (1 << 29) else { return nil }
      let number = Int(key >> 3)
      switch key & 7 {
      case 0:
        guard let value = reader.varint() else { return nil }
        fields.append(WireField(number: number, value: .varint(value)))
      case 1:
        guard let value = reader.take(8) else { return nil }
        fields.append(WireField(number: number, value: .fixed64(Array(value))))
      case 2:
        guard let length = reader.varint(), length <= UInt64(reader.remaining),
          let payload = reader.take(Int(length))
        else { return nil }
        if depth < Self.maximumDepth, !payload.isEmpty,
          let nested = WireMessage(parsing: payload, depth: depth + 1),
          nested.serialized().elementsEqual(payload)
        {
          fields.append(WireField(number: number, value: .message(nested)))
        } else {
          fields.append(WireField(number: number, value: .bytes(Array(payload))))
        }
      case 5:
        guard let value = reader.take(4) else { return nil }
        fields.append(WireField(number: number, value: .fixed32(Array(value))))
      default:
        return nil
      }
    }
    self.fields = fields
  }

  func serialized() -> [UInt8] {
    var out: [UInt8] = []
    append(to: &out)
    return out
  }

  private func append(to out: inout [UInt8]) {
    for field in fields {
      switch field.value {
      case .varint(let value):
        WireWriter.varint(UInt64(field.number) << 3, to: &out)
        WireWriter.varint(value, to: &out)
      case .fixed64(let bytes), .fixed32(let bytes):
        WireWriter.varint(UInt64(field.number) << 3 | (bytes.count == 8 ? 1 : 5), to: &out)
        out += bytes
      case .bytes(let bytes):
        WireWriter.varint(UInt64(field.number) << 3 | 2, to: &out)
        WireWriter.varint(UInt64(bytes.count), to: &out)
        out += bytes
      case .message(let message):
        let payload = message.serialized()
        WireWriter.varint(UInt64(field.number) << 3 | 2, to: &out)
        WireWriter.varint(UInt64(payload.count), to: &out)
        out += payload
      }
    }
  }

  /// Paths (field indices from the root) to every field satisfying `predicate`, depth first.
  func paths(where predicate: (WireField) -> Bool) -> [[Int]] {
    var result: [[Int]] = []
    for (index, field) in fields.enumerated() {
      if predicate(field) { result.append([index]) }
      if case .message(let nested) = field.value {
        result += nested.paths(where: predicate).map { [index] + $0 }
      }
    }
    return result
  }

  /// The field at `path`.
  func field(at path: [Int]) -> WireField? {
    guard let first = path.first, fields.indices.contains(first) else { return nil }
    if path.count == 1 { return fields[first] }
    guard case .message(let nested) = fields[first].value else { return nil }
    return nested.field(at: Array(path.dropFirst()))
  }

  /// Applies `edit` to the list of fields that holds the field at `path` (with its index), so
  /// the edit can replace, remove, duplicate or reorder siblings.
  mutating func editSiblings(of path: [Int], _ edit: (inout [WireField], Int) -> Void) {
    guard let first = path.first, fields.indices.contains(first) else { return }
    if path.count == 1 {
      edit(&fields, first)
      return
    }
    guard case .message(var nested) = fields[first].value else { return }
    nested.editSiblings(of: Array(path.dropFirst()), edit)
    fields[first].value = .message(nested)
  }
}

/// One field: its number and value (the wire type follows from the value).
struct WireField: Equatable {
  var number: Int
  var value: WireValue
}

enum WireValue: Equatable {
  case varint(UInt64)
  case fixed64([UInt8])
  case fixed32([UInt8])
  case bytes([UInt8])
  case message(WireMessage)
}

/// Reads varints and byte runs from a slice, failing (nil) instead of reading past its end.
struct WireReader {
  private let bytes: ArraySlice<UInt8>
  private var position: Int

  init(bytes: ArraySlice<UInt8>) {
    self.bytes = bytes
    position = bytes.startIndex
  }

  var isAtEnd: Bool { position >= bytes.endIndex }
  var remaining: Int { bytes.endIndex - position }

  mutating func varint() -> UInt64? {
    var value: UInt64 = 0
    var shift: UInt64 = 0
    while position < bytes.endIndex, shift < 64 {
      let byte = bytes[position]
      position += 1
      value |= UInt64(byte & 0x7F) << shift
      if byte & 0x80 == 0 { return value }
      shift += 7
    }
    return nil
  }

  mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
    guard count >= 0, count <= remaining else { return nil }
    defer { position += count }
    return bytes[position..<position + count]
  }
}

enum WireWriter {
  static func varint(_ value: UInt64, to out: inout [UInt8]) {
    var rest = value
    while rest >= 0x80 {
      out.append(UInt8(rest & 0x7F) | 0x80)
      rest >>= 7
    }
    out.append(UInt8(rest))
  }
}
