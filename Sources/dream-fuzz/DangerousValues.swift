/// Values that tend to break parsers and numeric code, as YAML source text.
///
/// Paths in here are relative and climb at most two levels, or are absolute under the trial's
/// own folder (`caseDirectory`); `PathGuard` enforces that again on the finished recipe.
struct DangerousValues {
  let caseDirectory: String

  /// Numbers at and around the edges of Int32, Int64, UInt64, Float and Double.
  static let numbers: [String] = [
    "0", "-0", "1", "-1", "2", "3", "7", "255", "256", "32767", "32768", "65535", "65536",
    "1000000", "1000001", "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967295",
    "4294967296", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
    "-9223372036854775809", "18446744073709551615", "18446744073709551616",
    "340282366920938463463374607431768211456", "1e308", "-1e308", "1e309", "1.7976931348623157e308",
    "3.4028235e38", "3.5e38", "3e38", "-3e38", "1e-45", "1.4e-45", "4.9e-324", "5e-324", "1e-400",
    "0.5", "0.9999999999999999", "1.0000000000000002", ".nan", ".NaN", "NaN", ".inf", "-.inf",
    "+.inf", ".Inf", "inf", "0x7fffffff", "0xffffffffffffffff", "0o777", "0b101", "1_000_000", "+1",
    "1e3", "1E3", "0.", ".5", "-.5", "1:20", "00", "007", "1e", "--1", "1..2",
  ]

  /// Scalars that are not numbers: empty, null, booleans, collections, YAML syntax, odd text.
  static let scalars: [String] = [
    "", "''", "\"\"", "~", "null", "Null", "true", "false", "yes", "no", "on", "off", "[]", "{}", "[[]]",
    "{{}}", "[32768, 32768]", "[32767, 32767]", "[32768, 1]", "[1, 32768]", "[1, 1]", "[0, 0]",
    "[-1, -1]", "[1, 0]", "[65536, 65536]", "[100000, 100000]", "[2147483647, 2147483647]",
    "[1]", "[1, 2, 3]", "[1, 2, 3, 4]", "[[1, 2]]", "[1.5, 2.5]", "[.nan, .inf]", "[a, b]",
    "{0: 1}", "{0: 1, 1000000: 2}", "{-1: 1}", "{2: 1, 1: 2}", "{0: 1, 0: 2}", "{0: .nan, 1: .inf}",
    "{9223372036854775807: 1}", "{0: 1e308, 1: -1e308}", "{0: 0, 1: 999999999}", "{0: mixed3a, 1: 99}",
    "{0: [1, 2]}", "{0: {0: 1}}", "{1.5: 2}", "{a: 1}", "{layer: 3}", "{path: x.png}",
    "[{layer: 0, weight: 1e308}, {layer: 1, weight: -1e308}]", "[{layer: 0, weight: .nan}]",
    "[{}]", "[{layer: []}]", "*undefined", "&anchor", "&a *a", "!!str 3", "!!int x", "!!binary AAAA",
    "!!float .nan", "!foo bar", "!<tag:yaml.org,2002:str> x", "|", ">-", "? a", "- a", "- - -", "---",
    "...", "%YAML 1.2", "@x", "`x`", "'unterminated", "\"unterminated", "'a''b'", "\"a\\\"b\"",
    "a: b: c", "a # comment", "#", "\"\\x1b[31mred\\x1b[0m\"", "\"\\e[2J\\e[H\"", "\"a\\0b\"",
    "\"\\x00\"", "\"\\x07\\x08\\x7f\"", "\"\\r\\n\\t\\v\\f\"", "\"\\u202e\\u200b\"", "\"\\uD800\"",
    "\"\\U0010FFFF\"", "\"\\U00110000\"", "\"\\xff\\xfe\"", "\"\\N\\L\\P\"", "\"\\_\"", "\"\\q\"",
    "\u{1B}[31m",
    "a\u{07}b", "\u{202E}gnp.exe", "\u{FEFF}", "\u{200B}", "🐱", "e\u{301}\u{301}\u{301}", "日本語",
    "Ω≈ç√", "%s%s%n%x", "{frame}", "{frame:010}", "{frame:0}", "{frame:09}", "{frame:04d}", "{{frame}}",
    "{frame}{frame}", "{", "}", "[", "]", ",", ":", "-", "?", "inception5h", "googlenet",
    "inception_v3", "mixed4c", "mixed3a", "conv2d0", "inception_4c/output", "inception_4c/output:0",
    "conv1/7x7_s2", "conv", "block/output", "input", "render", "classic", "octaves", "mean",
    "mean-square", "seed", "2d", "3d", "round", "truncate",
  ]

