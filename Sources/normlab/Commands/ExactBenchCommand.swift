import ArgumentParser
import Exact
import SplitMix

/// `normlab bench exact`: the cost of exactness, against plain Double doing
/// the same work in the same run.
struct ExactBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exact",
        abstract: "Exact sums, moments and surd roundings versus the same work in Double."
    )

    @Option(parsing: .unconditional, help: "Repetitions per measurement (the median is reported).")
    var repetitions = 5

    @Option(parsing: .unconditional, help: "Seed for the SplitMix64 input generator.")
    var seed: UInt64 = 1

    func validate() throws {
        guard (1...1000).contains(repetitions) else {
            throw ValidationError("--repetitions \(repetitions) must be 1…1000")
        }
    }

    func run() throws {
        var generator = SplitMix64(seed: seed)
        // Values spread over ±2^±30 so the sum has real carries and cancellation.
        let million = (0..<1_000_000).map { _ in
            (generator.nextUnit() - 0.5)
                * Double(sign: .plus, exponent: Int(generator.next() % 61) - 30, significand: 1)
        }
        var rows: [(String, Double, Double, String)] = []

        var exactSum = Rational(0)
        let superaccumulator = medianSeconds(repetitions: repetitions) { exactSum = try! ExactSum(million).value }
        var naive = 0.0
        let doubleSum = medianSeconds(repetitions: repetitions) {
            naive = 0
            for value in million { naive += value }
        }
        let mpqCount = 100_000
        var mpqSum = Rational(0)
        let mpqTime =
            medianSeconds(repetitions: 1) {
                mpqSum = 0
                for value in million.prefix(mpqCount) { mpqSum += try! Rational(exactly: value) }
            } * Double(million.count) / Double(mpqCount)
        rows.append(("exact sum of 10^6 doubles (superaccumulator)", superaccumulator, doubleSum, "target < 0.2 s"))
        rows.append(("  same with mpq_add per element (extrapolated from 10^5)", mpqTime, doubleSum, ""))

        let sample = Array(million.prefix(4096))
        let momentsExact = medianSeconds(repetitions: repetitions) {
            let mean = try! ExactSum(sample).value * (try! Rational(1, BigInt(sample.count)))
            var squares = Rational(0)
            for value in sample {
                let centred = try! Rational(exactly: value) - mean
                squares += centred * centred
            }
            _ = squares * (try! Rational(1, BigInt(sample.count)))
        }
        let momentsDouble = medianSeconds(repetitions: repetitions) {
            var sum = 0.0
            for value in sample { sum += value }
            let mean = sum / Double(sample.count)
            var squares = 0.0
            for value in sample { squares += (value - mean) * (value - mean) }
            naive = squares / Double(sample.count)
        }
        rows.append(("exact mean and variance of 4096 doubles", momentsExact, momentsDouble, ""))

        let surds: [Surd] = (0..<100_000).map { index in
            let a = try! Rational(exactly: million[index])
            let b = try! Rational(exactly: million[index + 1])
            let s = try! Rational(exactly: million[index + 2].magnitude + 1)
            return try! Surd(a, b, sqrtOf: s)
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
            (
                "10^5 correctly rounded surds a + b*sqrt(s) -> f64", surdTime, surdDouble,
                "\(format3(surdTime / 1e5 * 1e6)) µs each; target < 5 µs"
            ))

        print("normlab bench exact  (median of \(repetitions); ratio = exact time / Double time, same run)")
        for (name, exact, double, note) in rows {
            let ratio = double > 0 ? format3(exact / double) + "x" : "-"
            print(
                "\(name.padding(to: 58)) \(formatDuration(exact).padding(to: 11)) Double \(formatDuration(double).padding(to: 11)) ratio \(ratio.padding(to: 9)) \(note)"
            )
        }
        if exactSum != mpqSum && million.count == mpqCount { throw CheckFailure(message: "sums disagree") }
        _ = (naive, checksum)
    }
}
