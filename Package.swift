// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "dream-run",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "dream-run", targets: ["dream-run"]),
    .executable(name: "dream-bench", targets: ["dream-bench"]),
    .executable(name: "dream-fuzz", targets: ["dream-fuzz"]),
    .library(name: "DreamEngine", targets: ["DreamEngine"]),
    .library(name: "RecipeParser", targets: ["RecipeParser"]),
  ],
  dependencies: [
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
  ],
  targets: [
    // C libraries, each behind a small target imported only where it is used.
    .systemLibrary(
      name: "CBLAS", pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev"])]),
    .target(name: "CHeap"),
    // "Did you mean ...?" by edit distance, shared by every layer that names things.
    .target(name: "Suggestions"),
    // The words recipe and engine share (sizes, file kinds, containers, layer references); a leaf.
    .target(name: "DreamVocabulary"),
    .target(name: "CKernels"),
    .target(
      name: "CImageCodecs",
      linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("jpeg")]),

    // The numerical engine: tensors, GraphDef models, ops, dream algorithms, images.
    .target(
      name: "DreamEngine",
      dependencies: [
        "CBLAS", "CHeap", "CKernels", "CImageCodecs", "Suggestions", "DreamVocabulary",
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ]),
    // YAML recipes -> typed, validated recipes with source locations. Knows nothing of the engine.
    .target(
      name: "RecipeParser",
      dependencies: ["Suggestions", "DreamVocabulary", .product(name: "Yams", package: "Yams")]),
    // Model catalog: names -> verified, cached .pb files (download, sha256, unzip).
    .target(
      name: "ModelStore",
      dependencies: [
        "Suggestions",
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "ZIPFoundation", package: "ZIPFoundation"),
      ]),
    // Wires recipes to the engine: execution graph, fingerprints, executor, progress, video.
    .target(
      name: "DreamRun",
      dependencies: [
        "DreamEngine", "RecipeParser", "ModelStore", "DreamVocabulary",
        .product(name: "Crypto", package: "swift-crypto"),
      ]),
    .executableTarget(
      name: "dream-run",
      dependencies: [
        "DreamRun", "DreamEngine", "RecipeParser", "ModelStore", "DreamVocabulary", "Suggestions",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .executableTarget(
      name: "dream-bench",
      dependencies: [
        "DreamEngine", "DreamVocabulary",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // Fuzz harness for the dream-run command line; depends on no other target (docs/fuzzing.md).
    .executableTarget(name: "dream-fuzz"),

    // Paths to the package and ../shared, temporary folders, error and closeness assertions.
    .target(name: "DreamTestSupport", path: "Tests/DreamTestSupport"),
    .testTarget(
      name: "DreamEngineTests", dependencies: ["DreamEngine", "DreamVocabulary", "DreamTestSupport"]),
    .testTarget(
      name: "RecipeParserTests",
      dependencies: ["RecipeParser", "Suggestions", "DreamVocabulary", "DreamTestSupport"]),
    .testTarget(name: "ModelStoreTests", dependencies: ["ModelStore", "DreamTestSupport"]),
    .testTarget(
      name: "DreamRunTests",
      dependencies: [
        "DreamRun", "DreamEngine", "RecipeParser", "DreamVocabulary", "DreamTestSupport",
        // Reads deploy/kubernetes's manifests.
        .product(name: "Yams", package: "Yams"),
      ]),
  ]
)
