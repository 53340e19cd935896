import Foundation
import XCTest

/// `normlab simulate` as a user runs it: the JSON contract, the metrics file, the
/// case file `trace` reads back, and the bad-input rules (one line, exit 2).
final class SimulateCLITests: XCTestCase {
    func run(_ arguments: [String]) throws -> CLITests.Result { try CLITests.run(["simulate"] + arguments) }

    func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("normlab-sim-\(getpid())-\(name)").path
    }

    func testJSONAndMetricsContract() throws {
        let metrics = temporary("metrics.jsonl")
        let result = try run([
            "--dataset", "xor", "--samples", "120", "--hidden", "8,8", "--steps", "20", "--log-every", "10", "--json",
            "--metrics", metrics,
        ])
        XCTAssertEqual(result.status, 0, result.standardError)
        let json = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as! [String: Any]
        XCTAssertNotNil(json["config"] as? [String: Any])
        let runs = json["runs"] as! [[String: Any]]
        XCTAssertEqual(runs.count, 1)
        for key in ["name", "status", "steps", "final_train_loss", "final_test_loss", "test_accuracy"] {
            XCTAssertNotNil(runs[0][key], key)
        }
        XCTAssertTrue(["trained", "stalled", "diverged"].contains(runs[0]["status"] as! String))
        let lines = try String(contentsOfFile: metrics, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 3) // steps 0, 10, 20
        for (line, step) in zip(lines, [0, 10, 20]) {
            let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            XCTAssertEqual(record["run"] as? String, "run")
            XCTAssertEqual(record["step"] as? Int, step)
            XCTAssertNotNil(record["train_loss"] as? Double)
            XCTAssertNotNil(record["test_loss"] as? Double)
            let layers = record["layers"] as! [[String: Any]]
            XCTAssertEqual(layers.count, 3)
            XCTAssertNotNil(layers[0]["act_std"] as? Double)
        }
        // The same command again, on one thread: the same bytes.
        let again = try run([
            "--dataset", "xor", "--samples", "120", "--hidden", "8,8", "--steps", "20", "--log-every", "10", "--json",
            "--threads", "1",
        ])
        XCTAssertEqual(again.standardOutput, result.standardOutput)
        XCTAssertFalse(result.standardOutput.contains("seconds"))
    }

    func testDumpedCaseReadsBackInTrace() throws {
        let file = temporary("case.json")
        let result = try run([
            "--dataset", "circle", "--samples", "80", "--hidden", "8,8", "--norm", "batchnorm", "--steps", "6",
            "--batch-size", "16", "--dump-case", "2@5", file,
        ])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.contains("exact zoom: batchnorm of layer 2 at step 5"))
        let traced = try CLITests.run(["trace", "batchnorm", "--input", file, "--json"])
        XCTAssertEqual(traced.status, 0, traced.standardError)
        let case_ = try JSONSerialization.jsonObject(with: Data(traced.standardOutput.utf8)) as! [String: Any]
        let outputs = case_["outputs"] as! [String: Any]
        XCTAssertNotNil(outputs["dx"])
        XCTAssertNotNil(outputs["running_var"])
        let x = (case_["inputs"] as! [String: Any])["x"] as! [String: Any]
        XCTAssertEqual(x["shape"] as? [Int], [16, 8])
    }

    func testBadInputIsOneLineAndExitTwo() throws {
        let cases: [([String], String)] = [
            (["--hidden", "8,0"], "layer 2 has width 0"),
            (["--hidden", ""], "is not an integer"),
            (["--dataset", "circle", "--samples", "40", "--batch-size", "100"], "larger than the training set"),
            (["--dropout", "1"], "must lie in [0, 1)"),
            (["--dropout", "-0.1"], "must lie in [0, 1)"),
            (["--lr", "0"], "--lr 0 must be > 0"),
            (["--lr", "-1"], "--lr -1 must be > 0"),
            (["--preset", "no-such"], "--preset no-such is unknown"),
            (["--activation", "swish"], "swish"),
            (["--dataset", "nothing"], "--dataset nothing is unknown"),
            (["--steps", "5", "--dump-case", "1@3", "/tmp/x.json"], "has no normalization and no dropout"),
            (["--steps", "5", "--norm", "batchnorm", "--dump-case", "1@9", "/tmp/x.json"], "step 9 is past the end"),
            (["--steps", "5", "--norm", "batchnorm", "--dump-case", "7@2", "/tmp/x.json"], "layer 7 does not exist"),
            (["--init", "-2"], "--init -2 must be a positive number"),
            (["--norm", "groupnorm", "--groups", "3"], "--groups 3 does not divide"),
        ]
        for (arguments, message) in cases {
            let result = try run(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.standardError)")
            // The first line names the value and the rule (argument-parser's own errors add usage lines).
            let first = result.standardError.split(separator: "\n").first.map(String.init) ?? ""
            XCTAssertTrue(first.contains(message), "\(arguments): \(result.standardError)")
            if first.hasPrefix("normlab:") {
                XCTAssertEqual(
                    result.standardError.split(separator: "\n").count, 1, "\(arguments): \(result.standardError)")
            }
        }
        let ragged = temporary("ragged.csv")
        try "1,2,0\n3,4\n".write(toFile: ragged, atomically: true, encoding: .utf8)
        let r = try run(["--dataset", ragged])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.standardError.contains("row 2 has 2 cells"), r.standardError)
        let text = temporary("text.csv")
        try "1,2,0\n3,x,1\n5,6,0\n7,8,1\n".write(toFile: text, atomically: true, encoding: .utf8)
        let t = try run(["--dataset", text])
        XCTAssertEqual(t.status, 2)
        XCTAssertTrue(t.standardError.contains("row 2, column 2 is \"x\""), t.standardError)
    }

    func testDivergenceIsAResultNotAnError() throws {
        let result = try run([
            "--dataset", "circle", "--samples", "80", "--hidden", "8,8", "--lr", "1e30", "--steps", "20", "--json",
        ])
        XCTAssertEqual(result.status, 0, result.standardError)
        let json = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as! [String: Any]
        let run = (json["runs"] as! [[String: Any]])[0]
        XCTAssertEqual(run["status"] as? String, "diverged")
        XCTAssertNotNil(run["diverged_at_step"] as? Int)
        XCTAssertNotNil(run["diverged_quantity"] as? String)
    }
}
