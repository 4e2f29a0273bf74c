import ArgumentParser
import DreamRun
import Foundation
import ModelStore
import Suggestions

/// `dream-run`: the root command. A recipe path without a subcommand runs it.
struct DreamRunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dream-run",
    abstract: "Render DeepDream images and zoom videos from YAML recipes.",
    discussion: """
      Examples:
        dream-run recipes/zoom50.yaml --model ../shared/models/googlenet.pb
        dream-run recipes/zoom50.yaml --frames 3          # try the first 3 frames
        dream-run validate my-recipe.yaml
        dream-run check recipes/                          # regression renders

      Exit codes: 0 success, 1 runtime error (unreadable or corrupt files, unwritable output, \
      failed download), 2 recipe or usage error, 130 interrupted by Ctrl-C. See docs/cli.md.
      """,
    version: RenderEnvironment.versionText,
    subcommands: [
      RunCommand.self, CheckCommand.self, ValidateCommand.self, PlanCommand.self, StatusCommand.self,
      StatsCommand.self, SheetCommand.self,
      LayersCommand.self, ModelsCommand.self, FetchCommand.self, CompletionsCommand.self, ManCommand.self,
    ],
    defaultSubcommand: RunCommand.self)
}

/// Writing to the standard streams.
enum Output {
  static func error(_ text: String) {
    let line = text.hasSuffix("\n") ? text : text + "\n"
    StandardStream.error.write(Terminal.colouringErrors(StandardStream.escapingControls(line)))
  }

  static func standard(_ text: String) {
    StandardStream.output.write(StandardStream.escapingControls(text))
  }

  /// Prints `error` on standard error and exits with its code.
  static func fail(_ error: RunError) -> ExitCode {
    switch error {
    case .recipe(let list):
      self.error(list.description + "\n" + list.summary)
    case .usage, .runtime, .runtimeAt, .interrupted:
      self.error(error.description)
    }
    return ExitCode(error.exitCode)
  }
}

/// Colour on a terminal: `error:` in bold red when standard error is a terminal, `TERM` is not
/// `dumb` and `NO_COLOR` is unset or empty (https://no-color.org).
enum Terminal {
  static var colourErrors: Bool {
    let environment = ProcessInfo.processInfo.environment
    return isatty(STDERR_FILENO) == 1 && (environment["NO_COLOR"] ?? "").isEmpty
      && environment["TERM"] != "dumb"
  }

  /// `text` (already free of control characters) with its `error:` labels coloured, when wanted.
  static func colouringErrors(_ text: String, enabled: Bool = colourErrors) -> String {
    guard enabled else { return text }
    return text.replacingOccurrences(of: " error: ", with: " \u{1B}[1;31merror:\u{1B}[0m ")
      .replacingOccurrences(of: "Error: ", with: "\u{1B}[1;31mError:\u{1B}[0m ")
  }
}

/// Options shared by the commands that read a recipe.
struct RecipeOptions: ParsableArguments {
  @Argument(help: "The recipe file (YAML).")
  var recipe: String

  @Option(help: "A catalog model name or a path to a .pb file; overrides the recipe's model:.")
  var model: String?

  @Option(
    parsing: .unconditional,
    help: "Engine threads (OpenBLAS and the engine's loops); default: the recipe's threads: or all cores.")
  var threads: Int?

  func validate() throws {
    try Self.validate(threads: threads)
    try Self.rejectMistypedCommand(recipe)
  }

  /// `dream-run valdate x.yaml` would read `valdate` as a recipe file: when no such file exists and
  /// the word is close to a command's name, say so instead.
  static func rejectMistypedCommand(_ recipe: String) throws {
    guard !recipe.contains("/"), !recipe.contains("."), !FileManager.default.fileExists(atPath: recipe) else {
      return
    }
    let commands = DreamRunCommand.configuration.subcommands.map { $0.configuration.commandName ?? "" }
    guard let closest = Suggestion.closest(to: recipe, in: commands) else { return }
    throw ValidationError(
      "unknown command '\(recipe)' (did you mean '\(closest)'?); 'dream-run --help' lists the commands")
  }

  /// `--frames N` must be at least 1 (shared by every command that takes it).
  static func validate(frames: Int?) throws {
    if let frames, frames < 1 { throw ValidationError("--frames \(frames) must be at least 1") }
  }

