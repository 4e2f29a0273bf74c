import ArgumentParser
import DreamRun
import Foundation
import ModelStore

struct LayersCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "layers", abstract: "List a model's dream layers with channels and sizes.",
    discussion: """
      Examples:
        dream-run layers ../shared/models/googlenet.pb
        dream-run layers inception5h --size 800x450
      """)

  @Argument(help: "A catalog model name or a path to a .pb file.")
  var model: String

  @Option(help: "Input size WxH for the SIZE column.")
  var size: String = "224x224"

  func run() throws {
    let parts = size.lowercased().split(separator: "x").map { Int($0) }
    guard parts.count == 2, let width = parts[0], let height = parts[1], width >= 1, height >= 1,
      width <= 32768, height <= 32768
    else {
      Output.error("--size '\(size)': expected WIDTHxHEIGHT such as 800x450 (1...32768 each)")
      throw ExitCode(2)
    }
    let bar = ProgressBar.standardError(label: model)
    do {
      let text = try Commands.layers(
        model: model, width: width, height: height, store: ModelStore.fromEnvironment(progress: bar.handler))
      bar.finish()
      Output.standard(text)
    } catch {
      bar.finish()
      throw Output.fail(error)
    }
  }
}

struct ModelsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "models", abstract: "List the catalog models and which are installed.",
    discussion: """
      Example:
        dream-run models
      """)

  func run() throws {
    Output.standard(ModelStore.fromEnvironment().listingTable())
  }
}

struct FetchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fetch", abstract: "Download a catalog model into the cache (verified by sha256).",
    discussion: """
      Example:
        dream-run fetch inception5h
      """)

  @Argument(help: "The catalog name, e.g. inception5h.")
  var name: String

  @Flag(help: "Download again even when installed.")
  var force = false

  func run() throws {
    let bar = ProgressBar.standardError(label: name)
    let store = ModelStore.fromEnvironment(progress: bar.handler)
    do {
      let model = try store.fetch(name, force: force)
      bar.finish()
      Output.standard("\(name): installed at \(model.fileURL.path) (sha256 \(model.sha256))\n")
    } catch let error as ModelReferenceError {
      bar.finish()
      Output.error(error.description)
      throw ExitCode(2)
    } catch {
      bar.finish()
      Output.error(String(describing: error))
      throw ExitCode(1)
    }
  }
}