  /// Relative file names and paths; `{case}` is replaced by the trial folder.
  static let paths: [String] = [
    "input.png", "input.jpg", "./input.png", "x.png", "x.jpg", "x.jpeg", "x.PNG", "x.JPG", "x.gif",
    "x.bmp", "x.pb", "x.mp4", "x.avi", "x.mkv", "x", ".x", "x.", ".png", ".", "./", "..", "../",
    "../x.png", "../x/{frame}.png", "../../x.png", "../../o/{frame:04}.jpg", "a/../x.png",
    "out/{frame}/", "out/{frame}.png/", "out//{frame}.png", "out/./{frame}.png", ".dream-run/x.png",
    ".dream-run/{frame}.png", ".dream-run", "a/b/c/d/e/f/g/h/{frame:02}.png", "model.pb",
    "tiny-model.pb", "recipe.yaml", "{case}/abs/{frame}.png", "{case}/input.png", "{case}/x.jpg",
    "{case}/", "{case}/../x.png", "{case}/model.pb", "\"sp ace/{frame}.png\"", "\"tab\\t/{frame}.png\"",
    "\"nl\\n{frame}.png\"", "\"\\e[31m{frame}.png\"", "\"\\u202e{frame}gnp.png\"", "日本/{frame}.png",
    "con.png", "nul.jpg", "aux", "x.png.png", "x.png.jpg", "{frame}.png", "{frame:09}.jpg",
  ]

  /// Keys of the recipe language (and a few near-misses), for inserted lines.
  static let keys: [String] = [
    "model", "seed", "frames", "frame0", "feedback", "size", "threads", "check", "steps", "load", "zoom",
    "factor", "trim", "top", "bottom", "left", "right", "tint", "clip", "quantize", "dream", "layer",
    "channels", "objective", "algorithm", "iterations", "step", "rescale", "repeats", "blend", "tile",
    "blur", "quantize-octaves", "preset", "octaves", "octave-scale", "jitter", "save", "path", "quality",
    "video", "fps", "from", "blend", "tolerance", "max", "mean", "psnr", "weight", "<<", "thread", "frame",
    "transform", "rotate", "translate", "edge", "match-colors", "reference", "strength", "colors", "guide",
    "normalize", "lap-levels", "tv", "sweep", "max-variants", "input",
    "Steps", "", "\"\"", "? [a, b]", "*alias", "&a key", "!!str key", "x\u{1B}[2Jy", "key with spaces",
  ]

