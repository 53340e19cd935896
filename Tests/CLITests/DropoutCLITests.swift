import Foundation
import XCTest

/// The dropout, ridge and bias–variance trace verbs as a user runs them.
final class DropoutCLITests: XCTestCase {
    func testEveryVerbRunsWithItsBuiltInExample() throws {
        let expected: [String: [String]] = [
            "dropout": ["y", "dx"], "dropout-regression": ["lhs", "rhs", "identity_check"],
            "dropout-committee": ["y_mean", "gap", "y_variance"],
            "dropout-bn-shift": ["var_train", "var_test", "variance_ratio"],
            "ridge": ["w", "residual_sd", "r_squared", "w_sd"],
            "bias-variance": ["bias2", "variance", "bayes_error", "risk"], "bias-variance-sweep": ["risk"],
            "bagging": ["variance_removed"],
            "cross-validation": ["cv_error"],
        ]
        for (verb, names) in expected {
            let result = try CLITests.run(["trace", verb, "--json"])
            XCTAssertEqual(result.status, 0, "\(verb): \(result.standardError)")
            let json = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
            let outputs = (json?["outputs"] as? [String: Any]) ?? [:]
            let intermediates = (json?["intermediates"] as? [String: Any]) ?? [:]
            for name in names {
                XCTAssertTrue(outputs[name] != nil || intermediates[name] != nil, "\(verb) lacks \(name)")
            }
            XCTAssertEqual(json?["op"] as? String, verb)
        }
    }

    func testBadInputExitsWithTwoAndNamesTheRule() throws {
        let cases: [([String], String)] = [
            (["trace", "dropout", "--p", "1"], "p = 1 must lie in [0, 1) for inverted dropout"),
            (["trace", "dropout", "--x", "1,-2,3,4", "--mask", "1,0,2,1"], "mask[2] = 2 must be 0 (drop) or 1 (keep)"),
            (["trace", "dropout", "--x", "1,-2,3,4", "--mask", "1,0,1"], "mask has shape [3]"),
            // A given tensor means no example: the rest must be given too.
            (["trace", "dropout", "--mask", "1,0,1,1"], "input x is required"),
            (["trace", "dropout", "--x", "5,6,7,8"], "input mask is missing"),
            (["trace", "bias-variance", "--x-probs", "1/2,1/2,1/2,1/2"], "input x is required"),
            (
                ["trace", "bias-variance", "--x", "-1,0,1,2", "--target", "1,0,1,4", "--x-probs", "1/2,1/2,1/2,1/2"],
                "x_probs sums to 2"
            ),
            (["trace", "ridge", "--X", "1,2", "--y", "1,2,3"], "y has 3 values but X has 2 rows"),
        ]
        for (arguments, message) in cases {
            let result = try CLITests.run(arguments)
            XCTAssertEqual(result.status, 2, arguments.joined(separator: " "))
            XCTAssertTrue(result.standardError.contains(message), "\(arguments): \(result.standardError)")
        }
    }

    func testRidgeReadsCSVAndNamesABadCell() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("normlab-ridge-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let design = folder.appendingPathComponent("X.csv")
        let targets = folder.appendingPathComponent("y.csv")
        let bad = folder.appendingPathComponent("bad.csv")
        try "x\n0\n1\n2\n3\n".write(to: design, atomically: true, encoding: .utf8)
        try "y\n1\n1.5\n3.5\n4\n".write(to: targets, atomically: true, encoding: .utf8)
        try "a,b\n1,2\n3,oops\n".write(to: bad, atomically: true, encoding: .utf8)
        let fit = try CLITests.run([
            "trace", "ridge", "--design", design.path, "--targets", targets.path, "--intercept", "--json",
        ])
        XCTAssertEqual(fit.status, 0, fit.standardError)
        let json = try JSONSerialization.jsonObject(with: Data(fit.standardOutput.utf8)) as? [String: Any]
        let w = ((json?["outputs"] as? [String: Any])?["w"] as? [String: Any])?["exact"] as? [String]
        XCTAssertEqual(w, ["17/20", "11/10"])
        let sd = ((json?["outputs"] as? [String: Any])?["residual_sd"] as? [String: Any])?["exact"] as? [String]
        XCTAssertEqual(sd, ["3/20*sqrt(10)"])
        let failure = try CLITests.run(["trace", "ridge", "--design", bad.path, "--targets", targets.path])
        XCTAssertEqual(failure.status, 2)
        XCTAssertTrue(
            failure.standardError.contains("row 3, column 2: \"oops\" is not a number"), failure.standardError)
    }
}
