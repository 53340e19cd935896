import Exact
import Foundation
import OrderedJSON
import Reference
import TestSupport
import Vectors
import XCTest

/// A fixture op: y = x / ‖x‖₂, so outputs are surds.
private enum UnitVector: ReferenceOperation {
    static let name = "unit-vector"
    static let summary = "x / ‖x‖₂"

    static func run<S: ReferenceScalar>(_ input: CaseInput, as _: S.Type) throws -> Trace<S> {
        guard let x = input.tensor("x") else { throw ReferenceError("needs x") }
        var trace = Trace<S>(op: name)
        let values = trace.record("x", symbol: "x", formula: "", role: .input, x.map { S($0) })
        var squares = S.zero
        for value in values.values { squares += value * value }
        trace.record("norm_squared", symbol: "‖x‖²", formula: "Σ x²", Tensor(scalar: squares))
        let norm = try squares.checkedSquareRoot()
        trace.record("y", symbol: "y", formula: "x/‖x‖", role: .output, values.map { $0 / norm })
        return trace
    }
}

final class VectorMachineryTests: XCTestCase {
    private func family() -> VectorFamily {
        func input(_ values: [String], precision: TargetPrecision = .f64) -> CaseInput {
            CaseInput(
                op: "unit-vector", precision: precision,
                inputs: [("x", Tensor(vector: values.map { try! Rational(parsing: $0) }))])
        }
        return VectorFamily(
            name: "unit_vector", area: "fixtures", op: "unit-vector", header: ["x / ‖x‖₂"],
            cases: [
                VectorCase("pythagorean", "3-4-5", flags: ["integers", "pythagorean"], input(["3", "4"])),
                VectorCase("irrational", "√2 norm", flags: ["integers"], input(["1", "1"])),
                VectorCase("single", "in f32", flags: ["f32"], input(["0.1", "0.2", "0.3"], precision: .f32)),
            ],
            tolerances: { _, _ in [("y", .ulp(1))] })
    }

    private let lookup: @Sendable (String) -> (any ReferenceOperation.Type)? = {
        $0 == UnitVector.name ? UnitVector.self : nil
    }