  /// `--threads` must be 1...1024 (shared by every command that takes it).
  static func validate(threads: Int?) throws {
    if let threads, !(1...1024).contains(threads) {
      throw ValidationError("--threads \(threads) is out of range; use 1...1024")
    }
  }

  /// `--variant N` must be at least 1 (shared by every command that takes it).
  static func validate(variant: Int?) throws {
    if let variant, variant < 1 { throw ValidationError("--variant \(variant) must be at least 1") }
  }

  /// The help of `--yes` (shared by every command that reads sweeps).
  static let yesHelp = ArgumentHelp(
    "Accept a sweep of more variants than dream-run asks confirmation for (256).")

  /// `variant`: `--variant N` as given (1-based).
  func runOptions(
    force: Bool = false, frameLimit: Int? = nil, maxMemory: Int? = nil, allowOutside: Bool = false,
    shard: Shard? = nil, manyVariantsAllowed: Bool = false, variant: Int? = nil
  ) -> RunOptions {
    RunOptions(
      recipePath: recipe, model: model, threads: threads, force: force, frameLimit: frameLimit,
      maxMemory: maxMemory, allowOutside: allowOutside, shard: shard,
      manyVariantsAllowed: manyVariantsAllowed,
      variant: variant.map { $0 - 1 })
  }

  /// `--shard i/n` or `auto` read (a usage error, exit 2, when wrong).
  static func shard(_ text: String?) throws -> Shard? {
    guard let text else { return nil }
    do {
      return try Shard.parse(text, environment: ProcessInfo.processInfo.environment)
    } catch {
      throw Output.fail(error)
    }
  }
}

struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Render a recipe, skipping frames that are up to date (the default command).",
    discussion: """
      Examples:
        dream-run recipes/zoom50.yaml --model ../shared/models/googlenet.pb
        dream-run run recipes/zoom50.yaml --frames 3 --threads 2
        dream-run recipes/zoom50.yaml --json > progress.jsonl   # one JSON event per line
        dream-run recipes/sweep.yaml --shard 2/3                 # worker 2 of 3 (shared folder)
        dream-run recipes/sweep.yaml --shard auto                # in a Slurm array or Indexed Job
      """)

  @OptionGroup var options: RecipeOptions

  @Flag(help: "Render every frame again, even those that are up to date, replacing existing files.")
  var force = false

  @Flag(help: "Let the recipe write outputs outside its own folder (only for recipes you trust).")
  var allowOutside = false

  @Flag(help: "Print nothing but errors.")
  var quiet = false

  @Flag(
    help: "Print progress as JSON lines on standard output (begin, frame, note, done events), for scripts.")
  var json = false

  @Option(parsing: .unconditional, help: "Render only frames 0...N-1 (videos are skipped).")
  var frames: Int?

  @Option(help: "Pin OpenBLAS's kernel family (e.g. Haswell) so renders match other CPUs bit for bit.")
  var blasCore: String?

  @Option(
    help: ArgumentHelp(
      "Render only shard i of n of the independent units (1-based), or 'auto' from SLURM_ARRAY_TASK_ID or "
        + "JOB_COMPLETION_INDEX; workers share the recipe's folder. See docs/scale-out.md.",
      valueName: "i/n|auto"))
  var shard: String?

  @Flag(help: RecipeOptions.yesHelp)
  var yes = false

  @Option(
    help: ArgumentHelp(
      "Refuse to start when the run's memory estimate exceeds this (e.g. 1500M, 4G); default: the memory available.",
      valueName: "size"))
  var maxMemory: String?

  func validate() throws {
    try RecipeOptions.validate(frames: frames)
    if let maxMemory, MemoryEstimate.parseSize(maxMemory) == nil {
      throw ValidationError("--max-memory '\(maxMemory)' is not a size; write e.g. 1500M or 4G")
    }
  }

  func run() throws {
    if let blasCore {
      do {
        try BLASCorePin.ensure(blasCore, arguments: CommandLine.arguments)
      } catch {
        throw Output.fail(error)
      }
    }
    let interrupt = InterruptSignal()
    interrupt.install()
    let reporter =
      json
      ? ProgressReporter(mode: .json) { StandardStream.output.write($0) }
      : ProgressReporter.standardError(quiet: quiet)
    let bar = ProgressBar.standardError(label: "model")
    let store = ModelStore.fromEnvironment(progress: quiet ? nil : bar.handler)
    let started = Date()
    let shard = try RecipeOptions.shard(self.shard)
    do {
      let batch = try BatchRun.execute(
        options.runOptions(
          force: force, frameLimit: frames, maxMemory: maxMemory.flatMap(MemoryEstimate.parseSize),
          allowOutside: allowOutside, shard: shard, manyVariantsAllowed: yes),
        store: store, reporter: reporter, shouldStop: { interrupt.isSet },
        interruptSignal: { interrupt.signal ?? SIGINT }, prepared: { bar.finish() })
      let summary = batch.total
      let seconds = Date().timeIntervalSince(started)
      if json {
        reporter.emitJSON([
          "event": "done", "frames_written": summary.framesWritten,
          "frames_up_to_date": summary.framesUpToDate,
          "videos_written": summary.videosWritten, "videos_waiting": summary.videosWaiting,
          "variants": batch.variants.count, "variants_elsewhere": batch.variantsElsewhere, "seconds": seconds,
        ])
      } else if !quiet {
        Output.standard(Self.describe(batch, seconds: seconds))
      }
    } catch {
      bar.finish()
      reporter.finish()
      throw Output.fail(error)
    }
  }

  static func describe(_ batch: BatchSummary, seconds: Double) -> String {
    if batch.variants.isEmpty, batch.variantsElsewhere > 0 {
      return "nothing for this shard: every unit of the recipe is another shard's work\n"
    }
    guard let count = batch.sweepVariants else { return describe(batch.total, seconds: seconds) }
    let total = batch.total
    var text = "sweep of \(count) variant\(count == 1 ? "" : "s"): "
    text += total.framesWritten.isEmpty ? "nothing to render" : "rendered \(total.framesWritten.count) frames"
    text += " in " + String(format: "%.1f s", seconds)
    if total.framesUpToDate > 0 { text += "; \(total.framesUpToDate) frames up to date" }
    if !total.videosWritten.isEmpty { text += "; wrote \(total.videosWritten.count) videos" }
    if total.videosWaiting > 0 { text += "; \(total.videosWaiting) videos wait for other shards" }
    if batch.variantsElsewhere > 0 { text += "; \(batch.variantsElsewhere) variants are other shards' work" }
    return text + "\n"
  }

  static func describe(_ summary: RunSummary, seconds: Double) -> String {
    if summary.framesWritten.isEmpty, summary.videosWritten.isEmpty {
      return "up to date: \(summary.framesUpToDate) frames" + videoText(summary) + "; nothing to do\n"
    }
    let count = summary.framesWritten.count
    if count == 0 {
      return "up to date: \(summary.framesUpToDate) frames"
        + summary.videosWritten.map { "; wrote \($0)" }.joined() + "\n"
    }
    var text = "rendered \(count) frame\(count == 1 ? "" : "s")"
    if let first = summary.framesWritten.first, let last = summary.framesWritten.last {
      text += first == last ? " (frame \(first))" : " (frames \(first)...\(last))"
    }
    text += " in " + String(format: "%.1f s", seconds)
    if summary.framesRendered > 0 {
      // Per rendered frame: copies (frame0: input) take no time worth counting.
      text += String(format: " (%.2f s per frame)", seconds / Double(summary.framesRendered))
    }
    if summary.framesUpToDate > 0 { text += "; \(summary.framesUpToDate) up to date" }
    for video in summary.videosWritten { text += "; wrote \(video)" }
    if summary.videosSkipped > 0 { text += "; \(summary.videosSkipped) video(s) skipped (--frames)" }
    return text + "\n"
  }

  private static func videoText(_ summary: RunSummary) -> String {
    summary.videosUpToDate > 0
      ? ", \(summary.videosUpToDate) video\(summary.videosUpToDate == 1 ? "" : "s")" : ""
  }
}

