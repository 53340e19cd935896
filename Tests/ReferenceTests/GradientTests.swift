import Exact
import TestSupport
import XCTest

@testable import Reference

/// The exact backward pass against derivatives computed independently: an
/// exact forward-mode JVP and exact central differences with rational h; and
/// the Double backward against the correctly rounded exact one.
final class GradientTests: XCTestCase {
    /// ℓ = Σ dy·y for batch norm on x + t·v, and its exact t-derivative at 0 by
    /// forward mode: dμ = mean(v), d(x − μ) = v − dμ, dσ² = (2/m)Σ(x − μ)·d(x − μ),
    /// d std = dσ²/(2 std), dx̂ = d(x − μ)/std − (x − μ)·d std/std².
    func jvp(x: [Rational], v: [Rational], gamma: Rational, dy: [Rational], eps: Rational) throws -> Surd {
        let m = Surd(Rational(x.count))
        let xs = x.map { Surd($0) }
        let vs = v.map { Surd($0) }
        let mean = xs.reduce(.zero, +) / m
        let dMean = vs.reduce(.zero, +) / m
        let centered = xs.map { $0 - mean }
        let dCentered = vs.map { $0 - dMean }
        let variance = centered.map { $0 * $0 }.reduce(.zero, +) / m
        let dVariance = Surd(2) * zip(centered, dCentered).map { $0 * $1 }.reduce(.zero, +) / m
        let std = try (variance + Surd(eps)).squareRoot()
        let dStd = dVariance / (Surd(2) * std)
        var total = Surd.zero
        for i in 0..<x.count {
            let dXhat = dCentered[i] / std - centered[i] * dStd / (std * std)
            total += Surd(dy[i]) * Surd(gamma) * dXhat
        }
        return total
    }

    func loss(x: [Rational], gamma: Rational, dy: [Rational], eps: Rational) throws -> Surd {
        let trace = try BatchNormOperation.run(
            makeCase(
                "batchnorm", params: [("eps", eps.description)],
                inputs: [
                    ("x", Tensor(shape: [x.count, 1], values: x)), ("gamma", Tensor(vector: [gamma])),
                ]), as: Surd.self)
        return zip(trace["y"]!.values, dy).map { $0 * Surd($1) }.reduce(.zero, +)
    }

    func testBackwardEqualsExactDirectionalDerivative() throws {
        var generator = SplitMix64(seed: 21)
        var checked = 0
        for _ in 0..<200 {
            let m = generator.int(2...5)
            let x = (0..<m).map { _ in generator.small() }
            if x.allSatisfy({ $0 == x[0] }) { continue }
            let v = (0..<m).map { _ in generator.small() }
            let dy = (0..<m).map { _ in generator.small() }
            let gamma = generator.small()
            let eps = generator.eps()
            let trace = try BatchNormOperation.run(
                makeCase(
                    "batchnorm", params: [("eps", eps.description)],
                    inputs: [
                        ("x", Tensor(shape: [m, 1], values: x)), ("gamma", Tensor(vector: [gamma])),
                        ("dy", Tensor(shape: [m, 1], values: dy)),
                    ]), as: Surd.self)
            let directional = zip(trace["dx"]!.values, v).map { $0 * Surd($1) }.reduce(.zero, +)
            XCTAssertEqual(directional, try jvp(x: x, v: v, gamma: gamma, dy: dy, eps: eps))
            checked += 1
        }
        XCTAssertGreaterThan(checked, 150)
    }

    func testCentralDifferencesConvergeLikeHSquared() throws {
        var generator = SplitMix64(seed: 22)
        var checked = 0
        defer { XCTAssertGreaterThanOrEqual(checked, 5) }
        for _ in 0..<10 {
            let m = 3
            let x = (0..<m).map { _ in generator.small() }
            if x.allSatisfy({ $0 == x[0] }) { continue }
            let v = (0..<m).map { _ in Rational(generator.int(-3...3)) }
            let dy = (0..<m).map { _ in generator.small() }
            let eps = try Rational(BigInt(1), BigInt(10))
            let trace = try BatchNormOperation.run(
                makeCase(
                    "batchnorm", params: [("eps", "1/10")],
                    inputs: [
                        ("x", Tensor(shape: [m, 1], values: x)), ("dy", Tensor(shape: [m, 1], values: dy)),
                    ]), as: Surd.self)
            let exact = zip(trace["dx"]!.values, v).map { $0 * Surd($1) }.reduce(.zero, +)
            var errors: [Double] = []
            for k in 4...7 {
                let h = try Rational(BigInt(1), BigInt(1 << k))
                let plus = try loss(x: zip(x, v).map { $0 + h * $1 }, gamma: 1, dy: dy, eps: eps)
                let minus = try loss(x: zip(x, v).map { $0 - h * $1 }, gamma: 1, dy: dy, eps: eps)
                let quotient = (plus - minus) / Surd(2 * h)
                errors.append((quotient - exact).magnitude.rounded(to: Double.self))
            }
            guard errors[0] > 1e-30 else { continue } // a vanishing third derivative: nothing to see
            checked += 1
            for k in 1..<errors.count {
                let ratio = errors[k - 1] / errors[k]
                XCTAssertEqual(ratio, 4, accuracy: 0.5, "halving h divides the error by ≈ 4: \(errors)")
            }
        }
    }

