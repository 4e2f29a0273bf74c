import XCTest

/// Asserts that `body` throws exactly `expected` (an error of `expected`'s type, equal to it) and,
/// when given, that the error prints as `message`.
public func assertThrows<E: Error & Equatable>(
  _ expected: E, message: String? = nil, file: StaticString = #filePath, line: UInt = #line,
  _ body: () throws -> Void
) {
  do {
    try body()
    XCTFail("expected \(expected), but nothing was thrown", file: file, line: line)
  } catch let error as E {
    XCTAssertEqual(error, expected, file: file, line: line)
    if let message { XCTAssertEqual("\(error)", message, file: file, line: line) }
  } catch {
    XCTFail("expected \(expected), got \(error)", file: file, line: line)
  }
}

/// The error `body` throws, when it is an `E`; a failure (and nil) otherwise.
public func thrownError<E: Error>(
  _ type: E.Type, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void
) -> E? {
  do {
    try body()
    XCTFail("expected a \(E.self), but nothing was thrown", file: file, line: line)
  } catch let error as E {
    return error
  } catch {
    XCTFail("expected a \(E.self), got \(error)", file: file, line: line)
  }
  return nil
}

/// Relative L2 error ||a - b|| / ||b|| (the absolute ||a - b|| when b is all zeros).
public func relativeL2(_ a: [Float], _ b: [Float]) -> Double {
  precondition(a.count == b.count, "relativeL2: \(a.count) vs \(b.count)")
  var difference = 0.0
  var norm = 0.0
  for (x, y) in zip(a, b) {
    let d = Double(x) - Double(y)
    difference += d * d
    norm += Double(y) * Double(y)
  }
  return norm == 0 ? difference.squareRoot() : (difference / norm).squareRoot()
}
