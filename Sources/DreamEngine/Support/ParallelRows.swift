import Dispatch

/// Deterministic row parallelism for the image and dream loops.
///
/// `count` rows are split into at most `threads` contiguous chunks of near-equal size; each chunk is
/// processed by exactly one worker, and every row's arithmetic is done inside `body` without
/// depending on the chunking. Results are therefore bit-identical for every thread count; only the
/// order in which rows are visited changes. Reductions that must be deterministic are written as
/// per-row partial results combined afterwards in row order (see `ImageStatistics`).
struct ParallelRows: Sendable {
  /// Worker count (>= 1). 1 runs everything on the calling thread.
  let threads: Int

  init(threads: Int) {
    precondition(threads >= 1, "ParallelRows: threads must be >= 1, got \(threads)")
    self.threads = threads
  }

  /// Calls `body(range)` for disjoint, contiguous row ranges covering `0..<count`.
  ///
  /// `minimumRowsPerChunk` avoids spawning workers for tiny images (the cost of a dispatch is a few
  /// microseconds); it only changes which thread does which rows, never the results.
  func forEachChunk(
    count: Int, minimumRowsPerChunk: Int = 8, _ body: (Range<Int>) -> Void
  ) {
    precondition(count >= 0, "ParallelRows: negative row count \(count)")
    if count == 0 { return }
    let chunks = max(1, min(threads, count / max(1, minimumRowsPerChunk)))
    if chunks == 1 {
      body(0..<count)
      return
    }
    withoutActuallyEscaping(body) { escapable in
      let box = UncheckedSendable(escapable)
      DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        let start = count * chunk / chunks
        let end = count * (chunk + 1) / chunks
        box.value(start..<end)
      }
    }
  }
}

/// Carries a value the compiler cannot prove Sendable into `concurrentPerform`.
///
/// Used only for closures and buffer pointers whose concurrent use writes disjoint rows
/// (the contract of `ParallelRows.forEachChunk`).
struct UncheckedSendable<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}

extension ParallelRows {
  /// A new array of `rows * rowLength` floats, filled chunk by chunk in parallel.
  ///
  /// `body(rowRange, base)` must write every float of rows `rowRange`, i.e. the elements
  /// `base[row * rowLength + i]` for row in rowRange and i in 0..<rowLength, and nothing else.
  func makeArray(
    rows: Int, rowLength: Int, minimumRowsPerChunk: Int = 8,
    _ body: (Range<Int>, UnsafeMutablePointer<Float>) -> Void
  ) -> [Float] {
    let total = rows * rowLength
    return [Float](unsafeUninitializedCapacity: total) { buffer, initialized in
      if let base = buffer.baseAddress {
        let out = UncheckedSendable(base)
        forEachChunk(count: rows, minimumRowsPerChunk: minimumRowsPerChunk) { range in
          body(range, out.value)
        }
      }
      initialized = total
    }
  }

  /// Runs `body(rowRange, base)` in parallel over rows of an existing array, in place.
  func update(
    _ values: inout [Float], rows: Int, minimumRowsPerChunk: Int = 8,
    _ body: (Range<Int>, UnsafeMutablePointer<Float>) -> Void
  ) {
    values.withUnsafeMutableBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      let out = UncheckedSendable(base)
      forEachChunk(count: rows, minimumRowsPerChunk: minimumRowsPerChunk) { range in
        body(range, out.value)
      }
    }
  }
}