    private func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "normlab-vectors-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testSHA256MatchesTheStandardsExamples() {
        XCTAssertEqual(
            VectorDigest.sha256("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(VectorDigest.sha256(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(
            VectorDigest.sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testGenerationIsDeterministicAndSelfConsistent() throws {
        let first = try VectorTree(families: [family()], lookup: lookup)
        let second = try VectorTree(families: [family()], lookup: lookup)
        XCTAssertEqual(first.files.map { $0.contents }, second.files.map { $0.contents })
        XCTAssertEqual(
            first.files.map { $0.path },
            ["fixtures/unit_vector.json", "manifest.json", "schema/unit_vector.schema.json"])
        let file = try JSONValue(parsing: first.files[0].contents)
        XCTAssertEqual(file["numberOfTests"], .int(3))
        let cases = (file["testGroups"]?.arrayValue ?? []).flatMap { $0["tests"]?.arrayValue ?? [] }
        XCTAssertEqual(
            cases.map { $0["id"]?.stringValue },
            ["unit_vector/pythagorean", "unit_vector/irrational", "unit_vector/single"])
        // 3-4-5: every value rational.
        XCTAssertEqual(cases[0]["outputs"]?["y"]?["exact"], .array([.string("3/5"), .string("4/5")]))
        XCTAssertEqual(cases[1]["outputs"]?["y"]?["exact"], .array([.string("1/2*sqrt(2)"), .string("1/2*sqrt(2)")]))
        XCTAssertEqual(
            cases[1]["outputs"]?["y"]?["f64"],
            .array([.string("0x1.6a09e667f3bcdp-1"), .string("0x1.6a09e667f3bcdp-1")]))
        // The f32 case carries f32 columns and f32-representable inputs.
        XCTAssertNotNil(cases[2]["inputs"]?["x"]?["f32"])
        XCTAssertEqual(cases[2]["inputs"]?["x"]?["f32"]?.arrayValue?.first, .string(hexString(Float(0.1))))
        XCTAssertNotNil(file["notes"]?["pythagorean"])
    }

    func testCheckFindsEditedAndTruncatedFiles() throws {
        let directory = temporaryDirectory()
        let tree = try VectorTree(families: [family()], lookup: lookup)
        try tree.write(to: directory)
        XCTAssertEqual(tree.differences(from: directory), [])
        let path = directory + "/fixtures/unit_vector.json"
        let original = try String(contentsOfFile: path, encoding: .utf8)
        try original.replacingOccurrences(of: "\"3/5\"", with: "\"3/4\"").write(
            toFile: path, atomically: true, encoding: .utf8)
        let problems = tree.differences(from: directory)
        XCTAssertEqual(problems.count, 1)
        XCTAssertTrue(problems[0].contains("unit_vector/pythagorean"), problems[0])
        XCTAssertThrowsError(
            try VectorVerifier.loadFamilyFile("fixtures/unit_vector.json", vectorsDirectory: directory)
        ) { error in
            XCTAssertTrue("\(error)".contains("does not match the manifest"), "\(error)")
        }
        try String(original.prefix(200)).write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertTrue(
            tree.differences(from: directory)[0].contains("not valid JSON"), tree.differences(from: directory)[0])
    }

    func testVerifyMeasuresOutsideResults() throws {
        let directory = temporaryDirectory()
        try VectorTree(families: [family()], lookup: lookup).write(to: directory)
        let root = 0.5.squareRoot()
        func results(_ irrational: [Double], id: String = "unit_vector/irrational", field: String = "y") -> String {
            let values = irrational.map { "\"\(hexString($0))\"" }.joined(separator: ", ")
            return """
                {"vectors": "fixtures/unit_vector.json", "results": [
                  {"id": "unit_vector/pythagorean", "outputs": {"y": ["0x1.3333333333333p-1", "0x1.999999999999ap-1"]}},
                  {"id": "\(id)", "outputs": {"\(field)": [\(values)]}}]}
                """
        }
        let resultsPath = directory + "/results.json"
        try results([root, root]).write(toFile: resultsPath, atomically: true, encoding: .utf8)
        var rows = try VectorVerifier.verify(resultsFile: resultsPath, vectorsDirectory: directory)
        XCTAssertEqual(rows.count, 2)
        XCTAssertTrue(rows.allSatisfy(\.passed), "\(rows.map(\.error.maxUlp))")
        // Two ulps off fails a 1-ulp tolerance, and says where.
        try results([root.nextUp.nextUp, root]).write(toFile: resultsPath, atomically: true, encoding: .utf8)
        rows = try VectorVerifier.verify(resultsFile: resultsPath, vectorsDirectory: directory)
        XCTAssertEqual(rows[1].error.maxUlp, 2)
        XCTAssertEqual(rows[1].error.worstIndex, 0)
        XCTAssertFalse(rows[1].passed)
        try results([root, root], id: "unit_vector/nope").write(toFile: resultsPath, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try VectorVerifier.verify(resultsFile: resultsPath, vectorsDirectory: directory)) {
            error in
            XCTAssertTrue("\(error)".contains("unknown case id \"unit_vector/nope\""), "\(error)")
        }
        try results([root, root], field: "z").write(toFile: resultsPath, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try VectorVerifier.verify(resultsFile: resultsPath, vectorsDirectory: directory)) {
            error in
            XCTAssertTrue("\(error)".contains("output \"z\" is not one of its checked outputs"), "\(error)")
        }
        // Checking nothing is an error: no results, or only unknown fields.
        try #"{"vectors": "fixtures/unit_vector.json", "results": []}"#.write(
            toFile: resultsPath, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try VectorVerifier.verify(resultsFile: resultsPath, vectorsDirectory: directory)) {
            XCTAssertTrue("\($0)".contains("\"results\" is empty"), "\($0)")
        }
        try
            #"{"vectors": "fixtures/unit_vector.json", "fields": ["zz"], "results": [{"id": "unit_vector/single", "outputs": {}}]}"#
            .write(toFile: resultsPath, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try VectorVerifier.verify(resultsFile: resultsPath, vectorsDirectory: directory)) {
            XCTAssertTrue("\($0)".contains("field \"zz\" is not a checked output"), "\($0)")
        }
    }

    func testOverflowingResultsAreMeasuredNotCrashed() throws {
        let directory = temporaryDirectory()
        try VectorTree(families: [family()], lookup: lookup).write(to: directory)
        let resultsPath = directory + "/results.json"
        for text in [
            "inf", "-inf", "nan", "0x1.fffffffffffffp+1023", "-0x1.fffffffffffffp+1023", "0x1.8p+99999", "1e999999999",
        ] {
            try """
            {"vectors": "fixtures/unit_vector.json", "results": [{"id": "unit_vector/irrational", "outputs": {"y": ["\(text)", "\(text)"]}}]}
            """.write(toFile: resultsPath, atomically: true, encoding: .utf8)
            let rows = try VectorVerifier.verify(resultsFile: resultsPath, vectorsDirectory: directory)
            XCTAssertEqual(rows.count, 1)
            XCTAssertFalse(rows[0].passed, text)
        }
    }

    func testCheckNoticesAddedFiles() throws {
        let directory = temporaryDirectory()
        let tree = try VectorTree(families: [family()], lookup: lookup)
        try tree.write(to: directory)
        try "{}".write(toFile: directory + "/fixtures/extra.json", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: directory + "/newarea", withIntermediateDirectories: true)
        try "{}".write(toFile: directory + "/newarea/x.json", atomically: true, encoding: .utf8)
        let problems = tree.differences(from: directory)
        XCTAssertEqual(problems.count, 2, "\(problems)")
        XCTAssertTrue(problems[0].hasPrefix("fixtures/extra.json: not part of a fresh generation"), problems[0])
        XCTAssertTrue(problems[1].hasPrefix("newarea/x.json"), problems[1])
    }

    func testSelfVerificationReadsTheGivenDirectory() throws {
        let directory = temporaryDirectory()
        try VectorTree(families: [family()], lookup: lookup).write(to: directory)
        XCTAssertEqual(try VectorVerifier.verifySelf(vectorsDirectory: directory, lookup: lookup).count, 3)
        // A tampered copy is refused, not passed.
        let path = directory + "/fixtures/unit_vector.json"
        let original = try String(contentsOfFile: path, encoding: .utf8)
        try original.replacingOccurrences(of: "\"3/5\"", with: "\"3/4\"").write(
            toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try VectorVerifier.verifySelf(vectorsDirectory: directory, lookup: lookup)) {
            XCTAssertTrue("\($0)".contains("does not match the manifest"), "\($0)")
        }
    }

    func testSelfVerificationMeasuresTheFloatReference() throws {
        let directory = temporaryDirectory()
        try VectorTree(families: [family()], lookup: lookup).write(to: directory)
        let rows = try VectorVerifier.verifySelf(vectorsDirectory: directory, lookup: lookup)
        XCTAssertEqual(rows.count, 3)
        // x/√(Σx²) in floating point: a few roundings, within 2 ulp here.
        XCTAssertTrue(rows.allSatisfy { $0.error.maxUlp <= 2 }, "\(rows.map(\.error.maxUlp))")
        XCTAssertEqual(rows[2].precision, .f32)
    }

    func testUndocumentedFlagsAndUnknownOpsAreRejected() {
        let bad = VectorFamily(
            name: "bad", area: "fixtures", op: "unit-vector", header: [],
            cases: [VectorCase("one", "", flags: ["no-such-flag"], CaseInput(op: "unit-vector"))],
            tolerances: { _, _ in [] })
        XCTAssertThrowsError(try bad.generate(lookup: lookup)) { XCTAssertTrue("\($0)".contains("no-such-flag")) }
        XCTAssertThrowsError(try family().generate(lookup: { _ in nil })) {
            XCTAssertTrue("\($0)".contains("unknown op"))
        }
    }
}
