import Foundation
import XCTest

/// `normlab trace double-descent` as a user runs it.
final class DoubleDescentCLITests: XCTestCase {
    func testJSONCaseNamesTheParameterAndTheCurves() throws {
        let result = try CLITests.run(["trace", "double-descent", "--n", "4", "--max-features", "12", "--json"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let json = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        XCTAssertEqual(json?["op"] as? String, "double-descent")
        let params = json?["params"] as? [String: Any]
        XCTAssertEqual(params?["n"] as? String, "4")
        XCTAssertEqual(params?["max_features"] as? String, "12")
        let outputs = json?["outputs"] as? [String: Any]
        for name in ["features", "test_risk", "train_risk"] {
            let tensor = outputs?[name] as? [String: Any]
            XCTAssertEqual(tensor?["shape"] as? [Int], [12], name)
        }
        let features = (outputs?["features"] as? [String: Any])?["exact"] as? [String]
        XCTAssertEqual(features, (1...12).map(String.init))
        // The generated data are the case's inputs: the case re-runs as given.
        let inputs = json?["inputs"] as? [String: Any]
        for name in ["x", "y", "feature_weights", "feature_biases", "test_x", "test_y"] {
            XCTAssertNotNil(inputs?[name], name)
        }
    }

    func testBadInputExitsWithTwoAndNamesTheRule() throws {
        for (arguments, fragment) in [
            (["--n", "40"], "parameter n = 40 must lie in 1…32"),
            (["--max-features", "200"], "parameter max_features = 200 must lie in 1…128"),
            (["--n", "32", "--max-features", "40"], "exceeds 1024, the exact path's limit"),
            (["--seed", "-3"], "parameter seed = -3 must be ≥ 0"),
            (["--noise", "-1"], "parameter noise = -1 must be ≥ 0"),
        ] {
            let result = try CLITests.run(["trace", "double-descent"] + arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains(fragment), "\(arguments): \(result.standardError)")
            XCTAssertEqual(result.standardError.split(separator: "\n").count, 1, result.standardError)
        }
    }
}
