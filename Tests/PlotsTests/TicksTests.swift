import XCTest

@testable import Plots

/// Tick placement: round numbers (1, 2 or 5 × 10^k), decades on log axes,
/// and ranges with nothing in them. Expected ticks are worked out by hand.
final class TicksTests: XCTestCase {
    func values(_ ticks: [Tick]) -> [Double] { ticks.map(\.value) }
    func labels(_ ticks: [Tick], _ style: TickLabel.Style = .ascii) -> [String] { ticks.map { $0.label.text(style) } }

    func testLinearTicksAreTheSmallestRoundStepThatFits() {
        // 0…400 with at most 9 ticks: step 20 gives 21, step 50 gives 9.
        XCTAssertEqual(values(Ticks.linear(0...400, maxCount: 9)), [0, 50, 100, 150, 200, 250, 300, 350, 400])
        // matplotlib's margins: −20…420 shows the same ticks.
        XCTAssertEqual(values(Ticks.linear(-20...420, maxCount: 9)), [0, 50, 100, 150, 200, 250, 300, 350, 400])
        // At most 5: step 100.
        XCTAssertEqual(values(Ticks.linear(0...400, maxCount: 5)), [0, 100, 200, 300, 400])
        // −0.05…1.05, at most 6: step 0.2; labels share one decimal place.
        let unit = Ticks.linear(-0.05...1.05, maxCount: 6)
        XCTAssertEqual(labels(unit), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        XCTAssertEqual(values(unit), [0, 0.2, 0.4, 0.6, 0.8, 1.0])
        // At most 3 in −449…476: step 200 gives 5, step 500 only one (0);
        // two ticks or more win over the count.
        XCTAssertEqual(values(Ticks.linear(-448.9...475.7, maxCount: 3)), [-400, -200, 0, 200, 400])
        // Negative ranges, and no "-0".
        XCTAssertEqual(
            labels(Ticks.linear(-1.3...0.1, maxCount: 8)), ["-1.2", "-1.0", "-0.8", "-0.6", "-0.4", "-0.2", "0.0"])
    }

    /// A fixed sequence of test ranges (a 64-bit LCG), so a failure repeats.
    struct Ranges: RandomNumberGenerator {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        }
    }

    func testEveryLinearStepIsOneTwoOrFiveTimesAPowerOfTen() {
        var generator = Ranges()
        for _ in 0..<2000 {
            let low =
                Double.random(in: -1e6...1e6, using: &generator)
                * pow(10, Double(Int.random(in: -8...0, using: &generator)))
            let span = pow(10, Double.random(in: -6...6, using: &generator))
            let maxCount = Int.random(in: 3...12, using: &generator)
            let ticks = values(Ticks.linear(low...low + span, maxCount: maxCount))
            XCTAssertGreaterThanOrEqual(ticks.count, 2, "\(low)…\(low + span)")
            for tick in ticks {
                XCTAssertTrue(tick >= low - span * 1e-9 && tick <= low + span * (1 + 1e-9), "\(tick) outside")
            }
            guard ticks.count >= 2 else { continue }
            // The step from the ends (differences of neighbours lose digits
            // when the range sits far from zero).
            let step = (ticks.last! - ticks.first!) / Double(ticks.count - 1)
            let exponent = floor(log10(step) + 1e-4)
            let mantissa = (step / pow(10, exponent) * 100).rounded() / 100
            XCTAssertTrue([1, 2, 5].contains(mantissa), "step \(step) from \(low)…\(low + span)")
            // Ticks are whole multiples of the round step.
            let nominal = mantissa * pow(10, exponent)
            for tick in ticks {
                let multiple = tick / nominal
                XCTAssertEqual(
                    multiple, multiple.rounded(), accuracy: 1e-6 + abs(multiple) * 1e-11,
                    "\(tick) is not a multiple of \(nominal)")
            }
            // More than maxCount only when the next round step (1 → 2 → 5 →
            // 10) would leave fewer than two ticks in the range.
            if ticks.count > maxCount {
                let next = mantissa == 1 ? 2 * nominal : mantissa == 2 ? 2.5 * nominal : 2 * nominal
                let first = ceil(low / next - 1e-9)
                let last = floor((low + span) / next + 1e-9)
                XCTAssertLessThan(
                    last - first + 1, 2, "\(ticks.count) ticks for at most \(maxCount) in \(low)…\(low + span)")
            }
        }
    }

