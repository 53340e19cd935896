import Exact
import Foundation
import Lessons
import OrderedJSON
import Reference
import TestSupport
import Vectors
import XCTest

/// Feeds mutated inputs, in-process, to every parser and reader NormLab has:
/// numbers (the exact parsers), case JSON (`CaseInput`, then snapping, the
/// size checks and, for some, the operation itself), CSV tables
/// (`NumberTable`), lesson files (`LessonParser`), progress files
/// (`LessonProgress.load`), results files, vector family files and the
/// manifest (`VectorVerifier`). 10⁵ mutants per run, from fixed seeds: the
/// same mutants on every run. Every input must give a value or an error with
/// a non-empty message — one line for NormLab's own errors; a crash stops
/// the test process, which CI reports. Seeds, mutators and bounds:
/// Tests/FuzzTests/README.md. `NORMLAB_FUZZ_SEED=n` explores other mutants,
/// `NORMLAB_FUZZ_SCALE=k` runs k times as many.
final class FuzzTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let seed = UInt64(ProcessInfo.processInfo.environment["NORMLAB_FUZZ_SEED"] ?? "") ?? 20_260_101
    static let scale = Int(ProcessInfo.processInfo.environment["NORMLAB_FUZZ_SCALE"] ?? "") ?? 1

    /// What one family of inputs did.
    struct Tally: CustomStringConvertible {
        let family: String
        var mutants = 0
        var accepted = 0
        var rejected = 0
        var seconds = 0.0
        var description: String {
            "\(family): \(mutants) mutants, \(accepted) accepted, \(rejected) rejected with a one-line message"
                + ", \(String(format: "%.1f", seconds)) s"
        }
    }

    func run(
        _ family: String, count: Int, seeds: [String], dictionary: [String], maxLength: Int,
        bound: ([UInt8]) -> [UInt8] = { $0 }, _ body: (String) throws -> Void
    ) -> Tally {
        // Each family has its own stream, so adding one changes no other's mutants.
        let familySeed = family.utf8.reduce(UInt64(0)) { $0 &* 31 &+ UInt64($1) }
        var mutator = Mutator(seed: Self.seed &+ familySeed, dictionary: dictionary)
        let corpus = seeds.map { Array($0.utf8) }
        var tally = Tally(family: family)
        let start = Date()
        for index in 0..<(count * Self.scale) {
            let seedBytes = corpus[index % corpus.count]
            let bytes =
                index < corpus.count
                ? seedBytes : bound(mutator.mutant(of: seedBytes, corpus: corpus, maxLength: maxLength))
            let text = String(decoding: bytes, as: UTF8.self)
            tally.mutants += 1
            do {
                try body(text)
                tally.accepted += 1
            } catch {
                tally.rejected += 1
                let message = "\(error)"
                if message.isEmpty { XCTFail("\(family): an error without a message for \(text.debugDescription)") }
                if message.contains(where: \.isNewline) {
                    XCTFail("\(family): a two-line error for \(text.debugDescription): \(message.debugDescription)")
                }
            }
        }
        tally.seconds = Date().timeIntervalSince(start)
        print(tally)
        return tally
    }

    /// The families together feed at least 10⁵ mutants per run.
    func testTheRunFeedsAtLeastOneHundredThousandMutants() {
        let counts = [45_000, 15_000, 20_000, 1_000, 500, 15_000, 2_500, 2_000]
        XCTAssertGreaterThanOrEqual(counts.reduce(0, +), 100_000)
    }

    // MARK: - Seeds

    static let numberSeeds = [
        "0", "-3/7", "1/3", "2.5", "-1e-5", "1e308", "0x1.8p+1", "-0x1.fffffffffffffp+1023", "0x0.0000000000001p-1022",
        "sqrt(2)", "1/2+3/4*sqrt(5/2)", "-3*sqrt(7)+sqrt(11)", "100000000.1", "4.9e-324", "1e-5", "7",
    ]
    static let numberTokens = [
        "-", "+", "/", ".", "e", "E", "e-", "p", "0x", "sqrt(", ")", "*", "inf", "nan", "0", "9", " ", "\n", "\u{0}",
        "٣", "1/0",
    ]
    static let jsonTokens = [
        "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u0000", "\\n", "null", "true", "false", "-", "1e400", "\"1e400\"",
        "\"values\"", "\"shape\"", "\"inputs\"", "\"params\"", "\"op\"", "\"precision\"", "\"f32\"", "\"x\"",
        "\"dy\"", "\"mask\"", "\"eps\"", "\"groups\"", "\"mode\"", "\"eval\"", "\"convention\"", "\"keras\"",
        "[4611686018427387904,4]", "[0,4611686018427387904]", "\"seed\"", "\"samples\"", "\"batches_seen\"",
    ]

    func read(_ relative: String) throws -> String {
        try String(contentsOf: Self.repository.appendingPathComponent(relative), encoding: .utf8)
    }

    func files(in folder: String, ext: String) throws -> [String] {
        let url = Self.repository.appendingPathComponent(folder)
        return try FileManager.default.contentsOfDirectory(atPath: url.path).filter { $0.hasSuffix(ext) }.sorted()
            .map { try String(contentsOf: url.appendingPathComponent($0), encoding: .utf8) }
    }

    // MARK: - The families

    func testNumbers() {
        let tally = run(
            "numbers", count: 45_000, seeds: Self.numberSeeds, dictionary: Self.numberTokens, maxLength: 120,
            bound: Bounds.clampingExponents
        ) { text in
            let rational = try? Rational(parsing: text)
            let surd = try Surd(parsing: text)
            // What parses prints canonically and reads back to the same value.
            let again = try Surd(parsing: surd.description)
            XCTAssertEqual(again.description, surd.description, text.debugDescription)
            if let rational { XCTAssertEqual(surd.rationalValue, rational, text.debugDescription) }
            _ = surd.rounded(to: Double.self)
        }
        XCTAssertGreaterThan(tally.accepted, 1000)
        XCTAssertGreaterThan(tally.rejected, 1000)
    }

    func testCaseFiles() throws {
        let seeds = try files(in: "examples/cases", ext: ".json")
        XCTAssertGreaterThan(seeds.count, 5)
        var runs = 0
        let tally = run(
            "case JSON", count: 15_000, seeds: seeds, dictionary: Self.jsonTokens, maxLength: 1500,
            bound: Bounds.clampingExponents
        ) { text in
            let input = try CaseInput(json: try JSONValue(parsing: text))
            try input.checkSize()
            let snapped = try input.snappedToPrecision().input
            // One mutant in 16 that gets this far runs the operation itself,
            // when it is small (the exact path's own bounds apply).
            guard input.inputs.reduce(0, { $0 + $1.tensor.count }) <= 64, text.utf8.count % 16 == 0,
                let operation = ReferenceOperations.named(snapped.op)
            else { return }
            runs += 1
            _ = try TraceSet(operation, input: input)
        }
        print("case JSON: \(runs) operations run")
        XCTAssertGreaterThan(tally.accepted, 100)
    }

    func testCSVTables() {
        let seeds = [
            "x1,x2\n1,2\n3,4\n", "# data\n1;2;3\n4;5;6\n", "1\t2\n3\t4\n", "y\n1.5\n2.5\n1e-3\n",
            "0x1.8p+1 2 3\n4 5 6\n", "a,b\n1/3,2/3\n",
        ]
        let tally = run(
            "CSV", count: 20_000, seeds: seeds,
            dictionary: [",", ";", "\t", " ", "\n", "\r\n", "#", "-", "e", "/", "\"", "x"],
            maxLength: 400, bound: Bounds.clampingExponents
        ) { text in
            let table = try NumberTable(csv: text, source: "fuzz.csv")
            XCTAssertFalse(table.rows.isEmpty)
            XCTAssertTrue(table.rows.allSatisfy { $0.count == table.rows[0].count })
            _ = table.matrix
            _ = try? table.vector(source: "fuzz.csv")
        }
        XCTAssertGreaterThan(tally.accepted, 100)
    }

    func testLessonFiles() throws {
        let seeds = try files(in: "lessons", ext: ".lesson")
        XCTAssertGreaterThan(seeds.count, 5)
        let tally = run(
            "lesson files", count: 1_000, seeds: seeds,
            dictionary: [
                "\n", "  ", ":", "{", "}", "(", ")", "^", "-", "[", "]", "step:", "input x [4,2]:", "op:", "#",
            ],
            maxLength: 6_000, bound: Bounds.lessonFile
        ) { text in
            _ = try LessonParser.parse(text, id: "fuzz", file: "fuzz.lesson")
        }
        XCTAssertGreaterThan(tally.rejected, 50)
    }

    func testProgressFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("normlab-fuzz-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("progress.json").path
        let seeds = [
            #"{"version": 1, "lessons": {"bn-forward": {"step": 3, "steps": 9, "done": false, "answered": ["q1"]}}}"#,
            #"{"version": 1, "lessons": {}}"#,
        ]
        _ = run(
            "progress files", count: 500, seeds: seeds, dictionary: Self.jsonTokens + ["-1", "\"step\""],
            maxLength: 400
        ) { text in
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            _ = LessonProgress.load(from: path)
        }
    }

    // MARK: - The vector files

    /// A small family of real dropout cases, written once.
    static func fixture() throws -> (directory: String, familyPath: String, family: String, manifest: String) {
        let family = VectorFamily(
            name: "fuzz_dropout", area: "dropout", op: "dropout", header: ["fixture"],
            cases: [
                VectorCase(
                    "a", "", flags: [],
                    CaseInput(
                        op: "dropout", params: [("p", "1/4")],
                        inputs: [
                            ("x", Tensor(vector: [1, -2, 3])), ("mask", Tensor(vector: [1, 0, 1])),
                        ])),
                VectorCase(
                    "b", "", flags: ["f32"],
                    CaseInput(
                        op: "dropout", precision: .f32, params: [("p", "1/3")],
                        inputs: [("x", Tensor(vector: [1, 2])), ("mask", Tensor(vector: [0, 1]))])),
            ],
            tolerances: TolerancePolicy.dropoutMask)
        let tree = try VectorTree(families: [family])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "normlab-fuzz-vectors-\(getpid())"
        )
        .path
        try tree.write(to: directory)
        let contents = Dictionary(uniqueKeysWithValues: tree.files.map { ($0.path, $0.contents) })
        return (directory, family.path, contents[family.path]!, contents[VectorTree.manifestPath]!)
    }

    func testResultsFiles() throws {
        let fixture = try Self.fixture()
        defer { try? FileManager.default.removeItem(atPath: fixture.directory) }
        let cases = try VectorVerifier.cases(of: try JSONValue(parsing: fixture.family), file: fixture.familyPath)
        let seeds = [
            #"{"vectors": "dropout/fuzz_dropout.json", "results": [{"id": "fuzz_dropout/a", "outputs": {"y": ["0x1.5555555555555p+0", "0x0p+0", "0x1p+2"], "dx": ["0x1.5555555555555p+0", "0", "1.3333333333333333"]}}]}"#,
            #"{"vectors": "dropout/fuzz_dropout.json", "fields": ["y"], "results": [{"id": "fuzz_dropout/b", "outputs": {"y": ["0", "0x1.8p+1"]}}]}"#,
        ]
        let tally = run(
            "results files", count: 15_000, seeds: seeds,
            dictionary: Self.jsonTokens + [
                "\"inf\"", "\"-inf\"", "\"nan\"", "\"0x1.8p+99999\"", "\"1e999999999\"", "\"fields\"",
            ],
            maxLength: 600
        ) { text in
            let rows = try VectorVerifier.verify(
                results: try JSONValue(parsing: text), name: "fuzz.json", familyPath: fixture.familyPath, cases: cases)
            XCTAssertFalse(rows.isEmpty)
        }
        XCTAssertGreaterThan(tally.accepted, 100)
    }

    func testVectorFilesAndManifests() throws {
        let fixture = try Self.fixture()
        defer { try? FileManager.default.removeItem(atPath: fixture.directory) }
        let files = run(
            "vector files", count: 2_500, seeds: [fixture.family],
            dictionary: Self.jsonTokens + ["\"exact\"", "\"tolerance\""],
            maxLength: 8_000
        ) { text in
            let cases = try VectorVerifier.cases(of: try JSONValue(parsing: text), file: "fuzz.json")
            for fileCase in cases {
                if let operation = ReferenceOperations.named(fileCase.input.op) {
                    _ = try? operation.run(fileCase.input, as: Double.self)
                }
            }
        }
        XCTAssertGreaterThan(files.rejected, 100)
        let manifestPath = fixture.directory + "/" + VectorTree.manifestPath
        var loaded = 0
        let manifests = run(
            "manifests", count: 2_000, seeds: [fixture.manifest],
            dictionary: Self.jsonTokens + ["\"../\"", "\"/etc/passwd\"", "\"sha256\"", "\"path\"", "\"files\""],
            maxLength: 2_000
        ) { text in
            let entries = try VectorVerifier.manifestEntries(try JSONValue(parsing: text), name: "fuzz manifest")
            for entry in entries {
                XCTAssertFalse(entry.path.hasPrefix("/") || entry.path.split(separator: "/").contains(".."), entry.path)
            }
            // One accepted manifest in 8 is also read from disk, with the family file it lists.
            guard text.utf8.count % 8 == 0 else { return }
            loaded += 1
            try text.write(toFile: manifestPath, atomically: false, encoding: .utf8)
            for path in try VectorVerifier.familyPaths(vectorsDirectory: fixture.directory) {
                _ = try? VectorVerifier.loadFamilyFile(path, vectorsDirectory: fixture.directory)
            }
        }
        print("manifests: \(loaded) read from disk")
        XCTAssertGreaterThan(manifests.rejected, 100)
    }
}
