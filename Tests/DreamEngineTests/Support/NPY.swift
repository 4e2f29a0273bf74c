import Foundation

/// Reads little-endian float32 C-order `.npy` files (the reference tensors' format).
enum NPY {
  struct Array {
    let shape: [Int]
    let values: [Float]
  }

  enum Failure: Error, CustomStringConvertible {
    case bad(String, String)
    var description: String {
      switch self {
      case .bad(let file, let why): return "\(file): \(why)"
      }
    }
  }

  static func read(_ url: URL) throws -> Array {
    let data = try Data(contentsOf: url)
    let bytes = [UInt8](data)
    guard bytes.count > 10, bytes[0] == 0x93, String(decoding: bytes[1..<6], as: UTF8.self) == "NUMPY" else {
      throw Failure.bad(url.path, "not an .npy file")
    }
    let major = bytes[6]
    let headerLength: Int
    let headerStart: Int
    if major == 1 {
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
      headerStart = 10
    } else {
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
      headerStart = 12
    }
    let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
    guard header.contains("'descr': '<f4'"), header.contains("'fortran_order': False") else {
      throw Failure.bad(url.path, "expected <f4 C-order, header \(header)")
    }
    guard let open = header.range(of: "'shape': ("),
      let close = header[open.upperBound...].firstIndex(of: ")")
    else { throw Failure.bad(url.path, "no shape in header") }
    let shape = header[open.upperBound..<close].split(separator: ",").compactMap {
      Int($0.trimmingCharacters(in: .whitespaces))
    }
    let count = shape.reduce(1, *)
    let start = headerStart + headerLength
    guard bytes.count - start == count * 4 else { throw Failure.bad(url.path, "size mismatch") }
    var values = [Float](repeating: 0, count: count)
    values.withUnsafeMutableBytes { dst in
      bytes.withUnsafeBytes { src in
        dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[start..<(start + count * 4)]))
      }
    }
    return Array(shape: shape, values: values)
  }
}
