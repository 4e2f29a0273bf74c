import XCTest
import DreamEngine
final class DreamEngineSmokeTests: XCTestCase { func testBuilds() {} }
