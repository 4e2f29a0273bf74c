import Foundation

/// Writes small TensorFlow GraphDefs by hand (protobuf wire format, field numbers from
/// docs/graphdef-format.md) so tests can build the malformed and odd graphs they need.
struct GraphBuilder {
  private(set) var nodes: [[UInt8]] = []

  enum Attr {
    case ints([Int])
    case string(String)
    case int(Int)
    case float(Float)
    case tensor(dims: [Int], floats: [Float])
    case intTensor(dims: [Int], ints: [Int32])
    /// A float tensor whose values are a (possibly shorter) `float_val` list.
    case floatValTensor(dims: [Int], floats: [Float])
    /// A tensor of any dtype (TensorFlow's DataType number) with raw `tensor_content`.
    case rawTensor(dtype: Int, dims: [Int], content: [UInt8])
  }

  static func varint(_ v: UInt64) -> [UInt8] {
    var v = v
    var out: [UInt8] = []
    repeat {
      var byte = UInt8(v & 0x7F)
      v >>= 7
      if v != 0 { byte |= 0x80 }
      out.append(byte)
    } while v != 0
    return out
  }

  static func field(_ number: Int, bytes: [UInt8]) -> [UInt8] {
    varint(UInt64(number << 3 | 2)) + varint(UInt64(bytes.count)) + bytes
  }

  static func field(_ number: Int, varint v: UInt64) -> [UInt8] {
    varint(UInt64(number << 3)) + varint(v)
  }

  static func field(_ number: Int, float f: Float) -> [UInt8] {
    varint(UInt64(number << 3 | 5)) + withUnsafeBytes(of: f.bitPattern.littleEndian) { Array($0) }
  }

  private static func shape(_ dims: [Int]) -> [UInt8] {
    dims.flatMap { field(2, bytes: field(1, varint: UInt64($0))) }
  }

  private static func encode(_ attr: Attr) -> [UInt8] {
    switch attr {
    case .ints(let v):
      return field(1, bytes: field(3, bytes: v.flatMap { varint(UInt64(bitPattern: Int64($0))) }))
    case .string(let s): return field(2, bytes: Array(s.utf8))
    case .int(let i): return field(3, varint: UInt64(bitPattern: Int64(i)))
    case .float(let f): return field(4, float: f)
    case .tensor(let dims, let floats):
      let content = floats.flatMap { f in withUnsafeBytes(of: f.bitPattern.littleEndian) { Array($0) } }
      return field(8, bytes: field(1, varint: 1) + field(2, bytes: shape(dims)) + field(4, bytes: content))
    case .floatValTensor(let dims, let floats):
      let packed = floats.flatMap { f in withUnsafeBytes(of: f.bitPattern.littleEndian) { Array($0) } }
      return field(8, bytes: field(1, varint: 1) + field(2, bytes: shape(dims)) + field(5, bytes: packed))
    case .intTensor(let dims, let ints):
      return field(
        8,
        bytes: field(1, varint: 3) + field(2, bytes: shape(dims))
          + field(7, bytes: ints.flatMap { varint(UInt64(UInt32(bitPattern: $0))) }))
    case .rawTensor(let dtype, let dims, let content):
      return field(
        8, bytes: field(1, varint: UInt64(dtype)) + field(2, bytes: shape(dims)) + field(4, bytes: content))
    }
  }

  mutating func node(_ name: String, _ op: String, inputs: [String] = [], attrs: [String: Attr] = [:]) {
    var bytes = GraphBuilder.field(1, bytes: Array(name.utf8)) + GraphBuilder.field(2, bytes: Array(op.utf8))
    for input in inputs { bytes += GraphBuilder.field(3, bytes: Array(input.utf8)) }
    for (key, value) in attrs.sorted(by: { $0.key < $1.key }) {
      bytes += GraphBuilder.field(
        5,
        bytes: GraphBuilder.field(1, bytes: Array(key.utf8))
          + GraphBuilder.field(2, bytes: GraphBuilder.encode(value)))
    }
    nodes.append(bytes)
  }

  /// A `name` Const holding a float tensor.
  mutating func const(_ name: String, dims: [Int], _ values: [Float]) {
    node(name, "Const", attrs: ["value": .tensor(dims: dims, floats: values), "dtype": .int(1)])
  }

  /// Conv2D + BiasAdd + Relu named like the shared models (`<name>/conv`, `<name>/bias`, `<name>`).
  mutating func conv(
    _ name: String, input: String, kh: Int, kw: Int, cin: Int, cout: Int, stride: Int = 1,
    padding: String = "SAME", seed: Int = 1
  ) {
    const(
      "\(name)/weights", dims: [kh, kw, cin, cout],
      (0..<(kh * kw * cin * cout)).map { Float(($0 * 37 + seed) % 17) / 17 - 0.45 })
    const("\(name)/biases", dims: [cout], (0..<cout).map { Float($0) * 0.01 })
    node(
      "\(name)/conv", "Conv2D", inputs: [input, "\(name)/weights"],
      attrs: [
        "strides": .ints([1, stride, stride, 1]), "padding": .string(padding), "data_format": .string("NHWC"),
      ])
    node("\(name)/bias", "BiasAdd", inputs: ["\(name)/conv", "\(name)/biases"])
    node(name, "Relu", inputs: ["\(name)/bias"])
  }

  var data: Data { Data(nodes.flatMap { GraphBuilder.field(1, bytes: $0) }) }
}
