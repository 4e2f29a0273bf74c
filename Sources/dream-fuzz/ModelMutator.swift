/// Mutates frozen GraphDef `.pb` files.
///
/// Small models get everything: structure-aware edits through `WireMessage` (numbers such as
/// shape dimensions, strides and data types set to boundary values; fields removed, duplicated
/// or swapped; strings and tensors cut) and byte damage. A large model (the real googlenet.pb)
/// gets only cheap, local damage: byte flips in its first KiB, a truncation, or a 4-8 byte
/// overwrite, and now and then one number edit.
struct ModelMutator {
  /// Models above this size are treated as large.
  static let smallModelLimit = 1 << 20

  /// Values for varint fields; negative int64 values are 10-byte varints on the wire.
  static let varints: [UInt64] = [
    0, 1, 2, 3, 4, 7, 255, 256, 65535, 65536, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 1 << 32, 1 << 40,
    1 << 62, UInt64(Int64.max), UInt64(bitPattern: Int64.min), UInt64.max, UInt64(bitPattern: -2),
  ]

  func mutate(_ input: [UInt8], random: inout SplitMix64) -> (bytes: [UInt8], notes: [String]) {
    var bytes = input
    var notes: [String] = []
    let isLarge = input.count > Self.smallModelLimit
    let count = random.pick([1, 1, 2, 3])
    for _ in 0..<count {
      let note: String?
      if isLarge {
        note =
          random.chance(0.25)
          ? structuralEdit(&bytes, random: &random) : largeModelDamage(&bytes, random: &random)
      } else {
        note =
          random.chance(0.7)
          ? structuralEdit(&bytes, random: &random) : ImageMutator.damage(&bytes, random: &random)
      }
      if let note { notes.append(note) }
    }
    return (bytes, notes)
  }

  /// The cheap edits the brief allows on a big real model.
  private func largeModelDamage(_ bytes: inout [UInt8], random: inout SplitMix64) -> String? {
    guard !bytes.isEmpty else { return nil }
    switch random.below(3) {
    case 0:
      var flipped: [Int] = []
      for _ in 0..<random.inRange(1...8) {
        let offset = random.below(min(1024, bytes.count))
        bytes[offset] ^= UInt8(1) << UInt8(random.below(8))
        flipped.append(offset)
      }
      return "flipped bits at bytes \(flipped.map(String.init).joined(separator: ", "))"
    case 1:
      let length = random.below(bytes.count)
      bytes.removeSubrange(length...)
      return "truncated to \(length) bytes"
    default:
      let count = random.inRange(4...8)
      let offset = random.below(max(1, bytes.count - count))
      for index in offset..<min(offset + count, bytes.count) { bytes[index] = random.byte() }
      return "overwrote \(count) bytes at \(offset)"
    }
  }

  /// One edit of the parsed message tree (falls back to byte damage when the file isn't one).
  private func structuralEdit(_ bytes: inout [UInt8], random: inout SplitMix64) -> String? {
    guard var message = WireMessage(parsing: bytes[...]), !message.fields.isEmpty else {
      return ImageMutator.damage(&bytes, random: &random)
    }
    let note: String?
    switch random.below(6) {
    case 0, 1, 2:
      let paths = message.paths { if case .varint = $0.value { return true } else { return false } }
      guard !paths.isEmpty else { return nil }
      let path = random.pick(paths)
      let value = Self.varints[random.below(Self.varints.count)]
      var old: UInt64 = 0
      message.editSiblings(of: path) { fields, index in
        if case .varint(let current) = fields[index].value { old = current }
        fields[index].value = .varint(value)
      }
      note = "varint field at \(Self.describe(path, in: message)): \(old) -> \(Int64(bitPattern: value))"
    case 3:
      let path = random.pick(message.paths { _ in true })
      let fieldSize = message.field(at: path).map { WireMessage(fields: [$0]).serialized().count } ?? 0
      let copies = fieldSize > 4096 ? 1 : random.pick([1, 1, 2, 1000])
      message.editSiblings(of: path) { fields, index in
        fields.insert(contentsOf: Array(repeating: fields[index], count: copies), at: index + 1)
      }
      note = "duplicated field \(Self.describe(path, in: message)) x\(copies)"
    case 4:
      let path = random.pick(message.paths { _ in true })
      let described = Self.describe(path, in: message)
      if random.chance(0.5) {
        message.editSiblings(of: path) { fields, index in fields.remove(at: index) }
        note = "removed field \(described)"
      } else {
        var other = 0
        message.editSiblings(of: path) { fields, index in
          other = random.below(fields.count)
          fields.swapAt(index, other)
        }
        note = "swapped field \(described) with sibling #\(other)"
      }
    default:
      let paths = message.paths { if case .bytes = $0.value { return true } else { return false } }
      guard !paths.isEmpty else { return nil }
      let path = random.pick(paths)
      var detail = ""
      message.editSiblings(of: path) { fields, index in
        guard case .bytes(var payload) = fields[index].value else { return }
        if random.chance(0.5) || payload.isEmpty {
          payload += payload.isEmpty ? [0x41] : payload
          detail = "doubled to \(payload.count) bytes"
        } else {
          let length = random.below(payload.count)
          payload.removeSubrange(length...)
          detail = "cut to \(length) bytes"
        }
        fields[index].value = .bytes(payload)
      }
      note = "bytes field \(Self.describe(path, in: message)) \(detail)"
    }
    bytes = message.serialized()
    return note
  }

  /// `node[12].attr[2].value.shape.dim[1].size`-like text for a path, using field numbers
  /// (GraphDef: node = 1; NodeDef: name 1, op 2, input 3, attr 5), plus the node's name.
  static func describe(_ path: [Int], in message: WireMessage) -> String {
    var parts: [String] = []
    var current: WireMessage? = message
    for index in path {
      guard let fields = current?.fields, fields.indices.contains(index) else { break }
      let field = fields[index]
      var part = "#\(field.number)[\(index)]"
      if case .message(let nested) = field.value {
        if let nameField = nested.fields.first(where: { $0.number == 1 }),
          case .bytes(let name) = nameField.value,
          name.count < 80, name.allSatisfy({ (0x20...0x7E).contains($0) })
        {
          part += "(\(String(decoding: name, as: UTF8.self)))"
        }
        current = nested
      } else {
        current = nil
      }
      parts.append(part)
    }
    return parts.joined(separator: ".")
  }
}