    func testLogTicksAreDecadesOrEveryKthDecade() {
        let wide = Ticks.log(0.0027...12_737, maxCount: 10)
        XCTAssertEqual(values(wide), [1e-2, 1e-1, 1, 1e1, 1e2, 1e3, 1e4])
        XCTAssertEqual(labels(wide, .unicode), ["10⁻²", "10⁻¹", "10⁰", "10¹", "10²", "10³", "10⁴"])
        XCTAssertEqual(labels(wide, .ascii), ["0.01", "0.1", "1", "10", "100", "1000", "1e4"])
        // 61 decades, at most 7 ticks: every 10th decade, on multiples of 10.
        let huge = Ticks.log(1e-30...1e30, maxCount: 7)
        XCTAssertEqual(huge.map { $0.label.exponent }, [-30, -20, -10, 0, 10, 20, 30])
        // Under two decades: 1-2-5 within the range.
        let short = Ticks.log(0.43...14.1, maxCount: 10)
        XCTAssertEqual(values(short), [0.5, 1, 2, 5, 10])
        // Labelled alike: plain decimals, not 10⁰ beside 2.
        XCTAssertEqual(labels(short, .unicode), ["0.5", "1", "2", "5", "10"])
        // Within one decade and one round mantissa only: linear steps.
        XCTAssertEqual(values(Ticks.log(2.5...7, maxCount: 6)), [3, 4, 5, 6, 7])
    }

    func testLargeAndTinyLabelsUseAPowerOfTen() {
        XCTAssertEqual(labels(Ticks.linear(0...5e6, maxCount: 6)), ["0", "1e6", "2e6", "3e6", "4e6", "5e6"])
        XCTAssertEqual(labels(Ticks.linear(0...4e-5, maxCount: 5)), ["0", "1e-5", "2e-5", "3e-5", "4e-5"])
        XCTAssertEqual(labels(Ticks.linear(1.5e6...2.5e6, maxCount: 3)), ["1.5e6", "2e6", "2.5e6"])
    }

    func testEmptyRangesAreWidenedAroundTheirValue() {
        // A constant series at 3: ±5%, then ticks 2.9, 3.0, 3.1.
        let constant = DataRange.limits(fixed: nil, data: 3...3, scale: .linear, margin: 0.05)
        XCTAssertEqual(constant.lowerBound, 2.85, accuracy: 1e-12)
        XCTAssertEqual(constant.upperBound, 3.15, accuracy: 1e-12)
        XCTAssertEqual(labels(Ticks.linear(constant, maxCount: 5)), ["2.9", "3.0", "3.1"])
        // At zero: −1…1.
        XCTAssertEqual(DataRange.limits(fixed: nil, data: 0...0, scale: .linear, margin: 0.05), -1...1)
        // On a log axis: half a decade either way.
        let logConstant = DataRange.limits(fixed: nil, data: 10...10, scale: .log, margin: 0.05)
        XCTAssertEqual(logConstant.lowerBound, 10 / 10.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(logConstant.upperBound, 10 * 10.0.squareRoot(), accuracy: 1e-12)
        // Nothing drawable: a default range, never a crash.
        XCTAssertEqual(DataRange.limits(fixed: nil, data: nil, scale: .linear, margin: 0.05), 0...1)
        // A single tick range from a degenerate call still answers.
        XCTAssertEqual(values(Ticks.linear(2...2, maxCount: 5)), [2])
    }

    func testMarginsFollowMatplotlib() {
        // 5% of the span on each side; in log space on a log axis.
        XCTAssertEqual(DataRange.limits(fixed: nil, data: 0...400, scale: .linear, margin: 0.05), -20...420)
        let log = DataRange.limits(fixed: nil, data: 1...1e4, scale: .log, margin: 0.05)
        XCTAssertEqual(log10(log.lowerBound), -0.2, accuracy: 1e-12)
        XCTAssertEqual(log10(log.upperBound), 4.2, accuracy: 1e-12)
    }

    func testTransformsInvert() {
        let linear = AxisTransform(domain: -20...420, scale: .linear, start: 60, end: 620)
        XCTAssertEqual(linear.position(-20), 60)
        XCTAssertEqual(linear.position(420), 620)
        let log = AxisTransform(domain: 1e-3...1e3, scale: .log, start: 400, end: 40)
        XCTAssertEqual(log.position(1), 220, accuracy: 1e-9)
        for value in [0.002, 0.5, 3.0, 999.0] {
            XCTAssertEqual(log.value(at: log.position(value)), value, accuracy: value * 1e-12)
            XCTAssertEqual(linear.value(at: linear.position(value)), value, accuracy: 1e-9)
        }
    }
}
