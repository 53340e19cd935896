import Foundation
import XCTest

/// The normalization `trace` verbs as a user runs them: built-in examples,
/// case files, flags, JSON, and exit code 2 for bad input.
final class NormalizationTraceTests: XCTestCase {
    static var examples: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("examples/cases")
    }

    func testEveryVerbRunsItsBuiltInExample() throws {
        for verb in [
            "standardize", "batchnorm", "layernorm", "groupnorm", "instancenorm", "running-stats", "bn-fold",
            "bn-facts",
        ] {
            let result = try CLITests.run(["trace", verb])
            XCTAssertEqual(result.status, 0, "\(verb): \(result.standardError)")
            XCTAssertTrue(result.standardOutput.contains("OUTPUT"), verb)
        }
    }

    func testExampleCaseFilesRunAndJSONHasTheNamedSteps() throws {
        let result = try CLITests.run([
            "trace", "batchnorm", "--input", Self.examples.appendingPathComponent("batchnorm.json").path, "--json",
        ])
        XCTAssertEqual(result.status, 0, result.standardError)
        for name in [
            "\"mean\"", "\"var\"", "\"xhat\"", "\"y\"", "\"dx\"", "\"dgamma\"", "\"dbeta\"", "\"running_mean\"",
            "\"running_var\"", "\"dx_graph_minus_compact\"",
        ] {
            XCTAssertTrue(result.standardOutput.contains(name), name)
        }
        for file in ["standardize", "layernorm", "groupnorm", "running-stats", "bn-fold", "bn-facts", "batchnorm-conv"]
        {
            let op = file == "batchnorm-conv" ? "batchnorm" : file
            let run = try CLITests.run([
                "trace", op, "--input", Self.examples.appendingPathComponent("\(file).json").path,
            ])
            XCTAssertEqual(run.status, 0, "\(file): \(run.standardError)")
        }
    }

    func testFlagsOverrideAndConventionsApply() throws {
        // Keras decays the old value: with momentum 3/4 (a dyadic value, exact in f64),
        // batch means 2 and 4 give RM = ¾·(¼·2) + ¼·4 = 11/8.
        let result = try CLITests.run([
            "trace", "running-stats", "--batches", "1,3,2,6", "--shape", "2,2,1", "--convention", "keras",
            "--momentum", "0.75", "--json",
        ])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.contains("\"11/8\""), "keras running mean 11/8")
        let eval = try CLITests.run([
            "trace", "batchnorm", "--x", "1,2,3,4", "--shape", "2,2", "--mode", "eval", "--running-var", "4,1", "--eps",
            "0", "--json",
        ])
        XCTAssertEqual(eval.status, 0, eval.standardError)
        XCTAssertTrue(eval.standardOutput.contains("\"y_folded_minus_unfolded\""))
    }

    func testBadInputExitsTwoWithOneLine() throws {
        for (arguments, fragment) in [
            (["trace", "batchnorm", "--convention", "tensorflow"], "known conventions: pytorch"),
            (["trace", "batchnorm", "--x", "1,2", "--shape", "1,2", "--eps", "0"], "channel 0 has zero variance"),
            (["trace", "batchnorm", "--x", "1,2,3,4", "--shape", "2,2", "--gamma", "1,2,3"], "one value per channel"),
            (["trace", "batchnorm", "--momentum", "2"], "momentum = 2 is outside [0, 1]"),
            (
                ["trace", "groupnorm", "--x", "1,2,3,4", "--shape", "1,4", "--groups", "3"],
                "groups = 3 must be a positive divisor"
            ),
            (["trace", "batchnorm", "--eps=-1"], "eps = -1 is negative"),
            (["trace", "standardize", "--x", "1,nan"], "--x value 2"),
        ] {
            let result = try CLITests.run(arguments)
            XCTAssertEqual(result.status, 2, arguments.joined(separator: " "))
            XCTAssertTrue(result.standardError.contains(fragment), "\(arguments): \(result.standardError)")
            XCTAssertEqual(result.standardError.split(separator: "\n").count, 1, result.standardError)
        }
    }
}
