import Foundation
import SwiftProtobuf

/// One node of a TensorFlow GraphDef, reduced to what the engine reads.
struct GraphNode: Sendable {
  let name: String
  let op: String
  /// Data inputs as node names (output 0); control inputs (`^name`) are dropped.
  let inputs: [String]
  let attrs: [String: Dreamrun_Tf_AttrValue]
}

/// A constant tensor decoded from a TensorProto (floats; int tensors converted).
struct ConstTensor: Sendable {
  let dims: [Int]
  let values: [Float]
}

/// Reads a frozen GraphDef (.pb) into nodes and constants.
enum GraphDefLoader {
  static func load(contentsOf url: URL) throws(ModelError) -> (
    nodes: [GraphNode], consts: [String: ConstTensor]
  ) {
    let file = url.path
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      let reason =
        FileManager.default.fileExists(atPath: file) ? "permission denied or unreadable" : "no such file"
      throw .unreadable(file: file, reason: reason)
    }
    return try parse(data, file: file)
  }

  static func parse(_ data: Data, file: String) throws(ModelError) -> (
    nodes: [GraphNode], consts: [String: ConstTensor]
  ) {
    if data.isEmpty { throw .notAGraphDef(file: file, reason: "the file is empty") }
    let graph: Dreamrun_Tf_GraphDef
    do {
      graph = try Dreamrun_Tf_GraphDef(serializedBytes: data)
    } catch {
      throw .notAGraphDef(file: file, reason: "protobuf decoding failed: \(error)")
    }
    if graph.node.isEmpty {
      throw .notAGraphDef(file: file, reason: "no nodes found")
    }
    var nodes: [GraphNode] = []
    var consts: [String: ConstTensor] = [:]
    var seen = Set<String>()
    nodes.reserveCapacity(graph.node.count)
    for def in graph.node {
      if def.name.isEmpty || def.op.isEmpty {
        throw .notAGraphDef(file: file, reason: "a node without a name or op")
      }
      if !seen.insert(def.name).inserted { throw .duplicateNode(file: file, node: def.name) }
      var inputs: [String] = []
      for raw in def.input where !raw.hasPrefix("^") {
        let parts = raw.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 2, parts[1] != "0" {
          throw .badNode(
            file: file, node: def.name, op: def.op,
            problem: "reads output \(parts[1]) of '\(parts[0])'; only single-output ops are supported")
        }
        inputs.append(String(parts[0]))
      }
      let node = GraphNode(name: def.name, op: def.op, inputs: inputs, attrs: def.attr)
      if def.op == "Const" {
        consts[def.name] = try decodeConst(node, file: file)
      }
      nodes.append(node)
    }
    for node in nodes {
      for input in node.inputs where !seen.contains(input) {
        throw .danglingInput(file: file, node: node.name, input: input)
      }
    }
    return (nodes, consts)
  }

  /// The most elements a constant may have when it stores fewer values than its shape holds
  /// (TensorFlow repeats the last one): 2^24, 64 MiB of floats. Real models store their large
  /// tensors in full.
  static let maximumFilledElements = 1 << 24

  static func decodeConst(_ node: GraphNode, file: String) throws(ModelError) -> ConstTensor {
    guard let value = node.attrs["value"], case .tensor(let t)? = value.value else {
      throw .badNode(file: file, node: node.name, op: node.op, problem: "Const without a 'value' tensor")
    }
    var dims: [Int] = []
    for d in t.tensorShape.dim {
      guard d.size >= 0, d.size < (1 << 31) else {
        throw .badNode(file: file, node: node.name, op: node.op, problem: "bad dimension \(d.size)")
      }
      dims.append(Int(d.size))
    }
    var count = 1
    for d in dims {
      let (product, overflow) = count.multipliedReportingOverflow(by: d)
      guard !overflow, product < (1 << 31) else {
        throw .badNode(file: file, node: node.name, op: node.op, problem: "tensor too large")
      }
      count = product
    }
    func expand(_ values: [Float]) throws(ModelError) -> [Float] {
      if values.count == count { return values }
      // What a file stores is bounded by its size; what it asks to fill in is not, so a few
      // bytes must not become gigabytes.
      guard count <= Self.maximumFilledElements else {
        throw .badNode(
          file: file, node: node.name, op: node.op,
          problem: "shape \(dims) asks for \(count) values from \(values.count) stored (at most "
            + "\(Self.maximumFilledElements) are filled in); the model is damaged or not an image network")
      }
      // A `*_val` list shorter than the shape repeats its last value.
      guard let last = values.last, values.count < count else {
        if count == 0 { return [] }
        throw .badNode(
          file: file, node: node.name, op: node.op,
          problem: "\(values.count) values for shape \(dims)")
      }
      return values + [Float](repeating: last, count: count - values.count)
    }
    switch t.dtype {
    case .dtFloat:
      if !t.tensorContent.isEmpty {
        guard t.tensorContent.count == count * 4 else {
          throw .badNode(
            file: file, node: node.name, op: node.op,
            problem: "tensor_content has \(t.tensorContent.count) bytes for shape \(dims)")
        }
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBytes { dst in
          t.tensorContent.withUnsafeBytes { src in dst.copyMemory(from: src) }
        }
        return ConstTensor(
          dims: dims, values: values.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) })
      }
      return ConstTensor(dims: dims, values: try expand(t.floatVal))
    case .dtInt32:
      if !t.tensorContent.isEmpty {
        guard t.tensorContent.count == count * 4 else {
          throw .badNode(file: file, node: node.name, op: node.op, problem: "bad int32 tensor_content size")
        }
        let ints = t.tensorContent.withUnsafeBytes { raw in
          (0..<count).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self)) }
        }
        return ConstTensor(dims: dims, values: ints.map { Float($0) })
      }
      return ConstTensor(dims: dims, values: try expand(t.intVal.map { Float($0) }))
    case .dtInt64:
      return ConstTensor(dims: dims, values: try expand(t.int64Val.map { Float($0) }))
    case .dtDouble:
      return ConstTensor(dims: dims, values: try expand(t.doubleVal.map { Float($0) }))
    case .dtInvalid, .dtUint8, .dtInt16, .dtInt8, .dtString, .dtBool, .UNRECOGNIZED:
      // Constants the engine never reads (e.g. in a classifier head); kept as empty.
      return ConstTensor(dims: dims, values: [])
    }
  }
}

extension GraphNode {
  func ints(_ key: String) -> [Int]? {
    guard case .list(let list)? = attrs[key]?.value else { return nil }
    return list.i.map { Int($0) }
  }

  func string(_ key: String) -> String? {
    guard case .s(let bytes)? = attrs[key]?.value else { return nil }
    return String(decoding: bytes, as: UTF8.self)
  }

  func int(_ key: String) -> Int? {
    guard case .i(let v)? = attrs[key]?.value else { return nil }
    return Int(v)
  }

  func float(_ key: String) -> Float? {
    guard case .f(let v)? = attrs[key]?.value else { return nil }
    return v
  }
}