struct ValidateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate",
    abstract: "Check a recipe (and, when the model is available, its layers and sizes) without rendering.",
    discussion: """
      Examples:
        dream-run validate recipes/zoom50.yaml
        dream-run validate recipes/zoom50.yaml --model ../shared/models/googlenet.pb
      """)

  @OptionGroup var options: RecipeOptions

  @Flag(help: "Accept outputs outside the recipe's folder (as run --allow-outside does).")
  var allowOutside = false

  @Flag(help: RecipeOptions.yesHelp)
  var yes = false

  func run() throws {
    do {
      Output.standard(
        try Commands.validate(
          options.runOptions(allowOutside: allowOutside, manyVariantsAllowed: yes),
          store: ModelStore.fromEnvironment()))
    } catch {
      throw Output.fail(error)
    }
  }
}

struct PlanCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plan", abstract: "Print the execution plan and which files are up to date.",
    discussion: """
      Examples:
        dream-run plan recipes/zoom50.yaml --frames 3
        dream-run plan recipes/zoom50.yaml --explain          # why files will be rendered again
        dream-run plan recipes/zoom50.yaml --dot | dot -Tsvg > plan.svg
      """)

  @OptionGroup var options: RecipeOptions

  @Flag(help: "Print the plan as a Graphviz digraph (dot -Tsvg).")
  var dot = false

  @Flag(help: "Say why each file that is not up to date must be rendered again.")
  var explain = false

  @Option(parsing: .unconditional, help: "Plan only frames 0...N-1 (as run --frames N does).")
  var frames: Int?

  @Option(parsing: .unconditional, help: "For a sweep: show the plan of variant N (1-based; default 1).")
  var variant: Int?

  @Flag(help: RecipeOptions.yesHelp)
  var yes = false

  func validate() throws {
    try RecipeOptions.validate(frames: frames)
    try RecipeOptions.validate(variant: variant)
  }

  func run() throws {
    do {
      let runOptions = options.runOptions(frameLimit: frames, manyVariantsAllowed: yes, variant: variant)
      Output.standard(
        try Commands.plan(runOptions, store: ModelStore.fromEnvironment(), dot: dot, explain: explain))
    } catch {
      throw Output.fail(error)
    }
  }
}

struct StatsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stats",
    abstract: "Print each rendered frame's brightness, contrast, chroma, clipped share and time; chart them.",
    discussion: """
      Reads what the last runs recorded in the recipe's run state (no rendering) and writes an SVG \
      chart beside it (.dream-run/<recipe>.stats.svg).

      Example: dream-run stats recipes/zoom50.yaml --model ../shared/models/googlenet.pb
      """)

  @OptionGroup var options: RecipeOptions

  @Option(parsing: .unconditional, help: "Only frames 0...N-1.")
  var frames: Int?

  @Option(parsing: .unconditional, help: "For a sweep: the statistics of variant N (1-based; default 1).")
  var variant: Int?

  func validate() throws {
    try RecipeOptions.validate(frames: frames)
    try RecipeOptions.validate(variant: variant)
  }

  func run() throws {
    do {
      let runOptions = options.runOptions(frameLimit: frames, manyVariantsAllowed: true, variant: variant)
      Output.standard(try Commands.stats(runOptions, store: ModelStore.fromEnvironment()))
    } catch {
      throw Output.fail(error)
    }
  }
}

struct StatusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status",
    abstract: "Say what is done, running and missing of a recipe or sweep, across all its shards.",
    discussion: """
      Reads the files, the run states of every shard and the locks of running workers; renders \
      nothing. A variant is running while a dream-run holds its lock (the shards holding theirs are \
      named).

      Examples:
        dream-run status recipes/layer-sweep-all.yaml
        watch dream-run status recipes/layer-sweep-all.yaml     # while a job array runs
      """)

  @OptionGroup var options: RecipeOptions

  @Option(parsing: .unconditional, help: "Only frames 0...N-1.")
  var frames: Int?

  @Flag(help: RecipeOptions.yesHelp)
  var yes = false

  func validate() throws {
    try RecipeOptions.validate(frames: frames)
  }

  func run() throws {
    do {
      Output.standard(
        try Commands.status(
          options.runOptions(frameLimit: frames, manyVariantsAllowed: yes),
          store: ModelStore.fromEnvironment()))
    } catch {
      throw Output.fail(error)
    }
  }
}

