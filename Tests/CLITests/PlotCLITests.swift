import Foundation
import XCTest

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `normlab plot` as a user runs it: the example metrics file drawn in the
/// terminal and as SVG, and every kind of bad input refused in one line
/// with exit 2.
final class PlotCLITests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let example = root.appendingPathComponent("examples/metrics/init-scale.jsonl").path

    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("normlab-plot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func file(_ name: String, _ contents: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func testDrawsTheExampleFileInTheTerminal() throws {
        let result = try CLITests.run(
            ["plot", Self.example, "--y", "train_loss", "--log-y", "--width", "80", "--plain"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let lines = result.standardOutput.split(separator: "\n")
        XCTAssertTrue(lines.allSatisfy { $0.count <= 80 })
        for name in ["c=3", "c=2", "c=1", "step", "train_loss"] {
            XCTAssertTrue(result.standardOutput.contains(name), "no \(name) in\n\(result.standardOutput)")
        }
        // The c=3 run diverges at step 3: a mark and a note, not a crash.
        XCTAssertTrue(result.standardOutput.contains("X c=3: NaN at step 3, the curve stops there"))
        XCTAssertFalse(result.standardOutput.contains("\u{1B}"))
        // NO_COLOR also means plain ASCII.
        let noColor = try CLITests.run(
            ["plot", Self.example, "--y", "train_loss", "--width", "80"],
            environment: ["NO_COLOR": "1", "LANG": "C.UTF-8"])
        XCTAssertTrue(noColor.standardOutput.unicodeScalars.allSatisfy(\.isASCII))
        // Without --plain, on a UTF-8 locale, the frame is drawn in box characters.
        let unicode = try CLITests.run(
            ["plot", Self.example, "--y", "train_loss", "--width", "80"],
            environment: ["LANG": "C.UTF-8", "NO_COLOR": ""])
        XCTAssertTrue(unicode.standardOutput.contains("┌"), unicode.standardOutput)
    }

    func testNestedFieldsAndProfiles() throws {
        let perLayer = try CLITests.run(
            ["plot", Self.example, "--y", "layers[20].act_std", "--log-y", "--width", "90", "--plain"])
        XCTAssertEqual(perLayer.status, 0, perLayer.standardError)
        XCTAssertTrue(perLayer.standardOutput.contains("layers[20].act_std"))
        let profile = try CLITests.run(
            [
                "plot", Self.example, "--x", "layers.layer", "--y", "layers.act_std", "--where", "step=0", "--log-y",
                "--width", "90", "--plain",
            ])
        XCTAssertEqual(profile.status, 0, profile.standardError)
        XCTAssertTrue(profile.standardOutput.contains("layers.layer"))
        for run in ["c=3", "c=2", "c=1"] { XCTAssertTrue(profile.standardOutput.contains("\(run) "), run) }
    }

    func testWritesAnSVGFile() throws {
        let output = folder.appendingPathComponent("loss.svg").path
        let result = try CLITests.run(
            ["plot", Self.example, "--y", "train_loss,test_loss", "--svg", output, "--title", "Initialization scale"])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertEqual(result.standardOutput, "wrote \(output) (6 curves, 640×480)\n")
        let data = try Data(contentsOf: URL(fileURLWithPath: output))
        let parser = XMLParser(data: data)
        XCTAssertTrue(parser.parse(), "\(String(describing: parser.parserError))")
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.contains(">Initialization scale</text>"))
        XCTAssertTrue(text.contains(">c=2 test_loss</text>"))
        // The same command writes the same bytes.
        let again = folder.appendingPathComponent("again.svg").path
        _ = try CLITests.run(
            ["plot", Self.example, "--y", "train_loss,test_loss", "--svg", again, "--title", "Initialization scale"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: again)), data)
    }

    func testBadInputIsOneLineNamingTheValueAndTheRule() throws {
        let empty = try file("empty.jsonl", "\n\n")
        let broken = try file("broken.jsonl", "{\"step\": 0, \"loss\": 1}\n{\"step\": 1, \"loss\": }\n")
        let array = try file("array.jsonl", "[1, 2]\n")
        let words = try file("words.jsonl", "{\"step\": 0, \"loss\": 1}\n{\"step\": 1, \"loss\": \"high\"}\n")
        let zero = try file("zero.jsonl", "{\"step\": 0, \"loss\": 1}\n{\"step\": 1, \"loss\": 0}\n")
        let good = try file("good.jsonl", "{\"step\": 0, \"loss\": 1}\n{\"step\": 1, \"loss\": 0.5}\n")
        let cases: [([String], String)] = [
            (["plot", empty], "empty.jsonl: the file is empty; a metrics file holds one JSON object per line"),
            (["plot", broken], "broken.jsonl line 2: not JSON (column 21: unexpected character)"),
            (["plot", array], "array.jsonl line 1: a JSON array, not an object"),
            (
                ["plot", folder.appendingPathComponent("missing.jsonl").path],
                "missing.jsonl: cannot read the file (no such file)"
            ),
            (
                ["plot", good, "--y", "los"],
                "--y los: no line of \(good) has this field (there: step, loss); did you mean \"loss\"?"
            ),
            (["plot", Self.example, "--y", "layers.act_sd"], "--y layers.act_sd: no element under layers has act_sd"),
            (
                ["plot", words, "--y", "loss"],
                "--y loss: line 2 holds the string \"high\", not a number; --y takes numeric fields"
            ),
            (["plot", zero, "--y", "loss", "--log-y"], "--log-y: loss is 0 on line 2; a log scale needs values > 0"),
            (["plot", good, "--width", "12"], "--width 12 is below the "),
            (
                ["plot", good, "--svg", folder.appendingPathComponent("no/such/dir/x.svg").path],
                "cannot write the file (No such file or directory)"
            ),
            (["plot", good, "--y", "layers[0].x"], "--y layers[0].x: index 0 in \"layers[0]\" must be at least 1"),
            (["plot", good, "--where", "step"], "--where step: must be FIELD=VALUE"),
            (["plot", good, "--size", "10x10", "--svg", "x.svg"], "--size 10x10 must be WIDTHxHEIGHT"),
        ]
        for (arguments, fragment) in cases {
            let result = try CLITests.run(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.standardError)")
            XCTAssertEqual(result.standardOutput, "", "\(arguments)")
            XCTAssertTrue(result.standardError.contains(fragment), "\(arguments): \(result.standardError)")
            XCTAssertEqual(result.standardError.split(separator: "\n").count, 1, result.standardError)
        }
    }
}
