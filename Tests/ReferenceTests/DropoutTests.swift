import Exact
import TestSupport
import XCTest

@testable import Reference

/// Dropout: forward/backward with masks, exact expectations over all masks
/// against brute force, the dropout–regression identity, the committee view,
/// the BN variance shift, Monte-Carlo intervals and bad input.
final class DropoutTests: XCTestCase {
    func r(_ text: String) -> Rational { try! Rational(parsing: text) }

    func tensor(_ shape: [Int], _ values: [Rational]) -> Tensor<Rational> { Tensor(shape: shape, values: values) }

    func randomMatrix(_ rows: Int, _ columns: Int, _ generator: inout SplitMix64) -> Tensor<Rational> {
        tensor([rows, columns], (0..<(rows * columns)).map { _ in generator.rational(bits: 5) })
    }

    func randomVector(_ count: Int, _ generator: inout SplitMix64) -> Tensor<Rational> {
        Tensor(vector: (0..<count).map { _ in generator.rational(bits: 5) })
    }

    /// A drop probability from {0, 1/8, …, 7/8}.
    func randomP(_ generator: inout SplitMix64) -> Rational { try! Rational(BigInt(Int(generator.next() % 8)), 8) }

    // MARK: forward and backward

    func testInvertedTrainScalesKeptUnits() throws {
        let input = CaseInput(
            op: "dropout", params: [("p", "1/4")],
            inputs: [
                ("x", Tensor(vector: [r("1"), r("-2"), r("3/5"), r("4")])),
                ("mask", Tensor(vector: [r("1"), r("0"), r("1"), r("1")])),
                ("dy", Tensor(vector: [r("1/2"), r("1"), r("-1"), r("3")])),
            ])
        let trace = try Dropout.run(input, as: Surd.self)
        XCTAssertEqual(trace["y"]?.values, [Surd(r("4/3")), .zero, Surd(r("4/5")), Surd(r("16/3"))])
        XCTAssertEqual(trace["dx"]?.values, [Surd(r("2/3")), .zero, Surd(r("-4/3")), Surd(r("4"))])
        let double = try Dropout.run(input, as: Double.self)
        XCTAssertEqual(double["y"]?.values[0], 4.0 / 3.0)
    }

    func testPlainEvalScalesByKeepProbabilityAndInvertedEvalIsIdentity() throws {
        let x = Tensor(vector: [r("2"), r("-6")])
        let plain = try Dropout.run(
            CaseInput(
                op: "dropout", params: [("p", "1/3"), ("mode", "eval"), ("variant", "plain")], inputs: [("x", x)]),
            as: Surd.self)
        XCTAssertEqual(plain["y"]?.values, [Surd(r("4/3")), Surd(r("-4"))])
        let inverted = try Dropout.run(
            CaseInput(op: "dropout", params: [("p", "1/3"), ("mode", "eval")], inputs: [("x", x)]), as: Surd.self)
        XCTAssertEqual(inverted["y"]?.values, [Surd(2), Surd(-6)])
        // Plain dropout allows p = 1: nothing kept, y = 0.
        let all = try Dropout.run(
            CaseInput(
                op: "dropout", params: [("p", "1"), ("variant", "plain")],
                inputs: [("x", x), ("mask", Tensor(vector: [0, 0]))]), as: Surd.self)
        XCTAssertEqual(all["y"]?.values, [.zero, .zero])
    }

    func testChannelMaskCoversWholeChannels() throws {
        // x: (N, C, H, W) = (2, 2, 1, 3); mask (2, 2).
        let x = tensor([2, 2, 1, 3], (1...12).map { Rational($0) })
        let mask = tensor([2, 2], [1, 0, 0, 1].map { Rational($0) })
        let trace = try Dropout.run(
            CaseInput(op: "dropout", params: [("p", "1/2")], inputs: [("x", x), ("mask", mask)]), as: Surd.self)
        XCTAssertEqual(trace["y"]?.values, [2, 4, 6, 0, 0, 0, 0, 0, 0, 20, 22, 24].map { Surd($0) })
        XCTAssertEqual(trace.params.first { $0.name == "granularity" }?.value, .word("channel"))
        let fourD = tensor([2, 2, 1, 1], [1, 0, 0, 1].map { Rational($0) })
        let same = try Dropout.run(
            CaseInput(op: "dropout", params: [("p", "1/2")], inputs: [("x", x), ("mask", fourD)]), as: Surd.self)
        XCTAssertEqual(same["y"]?.values, trace["y"]?.values)
    }

