import XCTest
import DreamRun
final class DreamRunSmokeTests: XCTestCase { func testBuilds() {} }
