import Foundation
import Glibc

// dream-fuzz: a fuzz harness for the dream-run command line. See docs/fuzzing.md.

/// An absolute, standardized version of `path` (relative to the current directory).
func absolutePath(_ path: String) -> String {
  let base = FileManager.default.currentDirectoryPath
  let joined = path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path)
  return (joined as NSString).standardizingPath
}

/// Creates (or reuses) the work folder. An existing non-empty folder must carry the marker a
/// previous dream-fuzz run left, so the fuzzer never clears folders it does not own.
func prepareWorkDirectory(_ requested: String?, seed: UInt64) -> String? {
  let manager = FileManager.default
  let directory: String
  if let requested {
    directory = absolutePath(requested)
  } else {
    var template = Array(
      (NSTemporaryDirectory() as NSString).appendingPathComponent("dream-fuzz.XXXXXX").utf8CString)
    guard let created = mkdtemp(&template) else { return nil }
    directory = String(cString: created)
  }
  let marker = (directory as NSString).appendingPathComponent(".dream-fuzz")
  let contents = (try? manager.contentsOfDirectory(atPath: directory)) ?? []
  if !contents.isEmpty && !manager.fileExists(atPath: marker) {
    printError("dream-fuzz: \(directory) is not empty and was not made by dream-fuzz; pick another --work")
    return nil
  }
  do {
    try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try? manager.removeItem(atPath: (directory as NSString).appendingPathComponent("trials"))
    for name in ["trials", "failures", "suspicious", "cache"] {
      try manager.createDirectory(
        atPath: (directory as NSString).appendingPathComponent(name), withIntermediateDirectories: true)
    }
    _ = manager.createFile(atPath: marker, contents: Data("seed \(seed)\n".utf8))
  } catch {
    printError("dream-fuzz: cannot create the work folder \(directory): \(error.localizedDescription)")
    return nil
  }
  return directory
}

/// `--list-failures WORKDIR`: the saved summaries, in order.
func listFailures(of workDirectory: String) -> Int32 {
  let directory = (absolutePath(workDirectory) as NSString).appendingPathComponent("failures")
  let folders = FailureRecorder.existingFolders(in: directory)
  for folder in folders {
    let summary = (directory as NSString).appendingPathComponent("\(folder)/summary.txt")
    if let data = FileManager.default.contents(atPath: summary) {
      FileHandle.standardOutput.write(data)
    }
  }
  print("\(folders.count) failures saved in \(directory)")
  return 0
}

func main() -> Int32 {
  let options: FuzzOptions
  do {
    guard let parsed = try FuzzOptions.parse(Array(CommandLine.arguments.dropFirst())) else {
      print(FuzzOptions.usage)
      return 0
    }
    options = parsed
  } catch {
    printError("dream-fuzz: \(error)\n\n\(FuzzOptions.usage)")
    return 2
  }
  if let workDirectory = options.listFailuresOf { return listFailures(of: workDirectory) }

  let seed = options.seed ?? (UInt64(Date().timeIntervalSince1970 * 1000) ^ (UInt64(getpid()) << 40))
  let binary = absolutePath(options.binary)
  guard FileManager.default.isExecutableFile(atPath: binary) else {
    printError(
      "dream-fuzz: no executable at \(binary) (build it with `swift build -c release` or pass --binary)")
    return 2
  }
  let corpus: Corpus
  do {
    corpus = try Corpus(
      corpusDirectory: absolutePath(options.corpusDirectory),
      modelsDirectory: absolutePath(options.modelsDirectory))
  } catch {
    printError("dream-fuzz: \(error)")
    return 2
  }
  guard let workDirectory = prepareWorkDirectory(options.workDirectory, seed: seed) else { return 2 }
  printError(
    "dream-fuzz: seed \(seed) (repeat with --seed \(seed)), \(Int(options.seconds)) s, work folder \(workDirectory)\n"
      + "dream-fuzz: testing \(binary) with \(corpus.recipes.count) recipes, \(corpus.images.count) images, "
      + "models \(corpus.mainModel.name) + \(corpus.smallModels.map(\.name).joined(separator: ", "))")
  Interrupt.install()
  let fuzzer = Fuzzer(
    options: options, seed: seed, binary: binary, workDirectory: workDirectory, corpus: corpus,
    limits: ChildLimits(timeoutSeconds: options.timeoutSeconds, memoryMB: options.memoryMB))
  return fuzzer.run()
}

exit(main())
