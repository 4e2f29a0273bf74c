import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 for the download tests: an ephemeral port, one thread per
/// connection, `Connection: close`, GET and HEAD, a fixed map path -> response. It can cut a body
/// short (truncation) or stall before answering (timeouts). Never touches the internet.
final class TestHTTPServer: @unchecked Sendable {
  /// How a route misbehaves.
  enum Behavior: Equatable {
    /// Headers and the whole body.
    case normal
    /// Announces the full Content-Length but closes after this many body bytes.
    case closeAfter(bytes: Int)
    /// Reads the request, then sends nothing for this many seconds before closing.
    case stall(seconds: Double)
  }

  struct Route {
    var status: Int
    var body: Data
    var behavior: Behavior
  }

  /// The port the server listens on.
  let port: UInt16
  private let listener: Int32
  private let lock = NSLock()
  private var routes: [String: Route] = [:]
  private var requestLog: [String] = []
  private var stopped = false

  /// Binds 127.0.0.1:0 and starts accepting on a background thread.
  init() throws {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw ServerError.socket("socket", errno) }
    var reuse: Int32 = 1
    setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0, listen(descriptor, 16) == 0 else {
      close(descriptor)
      throw ServerError.socket("bind/listen", errno)
    }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    port = UInt16(bigEndian: address.sin_port)
    listener = descriptor
    let thread = Thread { [self] in acceptLoop() }
    thread.start()
  }

  deinit { stop() }

  /// `http://127.0.0.1:<port>/`.
  var baseURL: URL {
    guard let url = URL(string: "http://127.0.0.1:\(port)/") else { preconditionFailure("bad test URL") }
    return url
  }

  /// Serves `body` with `status` at `path` (e.g. `/testnet.zip`).
  func serve(_ path: String, status: Int = 200, body: Data, behavior: Behavior = .normal) {
    lock.withLock { routes[path] = Route(status: status, body: body, behavior: behavior) }
  }

  /// `METHOD /path` of every request received so far.
  var requests: [String] { lock.withLock { requestLog } }

  /// Stops accepting; open connections finish or are cut when their stall ends. Idempotent.
  func stop() {
    let wasRunning = lock.withLock {
      defer { stopped = true }
      return !stopped
    }
    guard wasRunning else { return }
    shutdown(listener, Int32(SHUT_RDWR))
    close(listener)
  }

  private var isStopped: Bool { lock.withLock { stopped } }

  private func acceptLoop() {
    while !isStopped {
      let connection = accept(listener, nil, nil)
      guard connection >= 0 else {
        if errno == EINTR { continue }
        return
      }
      let thread = Thread { [self] in handle(connection) }
      thread.start()
    }
  }

  private func handle(_ connection: Int32) {
    defer { close(connection) }
    guard let (method, path) = readRequestLine(connection) else { return }
    let route: Route = lock.withLock {
      requestLog.append("\(method) \(path)")
      return routes[path] ?? Route(status: 404, body: Data("not found\n".utf8), behavior: .normal)
    }
    if case .stall(let seconds) = route.behavior {
      let end = Date().addingTimeInterval(seconds)
      while Date() < end && !isStopped { usleep(20_000) }
      return
    }
    let head =
      "HTTP/1.1 \(route.status) \(Self.reason(route.status))\r\nContent-Type: application/zip\r\n"
      + "Content-Length: \(route.body.count)\r\nConnection: close\r\n\r\n"
    guard send(connection, Data(head.utf8)) else { return }
    guard method != "HEAD" else { return }
    switch route.behavior {
    case .normal, .stall:
      _ = send(connection, route.body)
    case .closeAfter(let bytes):
      _ = send(connection, route.body.prefix(bytes))
      usleep(50_000)
    }
  }

  /// Reads up to the blank line ending the headers; returns the method and path.
  private func readRequestLine(_ connection: Int32) -> (String, String)? {
    var received = Data()
    var buffer = [UInt8](repeating: 0, count: 4096)
    while received.range(of: Data("\r\n\r\n".utf8)) == nil, received.count < 65536 {
      let count = recv(connection, &buffer, buffer.count, 0)
      guard count > 0 else { return nil }
      received.append(contentsOf: buffer[0..<count])
    }
    guard let text = String(data: received, encoding: .utf8),
      let firstLine = text.split(separator: "\r\n").first
    else { return nil }
    let parts = firstLine.split(separator: " ")
    guard parts.count >= 2 else { return nil }
    return (String(parts[0]), String(parts[1]))
  }

  /// Sends all of `data` (no SIGPIPE); false when the peer went away.
  private func send(_ connection: Int32, _ data: Data) -> Bool {
    data.withUnsafeBytes { raw in
      guard let base = raw.baseAddress else { return true }
      var offset = 0
      while offset < raw.count {
        let sent = Glibc.send(connection, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
        if sent <= 0 { return false }
        offset += sent
      }
      return true
    }
  }

  private static func reason(_ status: Int) -> String {
    switch status {
    case 200: return "OK"
    case 404: return "Not Found"
    case 500: return "Internal Server Error"
    default: return "Status"
    }
  }

  enum ServerError: Error {
    case socket(String, Int32)
  }
}
