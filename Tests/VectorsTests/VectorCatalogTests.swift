import Foundation
import OrderedJSON
import Reference
import TestSupport
import Vectors
import XCTest

/// The committed vectors/ tree and the catalog behind it.
final class VectorCatalogTests: XCTestCase {
    /// The repository root, found from this file's path.
    static var repositoryRoot: URL {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
            directory.deleteLastPathComponent()
        }
        return directory
    }

    func testCommittedVectorsMatchAFreshGeneration() throws {
        let tree = try VectorTree()
        let directory = Self.repositoryRoot.appendingPathComponent("vectors").path
        XCTAssertEqual(
            tree.differences(from: directory), [], "run 'swift run normlab vectors generate' and review the diff")
        // Every family file is listed in the manifest with its hash.
        let manifest = try VectorVerifier.loadManifest(vectorsDirectory: directory)
        XCTAssertEqual(manifest["files"]?.arrayValue?.count, VectorCatalog.families.count)
        for family in VectorCatalog.families {
            XCTAssertNoThrow(try VectorVerifier.loadFamilyFile(family.path, vectorsDirectory: directory))
        }
    }

    static var vectorsDirectory: String { repositoryRoot.appendingPathComponent("vectors").path }

    func testTheFloatReferenceMeetsTheBoundsExceptOnCasesBuiltToDefeatIt() throws {
        let rows = try VectorVerifier.verifySelf(vectorsDirectory: Self.vectorsDirectory)
        XCTAssertGreaterThan(rows.count, 100)
        var flagsByID: [String: Set<String>] = [:]
        for family in VectorCatalog.families {
            for vectorCase in family.cases { flagsByID[family.caseID(vectorCase)] = Set(vectorCase.flags) }
        }
        let naiveFlags = Set(VectorFlags.all.filter(\.defeatsNaiveArithmetic).map(\.name))
        XCTAssertEqual(naiveFlags, ["huge-offset", "near-overflow", "subnormal"])
        for row in rows {
            XCTAssertFalse(
                row.failedUnexpectedly,
                "\(row.caseID) \(row.field): \(row.error.maxUlp) ulp, normwise \(row.error.normwiseRelative), bound \(row.tolerance.rule)"
            )
            if row.expectedFailure != nil {
                XCTAssertFalse(flagsByID[row.caseID, default: []].isDisjoint(with: naiveFlags), row.caseID)
            }
        }
        // The f64 huge-offset cases do catch cancellation: the plain evaluation fails them.
        let hugeOffset = rows.filter {
            flagsByID[$0.caseID, default: []].contains("huge-offset") && $0.precision == .f64
        }
        XCTAssertFalse(hugeOffset.isEmpty)
        for id in Set(hugeOffset.map(\.caseID)) {
            XCTAssertTrue(
                hugeOffset.contains { $0.caseID == id && !$0.passed }, "\(id) should defeat a plain float evaluation")
        }
    }

    /// Every family, fed its own correctly rounded values (the f64 column, or
    /// f32 for f32 cases) as an implementation's results, passes every
    /// output — infinities included (subnormal-no-eps rounds ∂ℓ/∂x to ±∞).
    func testEveryFamilyPassesOnItsOwnCorrectlyRoundedValues() throws {
        let directory = Self.vectorsDirectory
        var precisions: Set<String> = []
        var infinities = 0
        for path in try VectorVerifier.familyPaths(vectorsDirectory: directory) {
            let family = try VectorVerifier.loadFamilyFile(path, vectorsDirectory: directory)
            var results: [JSONValue] = []
            for group in family["testGroups"]?.arrayValue ?? [] {
                let precision = group["precision"]?.stringValue ?? "f64"
                precisions.insert("\(path) \(precision)")
                for test in group["tests"]?.arrayValue ?? [] {
                    var outputs: [(String, JSONValue)] = []
                    for (field, _) in test["tolerance"]?.objectValue ?? [] {
                        guard let tensor = test["outputs"]?[field] ?? test["intermediates"]?[field],
                            let values = tensor[precision]
                        else { continue }
                        infinities += values.arrayValue?.filter { $0.stringValue?.hasSuffix("inf") ?? false }.count ?? 0
                        outputs.append((field, values))
                    }
                    results.append(.object([("id", test["id"]!), ("outputs", .object(outputs))]))
                }
            }
            let rows = try VectorVerifier.verify(
                results: .object([("vectors", .string(path)), ("results", .array(results))]), name: path,
                vectorsDirectory: directory)
            XCTAssertFalse(rows.isEmpty, path)
            for row in rows where !row.passed {
                XCTFail("\(row.caseID) \(row.field) \(row.precision): its own values fail \(row.tolerance.rule)")
            }
        }
        XCTAssertGreaterThanOrEqual(precisions.count, VectorCatalog.families.count, "\(precisions.sorted())")
        XCTAssertTrue(precisions.contains { $0.hasSuffix("f32") }, "\(precisions.sorted())")
        XCTAssertGreaterThan(infinities, 0, "the policy for infinities is exercised")
    }

    func testEveryCaseIsDocumentedAndIdsAreUnique() {
        var ids = Set<String>()
        for family in VectorCatalog.families {
            for vectorCase in family.cases {
                XCTAssertTrue(
                    ids.insert(family.caseID(vectorCase)).inserted, "duplicate id \(family.caseID(vectorCase))")
                XCTAssertFalse(vectorCase.comment.isEmpty, family.caseID(vectorCase))
                XCTAssertFalse(vectorCase.flags.isEmpty, family.caseID(vectorCase))
            }
        }
    }
}