    func testRandomMasksForwardBackwardAgreeWithDefinition() throws {
        var generator = SplitMix64(seed: 11)
        for _ in 0..<50 {
            let count = Int(generator.next() % 6) + 1
            let p = randomP(&generator)
            let x = randomVector(count, &generator)
            let dy = randomVector(count, &generator)
            let mask = Tensor(vector: (0..<count).map { _ in Rational(p.isZero ? 1 : Int(generator.next() & 1)) })
            let trace = try Dropout.run(
                CaseInput(
                    op: "dropout", params: [("p", p.description)], inputs: [("x", x), ("mask", mask), ("dy", dy)]),
                as: Surd.self)
            for i in 0..<count {
                XCTAssertEqual(trace["y"]![i], Surd(mask[i] * x[i] / (1 - p)))
                XCTAssertEqual(trace["dx"]![i], Surd(mask[i] * dy[i] / (1 - p)))
            }
        }
    }

    func testBadInputNamesValueAndRule() {
        let x = Tensor(vector: [r("1"), r("2")])
        func message(_ params: [(String, String)], mask: Tensor<Rational>? = Tensor(vector: [1, 0])) -> String {
            var inputs: [(name: String, tensor: Tensor<Rational>)] = [("x", x)]
            if let mask { inputs.append(("mask", mask)) }
            do {
                _ = try Dropout.run(
                    CaseInput(op: "dropout", params: params.map { ($0.0, $0.1) }, inputs: inputs), as: Surd.self)
                return ""
            } catch { return "\(error)" }
        }
        XCTAssertTrue(message([("p", "1")]).contains("p = 1 must lie in [0, 1) for inverted dropout"))
        XCTAssertTrue(message([("p", "-1/10")]).contains("p = -1/10"))
        XCTAssertTrue(message([("p", "3/2"), ("variant", "plain")]).contains("[0, 1] for plain"))
        XCTAssertTrue(
            message([("p", "1/2")], mask: Tensor(vector: [1, 2])).contains("mask[1] = 2 must be 0 (drop) or 1 (keep)"))
        XCTAssertTrue(message([("p", "1/2")], mask: Tensor(vector: [1, 0, 1])).contains("mask has shape [3]"))
        XCTAssertTrue(message([("p", "0")]).contains("p = 0"))
        XCTAssertTrue(message([("p", "1/2")], mask: nil).contains("mask is missing"))
        XCTAssertTrue(message([("p", "1/2"), ("mode", "test")]).contains("mode = \"test\" must be one of train, eval"))
    }

    // MARK: expectations over all masks

    /// All 2^(n·d) masks of an n × d matrix, materialised: the brute force the
    /// grouped enumeration must agree with.
    func bruteForce(x: Tensor<Rational>, y: Tensor<Rational>, w: Tensor<Rational>, p: Rational) -> (
        objective: Rational, gram: [Rational]
    ) {
        let n = x.shape[0]
        let d = x.shape[1]
        let units = n * d
        var objective = Rational(0)
        var gram = Array(repeating: Rational(0), count: d * d)
        for mask in 0..<(1 << units) {
            let bits = (0..<units).map { (mask >> $0) & 1 }
            let kept = bits.reduce(0, +)
            let probability = (try! (1 - p).power(kept)) * (try! p.power(units - kept))
            let masked = (0..<units).map { Rational(bits[$0]) * x[$0] }
            for i in 0..<n {
                var prediction = Rational(0)
                for j in 0..<d { prediction += masked[i * d + j] * w[j] }
                objective += probability * (y[i] - prediction) * (y[i] - prediction)
            }
            for j in 0..<d {
                for l in 0..<d {
                    var sum = Rational(0)
                    for i in 0..<n { sum += masked[i * d + j] * masked[i * d + l] }
                    gram[j * d + l] += probability * sum
                }
            }
        }
        return (objective, gram)
    }

