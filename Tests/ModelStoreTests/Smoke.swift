import XCTest
import ModelStore
final class ModelStoreSmokeTests: XCTestCase { func testBuilds() {} }
