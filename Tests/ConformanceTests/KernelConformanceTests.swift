import Conformance
import Exact
import Kernels
import Reference
import TestSupport
import Vectors
import XCTest

final class KernelConformanceTests: XCTestCase {
    func testKernelsMeetTheirBoundsOnEveryGoldenVector() throws {
        let (checks, notes) = try KernelConformance.checkAllVectors()
        var flags: [String: Set<String>] = [:]
        for family in VectorCatalog.families {
            for vectorCase in family.cases { flags[family.caseID(vectorCase)] = Set(vectorCase.flags) }
        }
        XCTAssertGreaterThan(checks.count, 200)
        // Every case, including subnormal and near-overflow data (the kernels'
        // exactly scaled slow path, KERNELS.md "Extreme magnitudes").
        for check in checks {
            XCTAssertTrue(
                check.passed, "\(check.caseID) \(check.field): \(check.measured) > \(check.bound) (\(check.rule))")
        }
        // The stiff cases that defeat a plain float evaluation are inside the
        // kernels' range: every huge-offset case was run and passed.
        let hugeOffset = checks.filter { flags[$0.caseID, default: []].contains("huge-offset") }
        XCTAssertGreaterThanOrEqual(Set(hugeOffset.map(\.caseID)).count, 4)
        XCTAssertTrue(hugeOffset.allSatisfy(\.passed))
        let extreme = checks.filter { !flags[$0.caseID, default: []].isDisjoint(with: ["subnormal", "near-overflow"]) }
        XCTAssertGreaterThanOrEqual(Set(extreme.map(\.caseID)).count, 3)
        // Every applicable case ran, or says why not (eval backward is not a kernel).
        for note in notes {
            XCTAssertTrue(note.contains("eval mode"), "unexpected: \(note)")
        }
    }

    /// Large random inputs: the kernel runs on the whole tensor; the exact
    /// reference checks a few sampled channels (batch norm statistics are per
    /// channel, so a channel's column is a case of its own).
    func testLargeRandomBatchNormOnSampledChannels() throws {
        try checkSampledChannels(n: 2000, c: 50, spatial: 1, offset: 1e6, channels: [0, 17, 49], as: Double.self)
        try checkSampledChannels(n: 16, c: 8, spatial: 784, offset: 100, channels: [3], as: Float.self)
    }

    private func checkSampledChannels<T: KernelScalar>(
        n: Int, c: Int, spatial: Int, offset: Double, channels: [Int], as _: T.Type
    ) throws
    where T.RawSignificand: FixedWidthInteger, T.RawExponent: FixedWidthInteger {
        var generator = SplitMix64(seed: 0xC0FF_EE00 + UInt64(n))
        let count = n * c * spatial
        XCTAssertGreaterThanOrEqual(count, 100_000)
        let x = (0..<count).map { _ in T(offset + 4 * (generator.nextUnit() - 0.5)) }
        let dy = (0..<count).map { _ in T(generator.nextUnit() - 0.5) }
        let gamma = (0..<c).map { T(1 + Double($0 % 3)) }
        let beta = (0..<c).map { T(Double($0 % 5) - 2) }
        let shape: NormShape = spatial == 1 ? .nc(n: n, c: c) : .nchw(n: n, c: c, h: 1, w: spatial)
        var y = [T](repeating: 0, count: count)
        var xhat = y
        var dx = y
        var dgamma = [T](repeating: 0, count: c)
        var dbeta = dgamma
        let eps = T(1e-5)
        try x.withUnsafeBufferPointer { xp in
            try gamma.withUnsafeBufferPointer { gp in
                try beta.withUnsafeBufferPointer { bp in
                    let saved = try y.withUnsafeMutableBufferPointer { yp in
                        try xhat.withUnsafeMutableBufferPointer { xhp in
                            try BatchNorm.forwardTraining(
                                x: xp, shape: shape, gamma: gp, beta: bp, epsilon: eps, y: yp, xhat: xhp)
                        }
                    }
                    try dy.withUnsafeBufferPointer { dyp in
                        try dx.withUnsafeMutableBufferPointer { dxp in
                            try dgamma.withUnsafeMutableBufferPointer { dgp in
                                try dbeta.withUnsafeMutableBufferPointer { dbp in
                                    try BatchNorm.backward(
                                        dy: dyp, source: .x(xp, saved), shape: shape, gamma: gp, dx: dxp, dgamma: dgp,
                                        dbeta: dbp)
                                }
                            }
                        }
                    }
                }
            }
        }
        for channel in channels {
            let indices = (0..<n).flatMap { sample in (0..<spatial).map { (sample * c + channel) * spatial + $0 } }
            func column(_ values: [T]) -> Tensor<Rational> {
                Tensor(shape: [indices.count, 1], values: indices.map { try! Rational(exactly: Double(values[$0])) })
            }
            let input = CaseInput(
                op: "batchnorm", precision: T.self == Float.self ? .f32 : .f64,
                params: [("eps", (try! Rational(exactly: Double(eps))).description), ("mode", "train")],
                inputs: [
                    ("x", column(x)), ("dy", column(dy)),
                    ("gamma", Tensor(vector: [try! Rational(exactly: Double(gamma[channel]))])),
                    ("beta", Tensor(vector: [try! Rational(exactly: Double(beta[channel]))])),
                ])
            let exact = try BatchNormOperation.run(input, as: Surd.self)
            var outputs = KernelEngine.Outputs()
            outputs.values = [
                ("xhat", indices.map { Double(xhat[$0]) }), ("y", indices.map { Double(y[$0]) }),
                ("dx", indices.map { Double(dx[$0]) }),
                ("dgamma", [Double(dgamma[channel])]), ("dbeta", [Double(dbeta[channel])]),
            ]
            let checks = KernelConformance.check(
                caseID: "random/\(channel)", input: input, exact: exact, outputs: outputs)
            XCTAssertEqual(checks.count, 5)
            for check in checks {
                XCTAssertTrue(
                    check.passed,
                    "\(T.self) channel \(channel) \(check.field): \(check.measured) > \(check.bound) (\(check.rule))")
            }
        }
    }

    func testTheMeasureRejectsAPlainEvaluation() throws {
        // The same case through the plain Double reference fails the kernels'
        // bound on x̂: the check can fail.
        let family = VectorCatalog.families.first { $0.name == "batchnorm_train_2d" }!
        let vectorCase = family.cases.first { $0.slug == "huge-offset" }!
        let input = try vectorCase.input.snappedToPrecision().input
        let exact = try BatchNormOperation.run(input, as: Surd.self)
        let plain = try BatchNormOperation.run(input, as: Double.self)
        var outputs = KernelEngine.Outputs()
        outputs.values = [("xhat", plain["xhat"]!.values)]
        let check = KernelConformance.check(caseID: "plain", input: input, exact: exact, outputs: outputs)[0]
        XCTAssertFalse(check.passed, "a plain two-pass x̂ on 1e8-offset data is \(check.measured) ulp off")
        XCTAssertGreaterThan(check.measured, 1e6)
    }
}
