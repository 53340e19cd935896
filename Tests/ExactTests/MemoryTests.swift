import Exact
import Foundation
import TestSupport
import XCTest

/// Every GMP value is cleared when its owner goes away: a long loop of
/// arithmetic leaves the resident set flat.
final class MemoryTests: XCTestCase {
    private func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
            let pages = Int(text.split(separator: " ")[1])
        else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    private func churn(_ count: Int) {
        var accumulator = Rational(0)
        var root = try! Surd.squareRoot(of: Rational(2))
        let third = try! Rational(1, 3)
        for index in 0..<count {
            let value = Rational(index) * third - Rational(index / 2)
            // Bounded sizes: a leak, not growth of the numbers, must be what shows.
            accumulator = (accumulator + value) * third - Rational(index % 5)
            if index % 8 == 0 { accumulator = Rational(index % 11) }
            if index % 16 == 0 {
                root = (root * root + Surd(value)) / (root + Surd(1))
                _ = root.rounded(to: Double.self)
            }
            if index % 64 == 0 { root = try! Surd.squareRoot(of: Rational(2)) }
        }
        XCTAssertFalse(accumulator.description.isEmpty)
    }

    func testMillionsOfOperationsKeepMemoryFlat() {
        churn(100_000) // warm up allocator pools
        let before = residentBytes()
        churn(1_000_000) // ≈ 3 million GMP operations
        let after = residentBytes()
        XCTAssertGreaterThan(before, 0)
        // A leak of even one 32-byte mpq per operation would be ~100 MB.
        XCTAssertLessThan(after - before, 8 << 20, "resident set grew by \(after - before) bytes")
    }

    func testValuesAreSafeToShareAcrossThreads() {
        let shared = try! Surd(parsing: "1/3+5/7*sqrt(11)")
        let expected = shared.rounded(to: Double.self)
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            var local = shared
            local += Surd(index)
            local -= Surd(index)
            results.record(local.rounded(to: Double.self))
        }
        XCTAssertEqual(results.values.count, 8)
        XCTAssertTrue(results.values.allSatisfy { $0 == expected })
    }
}

private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [Double] = []
    func record(_ value: Double) {
        lock.lock()
        values.append(value)
        lock.unlock()
    }
}
