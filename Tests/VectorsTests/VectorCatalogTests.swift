import Foundation
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

    /// Flags that mark data on which a plain floating-point evaluation of the
    /// formulas is expected to miss the careful bounds.
    static let stiffFlags: Set<String> = ["huge-offset", "near-overflow", "subnormal"]

    func testTheFloatReferenceMeetsTheBoundsExceptOnStiffCases() throws {
        let rows = try VectorVerifier.verifySelf()
        XCTAssertGreaterThan(rows.count, 100)
        var flagsByID: [String: Set<String>] = [:]
        for family in VectorCatalog.families {
            for vectorCase in family.cases { flagsByID[family.caseID(vectorCase)] = Set(vectorCase.flags) }
        }
        for row in rows where flagsByID[row.caseID, default: []].isDisjoint(with: Self.stiffFlags) {
            XCTAssertTrue(
                row.passed,
                "\(row.caseID) \(row.field): \(row.error.maxUlp) ulp, normwise \(row.error.normwiseRelative), bound \(row.tolerance.rule)"
            )
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
