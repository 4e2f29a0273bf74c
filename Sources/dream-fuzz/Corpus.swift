import Foundation

/// The seed inputs: recipes, images and small models from the corpus folder, plus the model
/// files of the models folder (read, never written).
struct Corpus {
  struct Recipe {
    let name: String
    let bytes: [UInt8]
    /// From a `# dream-fuzz: model=NAME` line: the model this seed is written for (a file in the
    /// corpus or models folder); nil means the main model.
    let modelName: String?
  }

  struct Image {
    let name: String
    let bytes: [UInt8]
    let format: ImageMutator.Format
  }

  struct Model {
    let name: String
    let path: String
    let size: Int
    /// In the corpus folder (copied into trials) rather than the models folder.
    let isCorpusFile: Bool
  }

  let recipes: [Recipe]
  let images: [Image]
  /// The model recipe and image trials use: googlenet.pb, else the smallest `.pb` found.
  let mainModel: Model
  /// Models mutated cheaply: the corpus's `.pb` files and models-folder files under 1 MiB.
  let smallModels: [Model]

  struct LoadError: Error, CustomStringConvertible {
    let description: String
  }

  init(corpusDirectory: String, modelsDirectory: String) throws(LoadError) {
    let files = Self.sortedFiles(in: corpusDirectory)
    var recipes: [Recipe] = []
    var images: [Image] = []
    var corpusModels: [Model] = []
    for path in files {
      guard let data = FileManager.default.contents(atPath: path) else { continue }
      let name = (path as NSString).lastPathComponent
      let bytes = [UInt8](data)
      switch (name as NSString).pathExtension.lowercased() {
      case "yaml", "yml":
        recipes.append(Recipe(name: name, bytes: bytes, modelName: Self.modelDirective(in: bytes)))
      case "png", "jpg", "jpeg":
        if let format = ImageMutator.Format(bytes: bytes) {
          images.append(Image(name: name, bytes: bytes, format: format))
        }
      case "pb":
        corpusModels.append(Model(name: name, path: path, size: bytes.count, isCorpusFile: true))
      default:
        continue
      }
    }
    let installed: [Model] = Self.sortedFiles(in: modelsDirectory).filter { $0.hasSuffix(".pb") }.compactMap {
      path in
      guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
        let size = (attributes[.size] as? NSNumber)?.intValue
      else { return nil }
      return Model(name: (path as NSString).lastPathComponent, path: path, size: size, isCorpusFile: false)
    }
    guard !recipes.isEmpty else { throw LoadError(description: "no recipes (*.yaml) in \(corpusDirectory)") }
    guard !images.isEmpty else { throw LoadError(description: "no PNG or JPEG images in \(corpusDirectory)") }
    guard
      let main = installed.first(where: { $0.name == "googlenet.pb" })
        ?? installed.min(by: { $0.size < $1.size })
    else {
      throw LoadError(
        description: "no .pb model in \(modelsDirectory) (pass --models DIR or set DREAM_MODELS)")
    }
    self.recipes = recipes
    self.images = images
    mainModel = main
    smallModels = corpusModels + installed.filter { $0.size <= ModelMutator.smallModelLimit }
  }

  /// A corpus or models-folder model by file name.
  func model(named name: String) -> Model? {
    smallModels.first { $0.name == name } ?? (mainModel.name == name ? mainModel : nil)
  }

  private static func sortedFiles(in directory: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return names.sorted().map { (directory as NSString).appendingPathComponent($0) }
  }

  private static func modelDirective(in bytes: [UInt8]) -> String? {
    let marker = "# dream-fuzz: model="
    for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix(marker) {
      return String(line.dropFirst(marker.count)).trimmingCharacters(in: .whitespaces)
    }
    return nil
  }
}
