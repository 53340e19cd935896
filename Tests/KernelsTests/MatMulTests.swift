import Kernels
import SplitMix
// The matmul kernel against its stated contract: every c_ij is the p-ordered sum
// of rounded products, so it equals the textbook triple loop bit for bit at every
// thread count; and against an independent bound: the Float result is within the
// classical γ_k·Σ|a||b| of the product computed in Double.
import XCTest

final class MatMulTests: XCTestCase {
    /// Shapes around the tile edges (6 rows, 8 Float / 4 Double columns) and a few larger ones.
    static let shapes: [(m: Int, n: Int, k: Int)] = [
        (1, 1, 1), (5, 7, 3), (6, 8, 1), (7, 9, 13), (13, 17, 31), (12, 16, 64), (25, 10, 40), (3, 33, 100),
        (40, 30, 64), // above the one-thread threshold: the rows are split among workers
    ]

    /// Values in (−2, 2) from SplitMix64, with a sprinkle of exact zeros and signed zeros.
    static func values<T: MatMulScalar>(_ count: Int, seed: UInt64, as _: T.Type) -> [T] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { i in
            if i % 17 == 5 { return i % 2 == 0 ? 0 : -0.0 }
            return T(4 * rng.nextUnit() - 2)
        }
    }

    /// C = op(A)·op(B) (+ bias) by the documented order: s = 0; s = s + a·b for p = 0, 1, …; s + bias.
    static func textbook<T: MatMulScalar>(
        _ a: [T], _ ta: Bool, _ b: [T], _ tb: Bool, _ bias: [T]?, m: Int, n: Int, k: Int
    ) -> [T] {
        var c = [T](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s: T = 0
                for p in 0..<k {
                    let x = ta ? a[p * m + i] : a[i * k + p]
                    let y = tb ? b[j * k + p] : b[p * n + j]
                    let product = x * y
                    s = s + product
                }
                if let bias { s = s + bias[j] }
                c[i * n + j] = s
            }
        }
        return c
    }

    static func kernel<T: MatMulScalar>(
        _ a: [T], _ la: MatMul.Layout, _ b: [T], _ lb: MatMul.Layout, _ bias: [T]?, m: Int, n: Int, k: Int,
        threads: Int
    ) throws -> [T] {
        var c = [T](repeating: .nan, count: m * n)
        try a.withUnsafeBufferPointer { ap in
            try b.withUnsafeBufferPointer { bp in
                try c.withUnsafeMutableBufferPointer { cp in
                    if let bias {
                        try bias.withUnsafeBufferPointer { biasp in
                            try MatMul.multiply(
                                a: ap, la, b: bp, lb, bias: biasp, c: cp, m: m, n: n, k: k, threads: threads)
                        }
                    } else {
                        try MatMul.multiply(a: ap, la, b: bp, lb, c: cp, m: m, n: n, k: k, threads: threads)
                    }
                }
            }
        }
        return c
    }

    func checkBitwise<T: MatMulScalar>(_: T.Type) throws {
        for (index, shape) in Self.shapes.enumerated() {
            let (m, n, k) = shape
            let a: [T] = Self.values(m * k, seed: UInt64(10 * index + 1), as: T.self)
            let b: [T] = Self.values(k * n, seed: UInt64(10 * index + 2), as: T.self)
            let bias: [T] = Self.values(n, seed: UInt64(10 * index + 3), as: T.self)
            for (la, lb) in [
                (MatMul.Layout.normal, MatMul.Layout.normal), (.transposed, .normal), (.normal, .transposed),
                (.transposed, .transposed),
            ] {
                for withBias in [false, true] {
                    let expected = Self.textbook(
                        a, la == .transposed, b, lb == .transposed, withBias ? bias : nil, m: m, n: n, k: k)
                    for threads in [1, 2, 3] {
                        let got = try Self.kernel(
                            a, la, b, lb, withBias ? bias : nil, m: m, n: n, k: k, threads: threads)
                        XCTAssertEqual(
                            got.map { Double($0).bitPattern }, expected.map { Double($0).bitPattern },
                            "\(T.dtypeName) \(shape) \(la)/\(lb) bias \(withBias) threads \(threads)")
                    }
                }
            }
        }
    }

    func testBitwiseEqualToTheTextbookLoopFloat() throws { try checkBitwise(Float.self) }
    func testBitwiseEqualToTheTextbookLoopDouble() throws { try checkBitwise(Double.self) }

    /// |ĉ − c| ≤ γ_k·Σ_p |a_ip||b_pj| with γ_k = k·u/(1 − k·u), u = 2⁻²⁴ (Higham, Thm 3.5);
    /// c is computed in Double, where each Float product is exact and the sum's own
    /// error (≤ γ_k in 2⁻⁵³) is 2²⁹ times smaller than the bound.
    func testFloatWithinTheClassicalBound() throws {
        let (m, n, k) = (17, 29, 250)
        let a: [Float] = Self.values(m * k, seed: 77, as: Float.self)
        let b: [Float] = Self.values(k * n, seed: 78, as: Float.self)
        let c = try Self.kernel(a, .normal, b, .normal, nil, m: m, n: n, k: k, threads: 2)
        let u = 0x1p-24
        let gamma = Double(k) * u / (1 - Double(k) * u)
        var worstRatio = 0.0
        for i in 0..<m {
            for j in 0..<n {
                var exact = 0.0
                var absolute = 0.0
                for p in 0..<k {
                    let product = Double(a[i * k + p]) * Double(b[p * n + j])
                    exact += product
                    absolute += abs(product)
                }
                let error = abs(Double(c[i * n + j]) - exact)
                XCTAssertLessThanOrEqual(error, gamma * absolute, "c[\(i), \(j)]")
                if absolute > 0 { worstRatio = max(worstRatio, error / (gamma * absolute)) }
            }
        }
        // The bound is attained only in contrived cases; random data sits far below it.
        XCTAssertLessThan(worstRatio, 0.5)
    }

    func testBadShapesAreErrors() throws {
        let a = [Float](repeating: 1, count: 6)
        let b = [Float](repeating: 1, count: 6)
        func run(m: Int, n: Int, k: Int, threads: Int = 1) -> Result<[Float], KernelError> {
            var c = [Float](repeating: 0, count: 4)
            do {
                try a.withUnsafeBufferPointer { ap in
                    try b.withUnsafeBufferPointer { bp in
                        try c.withUnsafeMutableBufferPointer { cp in
                            try MatMul.multiply(
                                a: ap, .normal, b: bp, .normal, c: cp, m: m, n: n, k: k, threads: threads)
                        }
                    }
                }
            } catch let error as KernelError {
                return .failure(error)
            } catch {
                XCTFail("\(error)")
            }
            return .success(c)
        }
        XCTAssertEqual(try run(m: 2, n: 2, k: 3).get(), [3, 3, 3, 3])
        XCTAssertThrowsError(try run(m: 2, n: 2, k: 4).get())
        XCTAssertThrowsError(try run(m: 0, n: 2, k: 3).get())
        XCTAssertThrowsError(try run(m: 2, n: 2, k: 3, threads: 0).get())
    }
}
