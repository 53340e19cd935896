import Exact
import TestSupport
import XCTest

@testable import Reference

/// Exact identities over hundreds of random small cases per op: the graph's
/// ∂ℓ/∂x equals the compact formula, Σx̂ = 0, Σx̂² = m·σ²/(σ² + ε), eval
/// folding, bias invariance — all with `==`.
final class IdentityTests: XCTestCase {
    func testBatchNormTrainingIdentitiesOnDenseAndConvShapes() throws {
        var generator = SplitMix64(seed: 11)
        var checked = 0
        for trial in 0..<600 {
            let conv = trial % 3 == 0
            let shape =
                conv
                ? [generator.int(1...3), generator.int(1...3), generator.int(1...2), generator.int(1...3)]
                : [generator.int(2...8), generator.int(1...3)]
            let x = generator.tensor(shape)
            let eps = generator.eps()
            let plan = NormalizationPlan.batchNorm(try ChannelLayout(x))
            if eps.isZero && !groupsVary(x, plan) { continue }
            if plan.groups[0].count < 2 { continue }
            let channels = shape[1]
            let input = makeCase(
                "batchnorm", params: [("eps", eps.description)],
                inputs: [
                    ("x", x), ("gamma", generator.tensor([channels])), ("beta", generator.tensor([channels])),
                    ("dy", generator.tensor(shape)),
                ])
            let trace = try BatchNormOperation.run(input, as: Surd.self)
            assertChecksZero(trace, "trial \(trial)")
            XCTAssertEqual(values(trace, "dx"), values(trace, "dx_compact"), "trial \(trial)")
            // Every value of a channel lies in ℚ(√(σ² + ε)).
            for (c, s) in values(trace, "var_eps").enumerated() {
                let radicand = try Surd.squareRoot(of: s.rationalValue!)
                for index in plan.groups[c] {
                    let value = values(trace, "dx")[index]
                    XCTAssertLessThanOrEqual(value.terms.count, 1)
                    if let term = value.terms.first { XCTAssertEqual(term.radicand, radicand.terms.first?.radicand) }
                }
            }
            checked += 1
        }
        XCTAssertGreaterThan(checked, 450)
    }

    func testLayerGroupInstanceNormIdentities() throws {
        var generator = SplitMix64(seed: 12)
        var checked = 0
        for trial in 0..<300 {
            let conv = trial % 2 == 0
            let channels = [1, 2, 4][generator.int(0...2)]
            let shape =
                conv ? [generator.int(1...2), channels, 1, generator.int(1...3)] : [generator.int(1...3), channels]
            let x = generator.tensor(shape)
            let eps = generator.eps()
            let divisors = (1...channels).filter { channels % $0 == 0 }
            let groups = divisors[generator.int(0...(divisors.count - 1))]
            let layout = try ChannelLayout(x)
            let plan = NormalizationPlan.groupNorm(layout, groups: groups, elementwise: false)
            if eps.isZero && !groupsVary(x, plan) { continue }
            let dy = generator.tensor(shape)
            let gamma = generator.tensor([channels])
            let beta = generator.tensor([channels])
            let op: any ReferenceOperation.Type = [
                GroupNormOperation.self, LayerNormOperation.self, InstanceNormOperation.self,
            ][trial % 3]
            if op == LayerNormOperation.self, eps.isZero,
                !groupsVary(x, .groupNorm(layout, groups: 1, elementwise: false))
            {
                continue
            }
            if op == InstanceNormOperation.self, eps.isZero,
                !groupsVary(x, .groupNorm(layout, groups: channels, elementwise: false))
            {
                continue
            }
            let input = makeCase(
                op.name, params: [("eps", eps.description), ("groups", "\(groups)")],
                inputs: [("x", x), ("gamma", gamma), ("beta", beta), ("dy", dy)])
            let trace = try op.run(input, as: Surd.self)
            assertChecksZero(trace, "trial \(trial) \(op.name)")
            XCTAssertEqual(values(trace, "dx"), values(trace, "dx_compact"))
            checked += 1
        }
        XCTAssertGreaterThan(checked, 150)
    }

    func testInstanceNormIsGroupNormWithOneGroupPerChannel() throws {
        var generator = SplitMix64(seed: 13)
        for _ in 0..<50 {
            let shape = [2, 2, 1, 3]
            let x = generator.tensor(shape)
            let dy = generator.tensor(shape)
            let inputs = [("x", x), ("dy", dy)]
            let instance = try InstanceNormOperation.run(
                makeCase("instancenorm", params: [("eps", "1/10")], inputs: inputs), as: Surd.self)
            let group = try GroupNormOperation.run(
                makeCase("groupnorm", params: [("eps", "1/10"), ("groups", "2")], inputs: inputs), as: Surd.self)
            XCTAssertEqual(values(instance, "y"), values(group, "y"))
            XCTAssertEqual(values(instance, "dx"), values(group, "dx"))
        }
    }

    func testEpsOutsideTheRootGraphEqualsItsCompactForm() throws {
        var generator = SplitMix64(seed: 14)
        for trial in 0..<60 {
            let x = generator.tensor([3, 2])
            let plan = NormalizationPlan.batchNorm(try ChannelLayout(x))
            if !groupsVary(x, plan) { continue }
            let input = makeCase(
                "batchnorm", convention: "notes-001", params: [("eps", "1/7")],
                inputs: [("x", x), ("dy", generator.tensor([3, 2])), ("gamma", generator.tensor([2]))])
            let trace = try BatchNormOperation.run(input, as: Surd.self)
            assertChecksZero(trace, "trial \(trial)")
        }
    }