struct CompletionsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "completions",
    abstract: "Print a shell completion script (bash, zsh or fish).",
    discussion: """
      Examples:
        dream-run completions bash > /etc/bash_completion.d/dream-run
        dream-run completions zsh > "${fpath[1]}/_dream-run"
        dream-run completions fish > ~/.config/fish/completions/dream-run.fish
      """)

  @Argument(help: "bash, zsh or fish.")
  var shell: String

  func validate() throws {
    guard CompletionShell(rawValue: shell) != nil else {
      throw ValidationError("unknown shell '\(shell)'; use bash, zsh or fish")
    }
  }

  func run() throws {
    guard let shell = CompletionShell(rawValue: shell) else { return }
    Output.standard(DreamRunCommand.completionScript(for: shell))
  }
}

struct ManCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "man",
    abstract: "Print the manual page (roff), made from the commands' help.",
    discussion: """
      Examples:
        dream-run man > /usr/local/share/man/man1/dream-run.1 && man dream-run
        dream-run man | man -l -
      """)

  func run() throws {
    Output.standard(ManualPage.text)
  }
}

/// `dream-run.1`: the root help and every command's help, as roff.
enum ManualPage {
  static var text: String {
    var lines = [
      ".TH DREAM-RUN 1",
      ".SH NAME",
      "dream-run \\- " + roff(DreamRunCommand.configuration.abstract),
      ".SH SYNOPSIS",
      ".B dream-run",
      "[\\fIcommand\\fR] \\fIrecipe.yaml\\fR [\\fIoptions\\fR]",
      ".SH DESCRIPTION",
      ".nf",
      roff(DreamRunCommand.helpMessage(for: DreamRunCommand.self, columns: 100)),
      ".fi",
      ".SH COMMANDS",
    ]
    for command in DreamRunCommand.configuration.subcommands {
      lines += [
        ".SS " + (command.configuration.commandName ?? ""),
        ".nf",
        roff(DreamRunCommand.helpMessage(for: command, columns: 100)),
        ".fi",
      ]
    }
    lines += [".SH SEE ALSO", "docs/cli.md and docs/recipes.md in the dream-run repository."]
    return lines.joined(separator: "\n") + "\n"
  }

  /// Escapes backslashes and keeps lines from starting with a control character.
  static func roff(_ text: String) -> String {
    text.replacingOccurrences(of: "\\", with: "\\e").split(separator: "\n", omittingEmptySubsequences: false)
      .map { line in line.hasPrefix(".") || line.hasPrefix("'") ? "\\&" + line : String(line) }
      .joined(separator: "\n")
  }
}

struct SheetCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sheet",
    abstract: "Write a contact sheet of a recipe's rendered frames: a PNG grid and an HTML page.",
    discussion: """
      The sheet shows the frames of the recipe's first save step that are on disk, labelled with \
      their frame numbers; the page adds each frame's dream settings, statistics and render time, \
      and links to the full frames. Both go beside the run state (.dream-run/<recipe>.sheet.png \
      and .html) and open from disk.

      Examples:
        dream-run sheet recipes/layer-sweep.yaml --model ../shared/models/googlenet.pb
        dream-run sheet recipes/zoom50.yaml --columns 10 --thumbnail 120
      """)

  @OptionGroup var options: RecipeOptions

  @Option(parsing: .unconditional, help: "Thumbnails per row of the PNG (default 8).")
  var columns = 8

  @Option(parsing: .unconditional, help: "Thumbnail width in pixels (default 160).")
  var thumbnail = 160

  @Option(parsing: .unconditional, help: "Only frames 0...N-1.")
  var frames: Int?

  func validate() throws {
    guard (1...64).contains(columns) else { throw ValidationError("--columns \(columns) must be 1...64") }
    guard (16...1024).contains(thumbnail) else {
      throw ValidationError("--thumbnail \(thumbnail) must be 16...1024")
    }
    try RecipeOptions.validate(frames: frames)
  }

  func run() throws {
    do {
      Output.standard(
        try Commands.sheet(
          options.runOptions(frameLimit: frames), store: ModelStore.fromEnvironment(), columns: columns,
          thumbnailWidth: thumbnail))
    } catch {
      throw Output.fail(error)
    }
  }
}
