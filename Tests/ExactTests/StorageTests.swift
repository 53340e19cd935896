import Exact
import Foundation
import XCTest

/// Value semantics of the GMP wrappers: a mutation changes only the value it
/// is applied to (copy-on-write), including a value added to itself, and the
/// protocols the wrappers promise keep working on copies.
final class StorageTests: XCTestCase {
    func testMutatingACopyLeavesTheOriginal() {
        let big = BigInt("123456789012345678901234567890")!
        var copy = big
        copy += BigInt(1)
        XCTAssertEqual(big.description, "123456789012345678901234567890")
        XCTAssertEqual(copy.description, "123456789012345678901234567891")
        copy *= copy
        XCTAssertEqual(copy, BigInt("15241578753238836750495351562783112365526596557677488187881")!)
        XCTAssertEqual(big.description, "123456789012345678901234567890")

        let third = try! Rational(1, 3)
        var sum = third
        sum += sum
        XCTAssertEqual(sum, try! Rational(2, 3))
        XCTAssertEqual(third, try! Rational(1, 3))
        var product = sum
        product *= third
        product -= third
        XCTAssertEqual(product, try! Rational(-1, 9))
        XCTAssertEqual(sum, try! Rational(2, 3))
    }

    func testCopiesStayUsableAfterTheOriginalIsGone() {
        var values: [Rational] = []
        do {
            let original = try! Rational(parsing: "-22/7")
            values = Array(repeating: original, count: 3)
        }
        values[1] += Rational(1)
        XCTAssertEqual(values.map(\.description), ["-22/7", "-15/7", "-22/7"])
    }

    func testProtocolsOnCopies() throws {
        let a = try Rational(parsing: "0x1.8p-3")
        let b = a
        XCTAssertEqual(a.hashValue, b.hashValue)
        XCTAssertEqual(Set([a, b, a * Rational(1)]).count, 1)
        XCTAssertTrue(a < a + Rational(1))
        let encoded = try JSONEncoder().encode([a, b])
        XCTAssertEqual(try JSONDecoder().decode([Rational].self, from: encoded), [a, a])
        let big = -BigInt(1).shiftedLeft(200)
        XCTAssertEqual(big.hashValue, (big + 0).hashValue)
        XCTAssertEqual(try JSONDecoder().decode(BigInt.self, from: JSONEncoder().encode(big)), big)
    }
}
