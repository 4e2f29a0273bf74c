import Foundation
import Glibc

/// How a child process ended.
enum Termination: Equatable {
  case exited(Int32)
  case signaled(Int32)
  /// Still running at the deadline; the harness killed its process group with SIGKILL.
  case timedOut
  /// The harness was interrupted (Ctrl-C) and killed the child; says nothing about the child.
  case abandoned
}

/// Set by the SIGINT/SIGTERM handler; the fuzzer stops at the next check.
enum Interrupt {
  nonisolated(unsafe) static var requested: sig_atomic_t = 0

  static func install() {
    signal(SIGINT) { _ in Interrupt.requested = 1 }
    signal(SIGTERM) { _ in Interrupt.requested = 1 }
  }
}

/// What the harness learned about one finished child.
struct ChildOutcome {
  let termination: Termination
  /// Peak resident set size in KiB (`ru_maxrss` from `wait4`).
  let peakRSSKiB: Int
  let wallSeconds: Double
}

/// The limits one child runs under.
struct ChildLimits {
  let timeoutSeconds: Double
  /// Virtual memory limit (`ulimit -v`), MB.
  let memoryMB: Int
}

/// Runs a command as a child process: `posix_spawn` of `/bin/sh`, which sets the memory limit
/// and changes directory, then `exec`s the command (so the shell's process *is* the command and
/// `wait4` reports its signal, exit code and peak RSS). The child leads its own process group,
/// so a timeout kills it and anything it started. Standard input is `/dev/null`; standard output
/// and error go to files (no pipe can fill up and block the child).
enum ChildProcess {
  /// Thrown when the child could not be started at all.
  struct SpawnError: Error, CustomStringConvertible {
    let description: String
  }

  /// The shell script that applies the limits; `$1` = KiB, `$2` = directory, the rest = command.
  static let launcherScript = #"ulimit -v "$1" || exit 125; cd "$2" || exit 125; shift 2; exec "$@""#

  static func run(
    _ command: [String], in directory: String, environment: [String: String],
    stdoutPath: String, stderrPath: String, limits: ChildLimits
  ) throws(SpawnError) -> ChildOutcome {
    let memoryKiB = limits.memoryMB * 1024
    let arguments = ["/bin/sh", "-c", launcherScript, "sh", String(memoryKiB), directory] + command
    let environmentLines = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }

    var fileActions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&fileActions)
    defer { posix_spawn_file_actions_destroy(&fileActions) }
    posix_spawn_file_actions_addopen(&fileActions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&fileActions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&fileActions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var defaultSignals = sigset_t()
    sigemptyset(&defaultSignals)
    for signal in [SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD, SIGXFSZ, SIGUSR1, SIGUSR2, SIGALRM] {
      sigaddset(&defaultSignals, signal)
    }
    var emptyMask = sigset_t()
    sigemptyset(&emptyMask)
    posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
    posix_spawnattr_setsigmask(&attributes, &emptyMask)
    posix_spawnattr_setpgroup(&attributes, 0)
    posix_spawnattr_setflags(
      &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

    let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    let envp: [UnsafeMutablePointer<CChar>?] = environmentLines.map { strdup($0) } + [nil]
    defer {
      argv.forEach { free($0) }
      envp.forEach { free($0) }
    }

    let start = monotonicSeconds()
    var pid: pid_t = 0
    let spawnResult = posix_spawn(&pid, "/bin/sh", &fileActions, &attributes, argv, envp)
    guard spawnResult == 0 else {
      throw SpawnError(description: "posix_spawn /bin/sh failed: \(String(cString: strerror(spawnResult)))")
    }
    return waitForExit(pid: pid, start: start, timeoutSeconds: limits.timeoutSeconds)
  }

  /// Polls `wait4(WNOHANG)` until the child ends or the deadline passes, then kills the whole
  /// process group (pgid = pid) and reaps the child.
  private static func waitForExit(pid: pid_t, start: Double, timeoutSeconds: Double) -> ChildOutcome {
    var status: Int32 = 0
    var usage = rusage()
    var timedOut = false
    var abandoned = false
    var pollMicroseconds: UInt32 = 2_000
    while true {
      let result = wait4(pid, &status, WNOHANG, &usage)
      if result == pid { break }
      if result == -1 && errno != EINTR { break }
      let overdue = monotonicSeconds() - start > timeoutSeconds
      if overdue || Interrupt.requested != 0 {
        timedOut = overdue
        abandoned = !overdue
        kill(-pid, SIGKILL)
        while wait4(pid, &status, 0, &usage) == -1 && errno == EINTR {}
        break
      }
      usleep(pollMicroseconds)
      pollMicroseconds = min(pollMicroseconds * 2, 50_000)
    }
    // Grandchildren (e.g. ffmpeg) must not outlive the command.
    kill(-pid, SIGKILL)
    let wall = monotonicSeconds() - start
    let termination: Termination
    let signal = status & 0x7F
    if abandoned {
      termination = .abandoned
    } else if timedOut {
      termination = .timedOut
    } else if signal == 0 {
      termination = .exited((status >> 8) & 0xFF)
    } else {
      termination = .signaled(signal)
    }
    return ChildOutcome(termination: termination, peakRSSKiB: Int(usage.ru_maxrss), wallSeconds: wall)
  }

  static func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
  }

  /// The conventional name of a signal number (`SIGSEGV`), or `signal N`.
  static func signalName(_ number: Int32) -> String {
    let names: [Int32: String] = [
      SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP",
      SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV",
      SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM", SIGXCPU: "SIGXCPU",
      SIGXFSZ: "SIGXFSZ", SIGSYS: "SIGSYS",
    ]
    return names[number] ?? "signal \(number)"
  }
}