  /// Whole step lines (two-space list items) that stress the step parser and the planner.
  static let steps: [String] = [
    "  - dream: {layer: 3, iterations: 1000000000, step: 1e308}",
    "  - dream: {layer: 0, tile: 32, repeats: 64, rescale: 0.999999}",
    "  - dream: {layer: 0, algorithm: octaves, octaves: 64, octave-scale: 1.0000001}",
    "  - dream: {layer: 0, algorithm: octaves, jitter: 9223372036854775807}",
    "  - dream: {layer: 7, channels: [0, 511, 512, -1, 99999999999]}",
    "  - dream: {layer: [{layer: 0, weight: 1e308}, {layer: 7, weight: 1e308}]}",
    "  - zoom: {factor: 1e-308}", "  - zoom: {factor: 1e308}", "  - zoom: {factor: .nan}",
    "  - zoom: {trim: {top: 32768, bottom: 32768}}", "  - zoom: {trim: {left: 2147483648}}",
    "  - tint: 3e38", "  - tint: [3e38, -3e38, .nan]", "  - clip: [.nan, .inf]", "  - clip: [5, 5]",
    "  - quantize: round", "  - quantize: banana", "  - save: out/{frame}.png", "  - save: input.png",
    "  - save: {path: \"q/{frame}.jpg\", quality: 0}", "  - save: {path: \"q/{frame}.jpg\", quality: 101}",
    "  - video: {path: v.avi, fps: 1e-308}", "  - video: {path: v.mp4, fps: .nan, from: nowhere.png}",
    "  - video: v.gif", "  - load: input.png", "  - load: ../../x.png", "  - clip", "  - dream",
    "  - {}", "  - []", "  -", "  - ~",
    "  - transform: {zoom: 1e-308, rotate: 1e308, translate: [1e308, -1e308]}",
    "  - transform: {rotate: {0: 0, 1: 3.6e300}, translate: [.nan, .inf], edge: wrap}",
    "  - transform: {zoom: 32768}", "  - transform: {}", "  - match-colors", "  - match-colors: input",
    "  - match-colors: {reference: input.png, strength: {0: 0, 1: 1}}",
    "  - match-colors: ../../etc/passwd.png",
    "  - dream: {layer: 7, guide: input.png, channels: [0, 511]}",
    "  - dream: {layer: 0, guide: nowhere.png}",
    "  - dream: {layer: 3, normalize: lapnorm, lap-levels: 12, tv: 0.25, colors: original, blur: none}",
    "  - dream: {layer: 3, algorithm: octaves, normalize: lapnorm, lap-levels: 1, tv: 1e-308}",
  ]

