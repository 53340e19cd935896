import Exact
import SplitMix

/// One row of `normlab bench exact`: the exact computation and the same
/// work in Double, timed in the same run.
public struct ExactBenchRow: Sendable {
    public let name: String
    public let exactSeconds: Double
    public let doubleSeconds: Double
    public let note: String
}

/// The cost of exactness: an exact sum of 10⁶ doubles (superaccumulator and,
/// extrapolated from 10⁵, one GMP addition per element), exact moments of
/// 4096 doubles, and 10⁵ correctly rounded surds a + b·√s — each against the
/// same work in Double. Inputs come from SplitMix64(seed), spread over
/// ±2^±30 so sums carry and cancel.
public func runExactBenchmarks(repetitions: Int, seed: UInt64) throws -> [ExactBenchRow] {
    var generator = SplitMix64(seed: seed)
    let million = (0..<1_000_000).map { _ in
        (generator.nextUnit() - 0.5) * Double(sign: .plus, exponent: Int(generator.next() % 61) - 30, significand: 1)
    }
    var rows: [ExactBenchRow] = []

    var exactSum = Rational(0)
    var failure: Error?
    let superaccumulator = medianSeconds(repetitions: repetitions) {
        do { exactSum = try ExactSum(million).value } catch { failure = error }
    }
    var naive = 0.0
    let doubleSum = medianSeconds(repetitions: repetitions) {
        naive = 0
        for value in million { naive += value }
    }
    let sampleCount = 100_000
    var gmpSum = Rational(0)
    let gmpTime =
        medianSeconds(repetitions: 1) {
            gmpSum = 0
            for value in million.prefix(sampleCount) {
                if let exact = try? Rational(exactly: value) { gmpSum += exact }
            }
        } * Double(million.count) / Double(sampleCount)
    if let failure { throw failure }
    // The superaccumulator's first 10⁵ terms must sum to what GMP gives.
    guard try ExactSum(Array(million.prefix(sampleCount))).value == gmpSum else {
        throw BenchmarkError("the superaccumulator and GMP disagree on the sum of 10^5 doubles")
    }
    rows.append(
        ExactBenchRow(
            name: "exact sum of 10^6 doubles (superaccumulator)", exactSeconds: superaccumulator,
            doubleSeconds: doubleSum, note: "target < 0.2 s"))
    rows.append(
        ExactBenchRow(
            name: "  same with mpq_add per element (extrapolated from 10^5)", exactSeconds: gmpTime,
            doubleSeconds: doubleSum, note: ""))

    let sample = Array(million.prefix(4096))
    let count = Rational(sample.count)
    let momentsExact = medianSeconds(repetitions: repetitions) {
        guard let total = try? ExactSum(sample).value else { return }
        let mean = total / count
        var squares = Rational(0)
        for value in sample {
            guard let exact = try? Rational(exactly: value) else { continue }
            let centred = exact - mean
            squares += centred * centred
        }
        _ = squares / count
    }
    let momentsDouble = medianSeconds(repetitions: repetitions) {
        var sum = 0.0
        for value in sample { sum += value }
        let mean = sum / Double(sample.count)
        var squares = 0.0
        for value in sample { squares += (value - mean) * (value - mean) }
        naive = squares / Double(sample.count)
    }
    rows.append(
        ExactBenchRow(
            name: "exact mean and variance of 4096 doubles", exactSeconds: momentsExact,
            doubleSeconds: momentsDouble, note: ""))

    let surds: [Surd] = try (0..<100_000).map { index in
        let a = try Rational(exactly: million[index])
        let b = try Rational(exactly: million[index + 1])
        let s = try Rational(exactly: million[index + 2].magnitude + 1)
        return try Surd(a, b, sqrtOf: s)
    }
    var checksum = 0.0
    let surdTime = medianSeconds(repetitions: repetitions) {
        for value in surds { checksum += value.rounded(to: Double.self) }
    }
    let surdDouble = medianSeconds(repetitions: repetitions) {
        for index in 0..<surds.count {
            checksum += million[index] + million[index + 1] * (million[index + 2].magnitude + 1).squareRoot()
        }
    }
    rows.append(
        ExactBenchRow(
            name: "10^5 correctly rounded surds a + b*sqrt(s) -> f64", exactSeconds: surdTime,
            doubleSeconds: surdDouble, note: "per value: target < 5 µs"))
    _ = (naive, checksum)
    return rows
}

/// A benchmark that could not produce honest figures.
public struct BenchmarkError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