    func testDropoutRegressionIdentityExactOverRandomCasesAndBruteForce() throws {
        var generator = SplitMix64(seed: 2024)
        for trial in 0..<40 {
            let n = Int(generator.next() % 3) + 1
            let d = Int(generator.next() % 3) + 1
            let p = randomP(&generator)
            let x = randomMatrix(n, d, &generator)
            let y = randomVector(n, &generator)
            let w = randomVector(d, &generator)
            let input = CaseInput(
                op: "dropout-regression", params: [("p", p.description)], inputs: [("X", x), ("y", y), ("w", w)])
            let trace = try DropoutRegression.run(input, as: Surd.self)
            for step in trace.steps(.check) {
                XCTAssertTrue(
                    step.tensor.values.allSatisfy(\.isZero), "trial \(trial): \(step.name) = \(step.tensor.values)")
            }
            let brute = bruteForce(x: x, y: y, w: w, p: p)
            XCTAssertEqual(trace["lhs"]?[0], Surd(brute.objective), "trial \(trial)")
            XCTAssertEqual(trace["e_gram"]?.values, brute.gram.map { Surd($0) }, "trial \(trial)")
            XCTAssertEqual(trace["e_rx"]?.values, x.values.map { Surd((1 - p) * $0) })
            XCTAssertEqual(trace["mask_probability"]?.values.reduce(Surd.zero, +), Surd.one)
        }
    }

    func testIdentityCheckCanFail() throws {
        // The check is a difference, not a tautology: perturbing the penalty breaks it.
        let x = tensor([2, 2], [1, 2, 3, 4].map { Rational($0) })
        let input = CaseInput(
            op: "dropout-regression", params: [("p", "1/3")],
            inputs: [("X", x), ("y", Tensor(vector: [1, -1])), ("w", Tensor(vector: [2, 1]))])
        let trace = try DropoutRegression.run(input, as: Surd.self)
        XCTAssertNotEqual(trace["lhs"]![0], trace["fit_term"]![0], "without the penalty the sides differ")
        XCTAssertEqual(trace["lhs"]![0], trace["fit_term"]![0] + trace["penalty"]![0])
        let double = try DropoutRegression.run(input, as: Double.self)
        XCTAssertEqual(double["lhs"]![0], double["rhs"]![0], accuracy: 1e-12)
    }

    func testEnumerationTooLargeSaysHowLarge() {
        let x = tensor([1, 21], Array(repeating: Rational(1), count: 21))
        let input = CaseInput(
            op: "dropout-regression", params: [("p", "1/2")],
            inputs: [
                ("X", x), ("y", Tensor(vector: [1])), ("w", Tensor(vector: Array(repeating: Rational(1), count: 21))),
            ])
        XCTAssertThrowsError(try DropoutRegression.run(input, as: Surd.self)) { error in
            XCTAssertTrue(
                "\(error)".contains("2^21 masks exceed the exact path's limit of 2^20; use --monte-carlo"), "\(error)")
        }
    }

    // MARK: committee

    func bruteCommittee(x: [Rational], s: Tensor<Rational>, v: [Rational], p: Rational, relu: Bool, onInput: Bool) -> (
        mean: Rational, variance: Rational
    ) {
        let d = x.count
        let h = v.count
        let units = onInput ? d : h
        var mean = Rational(0)
        var second = Rational(0)
        for mask in 0..<(1 << units) {
            let keep = (0..<units).map { (mask >> $0) & 1 == 1 }
            let probability = (try! (1 - p).power(keep.filter { $0 }.count)) * (try! p.power(keep.filter { !$0 }.count))
            var output = Rational(0)
            for k in 0..<h {
                var z = Rational(0)
                for j in 0..<d where !onInput || keep[j] { z += s[j * h + k] * x[j] }
                if relu && z < 0 { z = 0 }
                if onInput || keep[k] { output += v[k] * z }
            }
            mean += probability * output
            second += probability * output * output
        }
        return (mean, second - mean * mean)
    }