  /// Values at the edges of each setting's documented range (docs/recipes.md), by key.
  static let byKey: [String: [String]] = [
    "frames": ["0", "1", "2", "999999", "1000000", "1000001", "2147483648", "1e6", "-1", "[1, 2]", "all"],
    "seed": ["-1", "0", "18446744073709551615", "18446744073709551616", "9223372036854775808", "1.5"],
    "size": [
      "[32768, 32768]", "[32769, 1]", "[1, 1]", "[0, 0]", "[1, 32768]", "[16384, 16384]", "[20000, 20000]",
      "[2, 2]", "[1]", "[a, b]", "[1.5, 2]", "[-1, 5]",
    ],
    "threads": ["0", "1", "1024", "1025", "-1", "2147483648"],
    "sweep": [
      "{layer: [0, 1, 2]}", "{step: [1, 2], iterations: [1, 2]}", "{layer: []}", "{layer: 3}", "{}", "[1, 2]",
      "{input: [input.png, input.png]}", "{input: [../../x.png, /etc/passwd]}", "{seed: [0, -1]}",
      "{stepp: [1]}", "{step: [1, 1]}",
      "{iterations: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]}",
      "{channels: [[0], [511], [-1]]}", "{layer: [{0: 0, 1: 7}, 3]}",
    ],
    "max-variants": ["0", "1", "256", "10000", "10001", "-1", "many"],
    "frame0": ["input", "render", "both", "''"],
    "feedback": ["true", "false", "maybe", "1", "{blend: 0.5}", "{blend: 2}", "{blend: {0: 0, 1: 1}}", "{}"],
    "iterations": ["0", "-1", "1000000000", "2147483647", "2147483648", "{0: 0, 1: 1000000}"],
    "step": ["0", "-0", "1e308", "-1e308", ".nan", ".inf", "1e-308", "{0: 1e308, 1: -1e308}"],
    "rescale": ["0", "1", "0.999999", "1e-308", "0.0000001", "-0.5", ".nan"],
    "repeats": ["0", "64", "65", "-1", "{0: 0, 1: 64}"],
    "blend": ["0", "1", "1.0000001", "-1e-300", ".nan"],
    "tile": ["31", "32", "33", "2147483647", "100000", "0", "{0: 32, 1: 100000}"],
    "octaves": ["1", "64", "65", "0"],
    "octave-scale": ["1", "1.0000001", "1e308", "1e-308", ".inf"],
    "jitter": ["0", "9223372036854775807", "100000", "-1", "{0: 0, 1: 1000000}"],
    "layer": [
      "0", "7", "8", "-1", "99999999999999999999", "inception_4c/output:0", "inception_4c/output:1", "input",
      "preprocess/sub", "conv1/7x7_s2/weights", "inception_3a/1x1/conv", "pool1/3x3_s2", "{0: 0, 999999: 7}",
      "[]", "[{layer: 0, weight: 1e308}, {layer: 0, weight: -1e308}]", "[{layer: 7, channels: [511]}]",
    ],
    "channels": ["[]", "[0]", "[-1]", "[511]", "[512]", "[0, 0]", "[4294967296]", "[3, 2, 1, 0]"],
    "factor": [
      "0", "1e-308", "1e308", "0.0001", "32768", "32769", "1", "-1", ".nan", "{0: 1e-300, 1: 1e300}",
    ],
    "top": ["0", "32768", "32769", "47", "48", "-1", "{0: 0, 1: 32768}"],
    "bottom": ["0", "32768", "32769", "31", "32", "-1"],
    "left": ["0", "32768", "32769", "47", "48", "-1"],
    "right": ["0", "32768", "32769", "31", "32", "-1"],
    "tint": ["3e38", "-3e38", "1e308", "[3e38, 3e38, 3e38]", ".nan", "[1, 2]"],
    "clip": ["[0, 0]", "[1, 0]", "[-1e308, 1e308]", "[.nan, 1]", "[0, .inf]"],
    "quality": ["0", "1", "100", "101", "-1"],
    "fps": ["0", "0.001", "0.0009", "1000", "1001", "1e-308"],
    "weight": ["0", "-0", "1e308", "-1e308", ".nan", "{0: 1, 1: .inf}"],
    "model": ["inception5h", "googlenet.pb", "model.pb", "nonexistent.pb", "x", "inception_v3", "../x.pb"],
    "objective": ["mean", "mean-square", "max", "''"],
    "algorithm": ["classic", "octaves", "deepdream", "''"],
    "blur": ["2d", "3d", "none", "4d", "0"],
    "rotate": ["0", "90", "-90", "360", "1e308", ".nan", "{0: 0, 1: 1e300}"],
    "translate": ["[0, 0]", "[1e308, 1e308]", "[.nan, 0]", "[1]", "3"],
    "edge": ["reflect", "clamp", "wrap"],
    "strength": ["0", "1", "1.0000001", "-0", ".nan"],
    "colors": ["original", "dreamed", "grey"],
    "normalize": ["std", "mean-abs", "lapnorm", "l2"],
    "lap-levels": ["0", "1", "12", "13", "-1"],
    "tv": ["0", "0.25", "0.2500001", "-1e-308", ".nan"],
    "preset": ["seed", "none", "''"],
    "quantize": ["round", "truncate", "floor"],
    "quantize-octaves": ["true", "false", "2"],
    "max": ["0", "255", "256", "-1", ".nan"],
    "mean": ["0", "255", "256", "-1", ".nan"],
    "psnr": ["1", "200", "0.5", "201", ".inf"],
  ]

  /// Keys whose values are paths.
  static let pathKeys: Set<String> = ["load", "save", "path", "video", "from", "guide", "reference"]

  /// A value for `key`'s setting from `byKey` (paths for path keys), or nil for other keys.
  func forKey(_ key: String, _ random: inout SplitMix64) -> [UInt8]? {
    if Self.pathKeys.contains(key) { return path(&random) }
    return Self.byKey[key].map { Array(random.pick($0).utf8) }
  }

