import Exact
import TestSupport
import XCTest

@testable import Reference

/// The U-shaped risk curve (notes 001 Fig. 7.1) on `BiasVarianceSweep.uCurveWorld`,
/// exactly: the shape, the decomposition, and degree 0 against its closed form.
final class UCurveTests: XCTestCase {
    static let trace: Trace<Surd> = try! BiasVarianceSweep.run(BiasVarianceSweep.uCurveWorld, as: Surd.self)

    func testRiskFallsThenRisesWhileBiasFallsAndVarianceRises() throws {
        let trace = Self.trace
        let risk = trace["risk"]!.values
        let bias2 = trace["bias2"]!.values
        let variance = trace["variance"]!.values
        let bayes = trace["bayes_error"]!.values
        XCTAssertEqual(risk.count, 5, "degrees 0…4, one α")
        let minimum = risk.indices.min { risk[$0] < risk[$1] }!
        XCTAssertTrue((1..<(risk.count - 1)).contains(minimum), "the minimum is at degree \(minimum), not interior")
        for degree in 1..<risk.count {
            if degree <= minimum {
                XCTAssertLessThan(risk[degree], risk[degree - 1], "risk falls to degree \(degree)")
            } else {
                XCTAssertGreaterThan(risk[degree], risk[degree - 1], "risk rises to degree \(degree)")
            }
            XCTAssertLessThan(bias2[degree], bias2[degree - 1], "bias² falls to degree \(degree)")
            XCTAssertGreaterThan(variance[degree], variance[degree - 1], "variance rises to degree \(degree)")
        }
        // Bayes error: Var(ε) for ε = ±1/2, the same for every model.
        XCTAssertEqual(bayes, Array(repeating: Surd(Rational(1).timesPowerOfTwo(-2)), count: 5))
        for degree in risk.indices {
            XCTAssertEqual(risk[degree], bias2[degree] + variance[degree] + bayes[degree])
            XCTAssertEqual(trace["decomposition_check"]![degree], .zero)
        }
    }

    /// Degree 0 with α = 0 predicts the sample mean ȳ of the n draws, so
    /// E_D f = E y, bias² = Var_x f*(x), variance = Var(ȳ) = Var(y)/n with
    /// Var(y) = Var_x f(x) + Var(ε), and risk = bias² + variance + Var(ε):
    /// computed here from the world's numbers alone.
    func testDegreeZeroMatchesItsClosedForm() throws {
        let world = BiasVarianceSweep.uCurveWorld
        let p = world.tensor("x_probs")!.values
        let f = world.tensor("target")!.values
        let noise = world.tensor("noise")!.values
        let n = Rational(4)
        let noiseMean = noise.reduce(Rational(0), +) / Rational(noise.count)
        let noiseVariance =
            noise.reduce(Rational(0)) { $0 + ($1 - noiseMean) * ($1 - noiseMean) } / Rational(noise.count)
        let meanTarget = zip(p, f).reduce(Rational(0)) { $0 + $1.0 * $1.1 }
        let targetVariance = zip(p, f).reduce(Rational(0)) { $0 + $1.0 * ($1.1 - meanTarget) * ($1.1 - meanTarget) }
        let bias2 = targetVariance
        let variance = (targetVariance + noiseVariance) / n
        XCTAssertEqual(Self.trace["bias2"]![0], Surd(bias2))
        XCTAssertEqual(Self.trace["variance"]![0], Surd(variance))
        XCTAssertEqual(Self.trace["risk"]![0], Surd(bias2 + variance + noiseVariance))
    }

    /// 5 x values × 2 noise values = 10 outcomes; C(4 + 9, 9) = 715 datasets.
    func testEnumerationSize() throws {
        var input = BiasVarianceSweep.uCurveWorld
        input.op = BiasVarianceOperation.name
        input.params.removeAll { $0.name == "max_degree" }
        input.setParam("degree", "2")
        let trace = try BiasVarianceOperation.run(input, as: Surd.self)
        XCTAssertEqual(trace.params.first { $0.name == "datasets" }?.value.description, "715")
        XCTAssertEqual(trace["risk"]![0], Self.trace["risk"]![2])
    }
}