    func testEvalFoldingAndLinearFoldingAreExact() throws {
        var generator = SplitMix64(seed: 15)
        for trial in 0..<200 {
            let channels = generator.int(1...3)
            let runningVar = Tensor(vector: (0..<channels).map { _ in Rational(generator.int(0...9)) })
            let eps = try Rational(BigInt(1), BigInt(generator.int(1...50)))
            let eval = makeCase(
                "batchnorm", params: [("mode", "eval"), ("eps", eps.description)],
                inputs: [
                    ("x", generator.tensor([3, channels])), ("gamma", generator.tensor([channels])),
                    ("beta", generator.tensor([channels])),
                    ("running_mean", generator.tensor([channels])), ("running_var", runningVar),
                    ("dy", generator.tensor([3, channels])),
                ])
            assertChecksZero(try BatchNormOperation.run(eval, as: Surd.self), "eval trial \(trial)")
            let inputs = generator.int(1...3)
            let fold = makeCase(
                "bn-fold", params: [("eps", eps.description)],
                inputs: [
                    ("W", generator.tensor([channels, inputs])), ("bias", generator.tensor([channels])),
                    ("x", generator.tensor([2, inputs])),
                    ("gamma", generator.tensor([channels])), ("beta", generator.tensor([channels])),
                    ("running_mean", generator.tensor([channels])), ("running_var", runningVar),
                ])
            let trace = try BatchNormFoldOperation.run(fold, as: Surd.self)
            assertChecksZero(trace, "fold trial \(trial)")
            XCTAssertEqual(values(trace, "y_folded"), values(trace, "y"))
        }
    }

    func testBiasInvarianceSanturkarAndJacobianFacts() throws {
        var generator = SplitMix64(seed: 16)
        var strictSlack = 0
        for trial in 0..<150 {
            let m = generator.int(2...4)
            let channels = generator.int(1...2)
            let x = generator.tensor([m, channels])
            let eps = generator.eps()
            let plan = NormalizationPlan.batchNorm(try ChannelLayout(x))
            if eps.isZero && !groupsVary(x, plan) { continue }
            let input = makeCase(
                "bn-facts", params: [("eps", eps.description), ("h", "1/100")],
                inputs: [
                    ("x", x), ("dy", generator.tensor([m, channels])), ("gamma", generator.tensor([channels])),
                    ("b", generator.tensor([channels])),
                ])
            let trace = try BatchNormFactsOperation.run(input, as: Surd.self)
            assertChecksZero(
                trace, except: ["santurkar_slack", "jacobian_erratum_difference", "jacobian_dq_error"], "trial \(trial)"
            )
            for slack in values(trace, "santurkar_slack") {
                if eps.isZero {
                    XCTAssertTrue(slack.isZero, "ε = 0: Theorem 2.1 holds with equality")
                } else {
                    XCTAssertGreaterThanOrEqual(slack.signum, 0, "the inequality holds")
                    if slack.signum > 0 { strictSlack += 1 }
                }
            }
            for norm in values(trace, "xhat_norm_sq") {
                if eps.isZero {
                    XCTAssertEqual(norm, Surd(Rational(m)))
                } else {
                    XCTAssertLessThan(norm, Surd(Rational(m)))
                }
            }
        }
        XCTAssertGreaterThan(strictSlack, 10, "ε > 0 leaves a strictly positive slack in most cases")
    }

    func testTheNotesJacobianErratumDiffers() throws {
        // x = 1, 2, 6: μ = 3, x − μ = −2, −1, 3; the off-diagonal entries differ
        // by x̂_τ(x̂_ω − x̂_τ)/(m σ), non-zero here.
        let input = makeCase(
            "bn-facts",
            inputs: [
                ("x", Tensor(shape: [3, 1], values: [1, 2, 6])), ("dy", Tensor(shape: [3, 1], values: [1, -2, 0])),
            ])
        let trace = try BatchNormFactsOperation.run(input, as: Surd.self)
        let difference = values(trace, "jacobian_erratum_difference")
        for omega in 0..<3 {
            for tau in 0..<3 {
                let value = difference[omega * 3 + tau]
                if omega == tau {
                    XCTAssertTrue(value.isZero, "the diagonal is right")
                } else {
                    XCTAssertFalse(value.isZero, "(\(omega),\(tau))")
                }
            }
        }
        // σ² = 14/3: J[0][1] = (−1/3 − x̂₀x̂₁/3)/σ with x̂₀x̂₁ = 2/σ².
        let sigma = try Surd.squareRoot(of: rational("14/3"))
        let expected = (Surd(rational("-1/3")) - Surd(2) / (Surd(3) * sigma * sigma)) / sigma
        XCTAssertEqual(values(trace, "jacobian")[1], expected)
    }

    func testJacobianDifferenceQuotientConvergesLikeHSquared() throws {
        let x = Tensor<Rational>(shape: [4, 1], values: [1, 2, 6, -3])
        let dy = Tensor<Rational>(shape: [4, 1], values: [1, 0, 0, 0])
        var previous: Double?
        for k in 3...7 {
            let h = try Rational(BigInt(1), BigInt(1 << k))
            let trace = try BatchNormFactsOperation.run(
                makeCase(
                    "bn-facts", params: [("eps", "1/10"), ("h", h.description)],
                    inputs: [("x", x), ("dy", dy)]), as: Surd.self)
            let error = values(trace, "jacobian_dq_error").map { $0.magnitude.rounded(to: Double.self) }.max()!
            if let previous { XCTAssertEqual(previous / error, 4, accuracy: 0.4, "h = 2^-\(k)") }
            previous = error
        }
    }
}