  /// One dangerous value (number, scalar, path, bomb or nesting), as YAML text.
  func any(_ random: inout SplitMix64) -> [UInt8] {
    switch random.below(10) {
    case 0, 1, 2: return Array(random.pick(Self.numbers).utf8)
    case 3, 4, 5: return Array(random.pick(Self.scalars).utf8)
    case 6: return path(&random)
    case 7: return Self.longText(&random)
    case 8: return Self.nesting(&random)
    default: return Self.aliasBomb(&random)
    }
  }

  /// A path from `paths`, with `{case}` resolved.
  func path(_ random: inout SplitMix64) -> [UInt8] {
    let template = random.pick(Self.paths)
    return Array(template.replacingOccurrences(of: "{case}", with: caseDirectory).utf8)
  }

  /// Long scalars: repeated text, long numbers, long paths.
  static func longText(_ random: inout SplitMix64) -> [UInt8] {
    let length = random.pick([256, 4096, 65536, 200_000])
    switch random.below(5) {
    case 0: return [UInt8](repeating: UInt8(ascii: "x"), count: length)
    case 1: return [UInt8](repeating: UInt8(ascii: "9"), count: length)
    case 2:
      return Array("0.".utf8) + [UInt8](repeating: UInt8(ascii: "0"), count: length) + [UInt8(ascii: "1")]
    case 3: return Array(String(repeating: "a/", count: length / 2).utf8) + Array("{frame}.png".utf8)
    default: return Array(("\"" + String(repeating: "\\x1b[1m\\u00e9", count: length / 12) + "\"").utf8)
    }
  }

  /// `[[[[...]]]]` or `{a: {a: ...}}` nested 50...100000 deep.
  static func nesting(_ random: inout SplitMix64) -> [UInt8] {
    let depth = random.pick([50, 500, 5000, 50_000, 100_000])
    if random.chance(0.6) {
      return [UInt8](repeating: UInt8(ascii: "["), count: depth) + [UInt8(ascii: "1")]
        + [UInt8](repeating: UInt8(ascii: "]"), count: depth)
    }
    return Array(String(repeating: "{a: ", count: depth).utf8) + [UInt8(ascii: "1")]
      + [UInt8](repeating: UInt8(ascii: "}"), count: depth)
  }

  /// A "billion laughs" value written inline: level k is an anchored list (or mapping, or merge)
  /// of `width` aliases of level k-1, so `width^levels` leaves hide in a few hundred bytes.
  static func aliasBomb(_ random: inout SplitMix64) -> [UInt8] {
    let levels = random.inRange(3...9)
    let width = random.inRange(2...10)
    let tag = "b\(random.below(1000))"
    var parts: [String] = []
    switch random.below(3) {
    case 0:
      parts.append("&\(tag)0 [" + Array(repeating: "1", count: width).joined(separator: ", ") + "]")
      for level in 1..<levels {
        parts.append(
          "&\(tag)\(level) [" + Array(repeating: "*\(tag)\(level - 1)", count: width).joined(separator: ", ")
            + "]")
      }
      return Array(("[" + parts.joined(separator: ", ") + "]").utf8)
    case 1:
      let keys = (0..<width).map { "k\($0)" }
      parts.append("a0: &\(tag)0 {" + keys.map { "\($0): 1" }.joined(separator: ", ") + "}")
      for level in 1..<levels {
        parts.append(
          "a\(level): &\(tag)\(level) {" + keys.map { "\($0): *\(tag)\(level - 1)" }.joined(separator: ", ")
            + "}")
      }
      parts.append("<<: *\(tag)\(levels - 1)")
      return Array(("{" + parts.joined(separator: ", ") + "}").utf8)
    default:
      // Merge keys all the way down: every level merges the previous one and adds a key.
      parts.append("&\(tag)0 {k0: 1, step: 1.0}")
      for level in 1..<levels {
        let merges = Array(repeating: "*\(tag)\(level - 1)", count: width).joined(separator: ", ")
        parts.append("&\(tag)\(level) {<<: [\(merges)], k\(level): *\(tag)\(level - 1)}")
      }
      return Array(("{<<: [" + parts.joined(separator: ", ") + "]}").utf8)
    }
  }
}