    /// The f64 backward run against the correctly rounded exact values, normwise:
    /// ‖dx_f64 − dx‖ ≤ 64·m·u·(‖dx‖ + ‖γ‖·‖dy‖/√(σ² + ε)), u = 2⁻⁵³ — the scale of
    /// the terms that cancel in dx (backward passes cancel, so elementwise ulp
    /// bounds are meaningless).
    func testDoubleBackwardIsWithinANormwiseBound() throws {
        var generator = SplitMix64(seed: 23)
        var worst = 0.0
        for _ in 0..<200 {
            let m = generator.int(2...6)
            let channels = generator.int(1...2)
            let x = generator.tensor([m, channels])
            if !groupsVary(x, .batchNorm(try ChannelLayout(x))) { continue }
            let input = makeCase(
                "batchnorm", params: [("eps", "1e-5")],
                inputs: [
                    ("x", x), ("gamma", generator.tensor([channels])), ("dy", generator.tensor([m, channels])),
                ])
            let traces = try TraceSet(BatchNormOperation.self, input: input)
            let exact = traces.exact["dx"]!.values.map { $0.rounded(to: Double.self) }
            let float = traces.f64["dx"]!.values
            let error = zip(exact, float).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
            let gammaNorm = traces.f64["gamma"]!.values.map { $0 * $0 }.reduce(0, +).squareRoot()
            let dyNorm = traces.f64["dy"]!.values.map { $0 * $0 }.reduce(0, +).squareRoot()
            let minStd = traces.exact["std"]!.values.map { $0.rounded(to: Double.self) }.min()!
            let scale = exact.map { $0 * $0 }.reduce(0, +).squareRoot() + gammaNorm * dyNorm / minStd
            let bound = 64 * Double(m) * 0x1p-53 * scale
            XCTAssertLessThanOrEqual(error, bound)
            if scale > 0 { worst = max(worst, error / (Double(m) * 0x1p-53 * scale)) }
            // Forward: |y_f64 − y| ≤ 16·m·u·max|y| (x − μ cancels when x ≈ μ, so
            // an elementwise ulp bound does not hold; a normwise one does).
            let exactY = traces.exact["y"]!.values.map { $0.rounded(to: Double.self) }
            let maxY = exactY.map(\.magnitude).max()!
            for (e, f) in zip(exactY, traces.f64["y"]!.values) {
                XCTAssertLessThanOrEqual((e - f).magnitude, 16 * Double(m) * 0x1p-53 * maxY, "y \(f) vs \(e)")
            }
        }
        print("worst normwise dx error: \(worst) × m·u·scale")
    }

    /// The same check for layer, group and instance norm (γ varying inside a
    /// group), with an exact forward-mode derivative over the plan's groups.
    func testGroupedNormsBackwardEqualsExactDirectionalDerivative() throws {
        var generator = SplitMix64(seed: 24)
        var checked = 0
        for trial in 0..<120 {
            let channels = [2, 4][trial % 2]
            let shape = [generator.int(1...2), channels, 1, generator.int(1...2)]
            let x = generator.tensor(shape)
            let v = generator.tensor(shape)
            let dy = generator.tensor(shape)
            let gamma = generator.tensor([channels])
            let groups = [1, 2, channels][trial % 3]
            let eps = try Rational(BigInt(1), BigInt(generator.int(1...9)))
            let layout = try ChannelLayout(x)
            let plan = NormalizationPlan.groupNorm(layout, groups: groups, elementwise: false)
            let trace = try GroupNormOperation.run(
                makeCase(
                    "groupnorm", params: [("eps", eps.description), ("groups", "\(groups)")],
                    inputs: [("x", x), ("dy", dy), ("gamma", gamma)]), as: Surd.self)
            var expected = Surd.zero
            for members in plan.groups {
                let m = Surd(Rational(members.count))
                let xs = members.map { Surd(x.values[$0]) }
                let vs = members.map { Surd(v.values[$0]) }
                let mean = xs.reduce(.zero, +) / m
                let dMean = vs.reduce(.zero, +) / m
                let c = xs.map { $0 - mean }
                let dc = vs.map { $0 - dMean }
                let variance = c.map { $0 * $0 }.reduce(.zero, +) / m
                let dVariance = Surd(2) * zip(c, dc).map { $0 * $1 }.reduce(.zero, +) / m
                let std = try (variance + Surd(eps)).squareRoot()
                let dStd = dVariance / (Surd(2) * std)
                for (j, index) in members.enumerated() {
                    let dXhat = dc[j] / std - c[j] * dStd / (std * std)
                    expected += Surd(dy.values[index]) * Surd(gamma.values[plan.affineIndex[index]]) * dXhat
                }
            }
            let directional = zip(trace["dx"]!.values, v.values).map { $0 * Surd($1) }.reduce(.zero, +)
            XCTAssertEqual(directional, expected, "trial \(trial), groups \(groups)")
            checked += 1
        }
        XCTAssertEqual(checked, 120)
    }
}
