import DreamEngine
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Pins OpenBLAS's kernel family ("core") so that renders on different CPUs match bit for bit.
///
/// OpenBLAS reads `OPENBLAS_CORETYPE` once, when the process starts. `--blas-core NAME` (and
/// `dream-run check` for references recorded with a pin) therefore restarts dream-run with that
/// variable set, before any work, and then verifies that OpenBLAS accepted the name.
public enum BLASCorePin {
  /// Returns when OpenBLAS runs with `core` (case-insensitive); otherwise re-executes this program
  /// with `OPENBLAS_CORETYPE=core` (does not return) or throws a usage error.
  public static func ensure(_ core: String, arguments: [String]) throws(RunError) {
    guard !core.isEmpty, core.count <= 32, core.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
    else {
      throw .usage(
        "--blas-core '\(core)': an OpenBLAS core name is letters and digits, e.g. Haswell, Zen, SkylakeX")
    }
    let environment = ProcessInfo.processInfo.environment
    if environment["OPENBLAS_CORETYPE"]?.lowercased() == core.lowercased() {
      let chosen = ComputeEnvironment.current.blasCore
      guard chosen.lowercased() == core.lowercased() else {
        throw .usage(
          "--blas-core \(core): OpenBLAS cannot use that core on this CPU (it chose \(chosen)); "
            + "name a core this CPU supports, e.g. Haswell on any AVX2 machine")
      }
      return
    }
    if environment["DREAM_RUN_BLAS_RESTARTED"] != nil {
      throw .usage("--blas-core \(core): restarting with OPENBLAS_CORETYPE=\(core) did not take effect")
    }
    setenv("OPENBLAS_CORETYPE", core, 1)
    setenv("DREAM_RUN_BLAS_RESTARTED", "1", 1)
    let argv = arguments.map { strdup($0) } + [nil]
    execv("/proc/self/exe", argv)
    throw .usage(
      "--blas-core \(core): cannot restart dream-run (\(String(cString: strerror(errno)))); "
        + "set OPENBLAS_CORETYPE=\(core) in the environment instead")
  }
}