    func testCommitteeMeanWeightScalingAndVarianceAgainstBruteForce() throws {
        var generator = SplitMix64(seed: 77)
        var nonZeroGaps = 0
        for trial in 0..<40 {
            let d = Int(generator.next() % 4) + 1
            let h = Int(generator.next() % 3) + 1
            let p = randomP(&generator)
            let relu = trial % 2 == 0
            let onInput = trial % 4 < 2
            let x = randomVector(d, &generator)
            let s = randomMatrix(d, h, &generator)
            let v = randomVector(h, &generator)
            let input = CaseInput(
                op: "dropout-committee",
                params: [
                    ("p", p.description), ("activation", relu ? "relu" : "linear"),
                    ("site", onInput ? "input" : "hidden"),
                ],
                inputs: [("x", x), ("S", s), ("v", v)])
            let trace = try DropoutCommittee.run(input, as: Surd.self)
            let brute = bruteCommittee(x: x.values, s: s, v: v.values, p: p, relu: relu, onInput: onInput)
            XCTAssertEqual(trace["y_mean"]?[0], Surd(brute.mean), "trial \(trial)")
            XCTAssertEqual(trace["y_variance"]?[0], Surd(brute.variance), "trial \(trial)")
            XCTAssertEqual(trace["subnetworks"]?[0], Surd(1 << (onInput ? d : h)))
            if !(relu && onInput) {
                XCTAssertEqual(
                    trace["gap"]?[0], .zero, "trial \(trial): weight scaling is exact when ŷ is linear in the mask")
            } else if !(trace["gap"]![0].isZero) {
                nonZeroGaps += 1
            }
        }
        XCTAssertGreaterThan(nonZeroGaps, 0, "ReLU after dropped inputs should show a gap")
    }

    func testCommitteeReLUGapWorkedExample() throws {
        // x = (1, −1), S = (1, 1)ᵀ, v = 1, p = 1/2: ŷ_r = max(0, r₁ − r₂).
        // Masks: 00 → 0, 10 → 1, 01 → 0, 11 → 0; mean 1/4; weight scaling max(0, 0) = 0.
        let input = CaseInput(
            op: "dropout-committee", params: [("p", "1/2")],
            inputs: [("x", Tensor(vector: [1, -1])), ("S", tensor([2, 1], [1, 1])), ("v", Tensor(vector: [1]))])
        let trace = try DropoutCommittee.run(input, as: Surd.self)
        XCTAssertEqual(trace["y_mean"]?[0], Surd(r("1/4")))
        XCTAssertEqual(trace["gap"]?[0], Surd(r("1/4")))
        XCTAssertEqual(trace["y_variance"]?[0], Surd(r("3/16")))
    }

    // MARK: BN variance shift

    func testBNVarianceShift() throws {
        var generator = SplitMix64(seed: 5)
        for _ in 0..<30 {
            let p = randomP(&generator)
            let x = randomVector(Int(generator.next() % 5) + 2, &generator)
            for variant in ["inverted", "plain"] {
                let input = CaseInput(
                    op: "dropout-bn-shift", params: [("p", p.description), ("variant", variant)], inputs: [("x", x)])
                guard let trace = try? DropoutBNShift.run(input, as: Surd.self) else { continue }
                XCTAssertEqual(trace["var_train_check"]?[0], .zero)
            }
        }
        // x = ±1, inverted p = 1/2: train var = E[x²]/(1/2) − 0 = 2, test 1, ratio 1/2.
        let trace = try DropoutBNShift.run(
            CaseInput(op: "dropout-bn-shift", params: [("p", "1/2")], inputs: [("x", Tensor(vector: [1, -1]))]),
            as: Surd.self)
        XCTAssertEqual(trace["var_train"]?[0], Surd(2))
        XCTAssertEqual(trace["variance_ratio"]?[0], Surd(r("1/2")))
    }

    // MARK: Monte Carlo

