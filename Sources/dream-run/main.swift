import ArgumentParser
import DreamRun
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// Exit codes (docs/cli.md): 0 success, 1 runtime error, 2 recipe or usage error,
// 130 interrupted by Ctrl-C (143 by SIGTERM).
// A closed pipe (`dream-run plan r.yaml | head`, ffmpeg gone) is an EPIPE error where it is
// written, handled there, not a signal that kills the process.
signal(SIGPIPE, SIG_IGN)
do {
  var command = try DreamRunCommand.parseAsRoot()
  try command.run()
  exit(0)
} catch let code as ExitCode {
  exit(code.rawValue)
} catch {
  let code = DreamRunCommand.exitCode(for: error)
  if code == .success {
    print(DreamRunCommand.fullMessage(for: error))
    exit(0)
  }
  Output.error(DreamRunCommand.fullMessage(for: error))
  exit(code == .validationFailure ? 2 : code.rawValue)
}
