import Crypto
import ModelStore
import Foundation
import RecipeParser

/// The version string that goes into every fingerprint. Change it whenever the engine's arithmetic
/// changes (a kernel, a resize, a codec setting), so that old renders are redone.
public enum EngineVersion {
  public static let current = "dream-run 0.3.0 engine 4"
}

/// What a fingerprint depends on besides the plan itself.
public struct FingerprintInputs: Sendable, Equatable {
  /// ``EngineVersion/current`` unless a test overrides it.
  public var engineVersion: String
  /// sha256 (hex) of the model's .pb file.
  public var modelSHA256: String
  /// sha256 (hex) of the input image file's bytes.
  public var inputSHA256: String
  /// The recipe's layers bound to the model's dream layers, which turn `layer: 3` into a node
  /// name; nil when the model is not available (layers then enter as written).
  public var layers: LayerBinding?
  /// sha256 (hex) of every other image the recipe reads (guides, colour references), by resolved
  /// path.
  public var imageSHA256: [String: String]

  public init(
    engineVersion: String = EngineVersion.current, modelSHA256: String, inputSHA256: String,
    layers: LayerBinding? = nil, imageSHA256: [String: String] = [:]
  ) {
    self.engineVersion = engineVersion
    self.modelSHA256 = modelSHA256
    self.inputSHA256 = inputSHA256
    self.layers = layers
    self.imageSHA256 = imageSHA256
  }
}

/// One fingerprint per plan node: sha256 (hex) over the engine version, the node's kind and
/// canonical parameter string, what it reads from outside the plan (the input file's hash for
/// `load`; the model's hash and the resolved layer names for `dream`; the hashes of guide and
/// colour-reference images for the nodes that read them; never the thread count,
/// which changes no bit) and the fingerprints of its input
/// nodes, in order. So a change anywhere changes the fingerprint of every node downstream of it,
/// and nothing else.
public enum Fingerprints {
  /// The fingerprints of `plan`'s nodes, indexed like ``ExecutionPlan/nodes``.
  public static func compute(_ plan: ExecutionPlan, inputs: FingerprintInputs) -> [String] {
    var result: [String] = []
    result.reserveCapacity(plan.nodes.count)
    for node in plan.nodes {
      result.append(
        sha256Hex(Array(fields(of: node, inputs: inputs, fingerprints: result).joined(separator: "\n").utf8)))
    }
    return result
  }

  /// What node's fingerprint hashes, one line each (`fingerprints` holds at least its inputs'):
  /// the format tag, the engine version, the parameter string, the outside inputs (`input-sha256=`,
  /// `model-sha256=`, `layers=`, `image-sha256=`) and `input=` the fingerprint of each input node.
  public static func fields(of node: PlanNode, inputs: FingerprintInputs, fingerprints result: [String])
    -> [String]
  {
    var fields = ["dream-run fingerprint 1", inputs.engineVersion, node.parameters]
    switch node.kind {
    case .load: fields.append("input-sha256=" + inputs.inputSHA256)
    case .dream:
      fields.append("model-sha256=" + inputs.modelSHA256)
      if case .dream(let dream) = node.operation {
        // The node names the layer references resolve to: if the model's dream-layer list
        // changes, `layer: 3` may mean another layer, and the dream must be rendered again.
        let names = dream.terms.map { term in
          inputs.layers?.name(of: term.layer) ?? "\(term.layer)"
        }
        fields.append("layers=" + names.joined(separator: ","))
      }
    case .transform, .blend, .save, .video: break
    }
    // Guides and colour references: their bytes, like the input's (their paths are parameters).
    for image in node.operation.referencedImages {
      fields.append("image-sha256=" + (inputs.imageSHA256[image.resolvedPath] ?? "unread"))
    }
    for input in node.inputs {
      precondition(input < result.count, "plan node \(node.id) reads node \(input), not yet fingerprinted")
      fields.append("input=" + result[input])
    }
    return fields
  }

  /// Lowercase hex sha256 of `bytes`.
  public static func sha256Hex<Bytes: DataProtocol>(_ bytes: Bytes) -> String {
    FileHashing.hex(SHA256.hash(data: bytes))
  }
}

/// The random seed of one dream node, derived from the recipe's seed, the frame number and the
/// recipe step number, so that frames differ and every run repeats.
public enum DreamSeed {
  public static func derive(seed: UInt64, frame: Int, step: Int) -> UInt64 {
    var state = mix(seed)
    state = mix(state ^ UInt64(truncatingIfNeeded: frame))
    state = mix(state ^ (UInt64(truncatingIfNeeded: step) << 32))
    return state
  }

  /// SplitMix64's increment and finaliser.
  private static func mix(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Raw sha256 digests.
enum SHA256Bytes {
  static func digest(_ bytes: [UInt8]) -> [UInt8] {
    Array(SHA256.hash(data: bytes))
  }
}
