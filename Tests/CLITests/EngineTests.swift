import Foundation
import XCTest

/// `normlab trace OP --engine simd`: the kernel's results next to the exact trace.
final class EngineTests: XCTestCase {
    func testSimdEngineAddsComputedValuesAndErrors() throws {
        let result = try CLITests.run(["trace", "batchnorm", "--engine", "simd", "--json"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let json = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as! [String: Any]
        let outputs = json["outputs"] as! [String: [String: Any]]
        for name in ["y", "dx", "dgamma", "dbeta"] {
            let tensor = outputs[name]!
            let computed = tensor["computed"] as! [String]
            XCTAssertEqual(computed.count, (tensor["exact"] as! [String]).count, name)
            XCTAssertTrue(computed.allSatisfy { $0.hasPrefix("0x") || $0.hasPrefix("-0x") }, name)
            XCTAssertLessThanOrEqual((tensor["max_ulp"] as! NSNumber).intValue, 64, name)
            XCTAssertNotNil(tensor["normwise_rel_err"] as? NSNumber, name)
        }
        let table = try CLITests.run(["trace", "layernorm", "--engine", "simd"])
        XCTAssertEqual(table.status, 0, table.standardError)
        XCTAssertTrue(table.standardOutput.contains("SIMD KERNEL (f64)"))
        XCTAssertFalse(table.standardOutput.contains("EXCEEDS"))
    }

    func testSimdEngineOnAnOpWithoutAKernelIsBadInput() throws {
        let result = try CLITests.run(["trace", "ridge", "--engine", "simd"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.standardError.contains("no kernel for op \"ridge\""), result.standardError)
        XCTAssertEqual(try CLITests.run(["trace", "batchnorm", "--engine", "gpu"]).status, 2)
    }
}
