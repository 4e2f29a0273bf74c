import XCTest
import RecipeParser
final class RecipeParserSmokeTests: XCTestCase { func testBuilds() {} }
