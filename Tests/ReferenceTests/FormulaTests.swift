import Exact
import TestSupport
import XCTest

@testable import Reference

/// The formulas several operations share, each written once, pinned against
/// values worked out by hand.
final class FormulaTests: XCTestCase {
    func r(_ text: String) -> Rational { try! Rational(parsing: text) }

    func testMeanAndBiasedVariance() {
        // 1, 3, 8: mean 4, deviations −3, −1, 4, variance (9 + 1 + 16)/3 = 26/3.
        let (mean, variance) = NormalizationFormulas.meanAndVariance([Surd(1), Surd(3), Surd(8)])
        XCTAssertEqual(mean.description, "4")
        XCTAssertEqual(variance.description, "26/3")
    }

    func testEvalModeIsOneAffineMap() throws {
        // γ = 3, Var + ε = 9/4 (std 3/2), E = 2, β = 1: a = 2, b = 1 − 4 = −3, y(5) = 7.
        let std = try Surd.squareRoot(of: r("9/4"))
        let a = NormalizationFormulas.evalScale(gamma: Surd(3), std: std)
        let b = NormalizationFormulas.evalShift(beta: Surd(1), scale: a, mean: Surd(2))
        XCTAssertEqual(a.description, "2")
        XCTAssertEqual(b.description, "-3")
        XCTAssertEqual(NormalizationFormulas.evalAffine(Surd(5), scale: a, shift: b).description, "7")
        // With an irrational root: a = 1/√2 = 1/2·√2.
        let root2 = try Surd.squareRoot(of: r("2"))
        XCTAssertEqual(NormalizationFormulas.evalScale(gamma: Surd(1), std: root2).description, "1/2*sqrt(2)")
    }

    func testDropoutScaleForEachVariantAndMode() {
        let p = Surd(r("1/4"))
        XCTAssertEqual(Dropout.scale(variant: .inverted, train: true, p: p).description, "4/3")
        XCTAssertEqual(Dropout.scale(variant: .inverted, train: false, p: p).description, "1")
        XCTAssertEqual(Dropout.scale(variant: .plain, train: true, p: p).description, "1")
        XCTAssertEqual(Dropout.scale(variant: .plain, train: false, p: p).description, "3/4")
    }

    func testAveragingTheStandardDeviation() throws {
        // PyTorch's meaning, momentum 1/4: σ̄ = 3/4·2 + 1/4·6 = 3, variance 9.
        let convention = try BatchNormConvention.named("pytorch")
        let (std, variance) = convention.averagedStandardDeviation(
            oldStd: Surd(2), batchStd: Surd(6), seen: 0, momentum: r("1/4"))
        XCTAssertEqual(std.description, "3")
        XCTAssertEqual(variance.description, "9")
    }

    func testWeightDecayOnTheDiagonalSparesTheIntercept() {
        let gram = Matrix(rows: 2, columns: 2, values: [Surd(4), Surd(1), Surd(1), Surd(2)])
        let columns = Ridge.penalisedColumns(2, intercept: true, decayIntercept: false)
        XCTAssertEqual(columns, [false, true])
        let system = Ridge.penalised(gram, alpha: Surd(r("1/2")), columns: columns)
        XCTAssertEqual(system.tensor.values.map(\.description), ["4", "1", "1", "5/2"])
        XCTAssertEqual(Ridge.penalisedColumns(2, intercept: true, decayIntercept: true), [true, true])
        XCTAssertEqual(Ridge.penalisedColumns(2, intercept: false, decayIntercept: false), [true, true])
    }

    /// The trace carries the grouping its computation used; the kernel checks read it.
    func testNormalizationTracesCarryTheirLayout() throws {
        let group = try GroupNormOperation.run(GroupNormOperation.example, as: Double.self)
        // x (2, 4) in 2 groups of 2 channels: m = 2, groups 0 0 1 1 | 2 2 3 3, γ per channel.
        XCTAssertEqual(group.layout?.groupSize, 2)
        XCTAssertEqual(group.layout?.group, [0, 0, 1, 1, 2, 2, 3, 3])
        XCTAssertEqual(group.layout?.affine, [0, 1, 2, 3, 0, 1, 2, 3])
        let batch = try BatchNormOperation.run(BatchNormOperation.example, as: Double.self)
        // x (4, 2): one group per channel over N = 4.
        XCTAssertEqual(batch.layout?.groupSize, 4)
        XCTAssertEqual(batch.layout?.group, [0, 1, 0, 1, 0, 1, 0, 1])
    }

    /// Every registered operation's built-in example runs exactly.
    func testEveryExampleRuns() throws {
        for operation in ReferenceOperations.all {
            // An operation that generates its data (double-descent) has an
            // example of parameters only.
            XCTAssertFalse(operation.example.inputs.isEmpty && operation.example.params.isEmpty, operation.name)
            XCTAssertNoThrow(try TraceSet(operation, input: operation.example), operation.name)
        }
    }
}