    func testMonteCarloIntervalsContainExactValues() throws {
        var generator = SplitMix64(seed: 9)
        var misses = 0
        var runs = 0
        for seed in 1...30 {
            let x = randomMatrix(3, 2, &generator)
            let y = randomVector(3, &generator)
            let w = randomVector(2, &generator)
            let p = try Rational(BigInt(Int(generator.next() % 7) + 1), 8)
            let input = CaseInput(
                op: "dropout-regression", params: [("p", p.description)], inputs: [("X", x), ("y", y), ("w", w)])
            let exact = try DropoutRegression.run(input, as: Surd.self)["lhs"]![0].rounded(to: Double.self)
            let estimate = DropoutRegression.monteCarlo(
                x: x, y: y, w: w, p: p.rounded(to: Double.self), samples: 2000, seed: UInt64(seed))
            runs += 1
            if !estimate.contains(exact) { misses += 1 }
            XCTAssertEqual(estimate.level, 0.999)
        }
        // 99.9% intervals: a miss among 30 runs is already unlikely (≈3%); two would flag a bias.
        XCTAssertLessThanOrEqual(misses, 1, "\(misses) of \(runs) 99.9% intervals missed the exact value")
        // More samples shrink the interval around the exact value.
        let x = randomMatrix(2, 2, &generator)
        let y = randomVector(2, &generator)
        let w = randomVector(2, &generator)
        let exact = try DropoutRegression.run(
            CaseInput(op: "dropout-regression", params: [("p", "1/4")], inputs: [("X", x), ("y", y), ("w", w)]),
            as: Surd.self)["lhs"]![0].rounded(to: Double.self)
        let small = DropoutRegression.monteCarlo(x: x, y: y, w: w, p: 0.25, samples: 500, seed: 3)
        let large = DropoutRegression.monteCarlo(x: x, y: y, w: w, p: 0.25, samples: 50_000, seed: 3)
        XCTAssertLessThan(large.standardError, small.standardError)
        XCTAssertTrue(large.contains(exact), "\(large) vs \(exact)")
    }

    func testMonteCarloDropoutCommitteeMean() throws {
        var misses = 0
        var generator = SplitMix64(seed: 31)
        for seed in 1...20 {
            let x = randomVector(3, &generator)
            let s = randomMatrix(3, 2, &generator)
            let v = randomVector(2, &generator)
            let input = CaseInput(
                op: "dropout-committee", params: [("p", "1/2"), ("samples", "2000"), ("seed", "\(seed)")],
                inputs: [("x", x), ("S", s), ("v", v)])
            let trace = try DropoutCommittee.run(input, as: Surd.self)
            let exact = trace["y_mean"]![0]
            let interval = trace["mc_interval"]!.values
            if !(interval[0] <= exact && exact <= interval[1]) { misses += 1 }
        }
        XCTAssertLessThanOrEqual(misses, 1)
    }

    func testKeepMappingIsDocumented() {
        var generator = SplitMix64(seed: 42)
        var copy = generator
        let u = Double(copy.next() >> 11) * 0x1p-53
        XCTAssertEqual(generator.keep(dropProbability: 0.5), u >= 0.5)
    }
}

final class DropoutBNShiftMonteCarloTests: XCTestCase {
    /// The sampled variance's 99.9% interval contains the exact training
    /// variance, for a fixed seed and for nearly every seed of twenty.
    func testMonteCarloIntervalContainsTheExactVariance() throws {
        let x = Tensor(vector: [Rational(1), Rational(2), Rational(3), Rational(6)])
        for variant in [Dropout.Variant.inverted, .plain] {
            let input = CaseInput(
                op: DropoutBNShift.name,
                params: [("p", "1/4"), ("variant", variant.rawValue), ("samples", "20000"), ("seed", "7")],
                inputs: [("x", x)])
            let trace = try DropoutBNShift.run(input, as: Surd.self)
            let exact = trace["var_train"]![0].rounded(to: Double.self)
            let interval = trace["mc_interval"]!.values.map { $0.rounded(to: Double.self) }
            XCTAssertLessThanOrEqual(interval[0], exact, "\(variant)")
            XCTAssertGreaterThanOrEqual(interval[1], exact, "\(variant)")
            var misses = 0
            for seed in 1...20 {
                let estimate = DropoutBNShift.monteCarlo(
                    x: x, p: 0.25, variant: variant, samples: 5000, seed: UInt64(seed))
                if !estimate.contains(exact) { misses += 1 }
            }
            XCTAssertLessThanOrEqual(misses, 1, "\(variant): \(misses) of 20 intervals miss")
        }
        let bad = CaseInput(op: DropoutBNShift.name, params: [("samples", "1")], inputs: [("x", x)])
        XCTAssertThrowsError(try DropoutBNShift.run(bad, as: Double.self))
    }
}
