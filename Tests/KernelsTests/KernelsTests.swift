import Kernels
// Kernels against the double-double oracle: random shapes, stiff data, constant
// channels, batch of one, thread-count independence and bad input.
import XCTest

final class NormalizationAccuracyTests: XCTestCase {
    static let bnShapes: [NormShape] = [
        .nc(n: 7, c: 13), .nc(n: 64, c: 16), .nc(n: 33, c: 5), .nc(n: 2, c: 9), .nc(n: 300, c: 27),
        .nchw(n: 2, c: 3, h: 5, w: 7), .nchw(n: 3, c: 4, h: 4, w: 4), .nchw(n: 4, c: 2, h: 9, w: 3),
        .nchw(n: 5, c: 3, h: 16, w: 17),
    ]
    static let lnShapes: [(Int, Int)] = [(5, 19), (40, 64), (3, 7), (70, 33), (9, 517)]
    static let gnShapes: [(Int, Int, Int, Int, Int)] = [
        (2, 6, 3, 5, 3), (3, 8, 4, 4, 2), (2, 4, 5, 5, 4), (1, 6, 3, 3, 1), (2, 8, 9, 8, 4),
    ]

    static var allOps: [NormOp] {
        bnShapes.map { NormOp.bn($0) } + lnShapes.map { .ln(rows: $0.0, d: $0.1) }
            + gnShapes.map { .gn(n: $0.0, c: $0.1, h: $0.2, w: $0.3, g: $0.4) }
    }

    func check<T: KernelScalar>(
        _: T.Type, _ label: String, eps: T, seed: UInt64, threads: Int = 2,
        x gen: @escaping (inout TestRNG, Int) -> Double
    ) throws -> ErrorReport {
        var worst = ErrorReport()
        for (k, op) in Self.allOps.enumerated() {
            let c: (x: [T], gamma: [T], beta: [T], dy: [T]) = makeCase(op, seed: seed &+ UInt64(k), x: gen)
            let run = try runKernel(op, x: c.x, gamma: c.gamma, beta: c.beta, eps: eps, dy: c.dy, threads: threads)
            let r = measureAgainstOracle(op, x: c.x, gamma: c.gamma, beta: c.beta, eps: eps, dy: c.dy, run: run)
            assertBounds(r, "\(label) \(T.dtypeName) \(op)")
            worst.merge(r)
        }
        print("[accuracy] \(label) \(T.dtypeName): \(worst)")
        return worst
    }

    func testRandomShapesDouble() throws {
        _ = try check(Double.self, "random N(0,1)", eps: 1e-5, seed: 1) { r, _ in r.normal() }
    }

    func testRandomShapesFloat() throws {
        _ = try check(Float.self, "random N(0,1)", eps: 1e-5, seed: 2) { r, _ in r.normal() }
    }

    func testHugeOffsetDouble() throws {
        // mean 1e8 with unit spread: E[x²] − E[x]² loses every digit here.
        _ = try check(Double.self, "1e8 + N(0,1)", eps: 1e-5, seed: 3) { r, _ in 1e8 + r.normal() }
    }

    func testHugeOffsetFloat() throws {
        _ = try check(Float.self, "1e4 + 0.01·N(0,1)", eps: 1e-7, seed: 4) { r, _ in 1e4 + 0.01 * r.normal() }
    }

    func testTinyVarianceDouble() throws {
        _ = try check(Double.self, "-3e5 + 1e-7·N(0,1)", eps: 1e-30, seed: 5) { r, _ in -3e5 + 1e-7 * r.normal() }
    }

    func testIntegerDataExactMeans() throws {
        // Small integers: means are often exactly representable, so x = μ gives x̂ = 0 exactly.
        _ = try check(Double.self, "integers 0...4", eps: 1e-5, seed: 6) { r, _ in Double(r.int(0...4)) }
        _ = try check(Float.self, "integers 0...4", eps: 1e-5, seed: 7) { r, _ in Double(r.int(0...4)) }
    }

    func testMixedMagnitudes() throws {
        _ = try check(Double.self, "mixed 1e±6", eps: 1e-5, seed: 8) { r, _ in
            r.normal() * pow(10, Double(r.int(-6...6)))
        }
        _ = try check(Float.self, "mixed 1e±3", eps: 1e-5, seed: 9) { r, _ in
            r.normal() * pow(10, Double(r.int(-3...3)))
        }
    }

    /// Long reductions (m = 16384 per channel, 4096 per row) on stiff data.
    func testLargeStiffCases() throws {
        let ops: [NormOp] = [.bn(.nchw(n: 16, c: 3, h: 32, w: 32)), .bn(.nc(n: 16384, c: 3)), .ln(rows: 6, d: 4096)]
        for (k, op) in ops.enumerated() {
            let d: (x: [Double], gamma: [Double], beta: [Double], dy: [Double]) = makeCase(op, seed: 50 + UInt64(k)) {
                r, _ in 1e8 + r.normal()
            }
            let rd = measureAgainstOracle(
                op, x: d.x, gamma: d.gamma, beta: d.beta, eps: 1e-5, dy: d.dy,
                run: try runKernel(op, x: d.x, gamma: d.gamma, beta: d.beta, eps: 1e-5, dy: d.dy, threads: 2))
            assertBounds(rd, "large 1e8 f64 \(op)")
            print("[accuracy] large 1e8 + N(0,1) f64 \(op): \(rd)")
            let f: (x: [Float], gamma: [Float], beta: [Float], dy: [Float]) = makeCase(op, seed: 60 + UInt64(k)) {
                r, _ in 1e4 + 0.01 * r.normal()
            }
            let rf = measureAgainstOracle(
                op, x: f.x, gamma: f.gamma, beta: f.beta, eps: 1e-7, dy: f.dy,
                run: try runKernel(op, x: f.x, gamma: f.gamma, beta: f.beta, eps: 1e-7, dy: f.dy, threads: 2))
            assertBounds(rf, "large 1e4 f32 \(op)")
            print("[accuracy] large 1e4 + 0.01·N(0,1) f32 \(op): \(rf)")
        }
    }

    /// The measure can fail: the textbook E[x²] − E[x]² on 1e8-offset data is far
    /// outside the bound the kernels are held to.
    func testOracleCatchesNaiveVariance() {
        var rng = TestRNG(state: 42)
        let x = (0..<256).map { _ in 1e8 + rng.normal() }
        let o = oracleForward(
            x: x, groups: [Array(0..<256)], gammaIndex: Array(repeating: 0, count: 256),
            gamma: [1], beta: [0], eps: 1e-5)
        let mean = x.reduce(0, +) / 256
        let msq = x.map { $0 * $0 }.reduce(0, +) / 256
        let v = max(msq - mean * mean, 0)
        let inv = 1 / (v + 1e-5).squareRoot()
        let worst = (0..<256).map { ulpError((x[$0] - mean) * inv, o.xhat[$0], as: Double.self) }.max()!
        XCTAssertGreaterThan(worst, 4, "naive variance should be caught")
    }
}

final class EdgeCaseTests: XCTestCase {
    func constantChannels<T: KernelScalar>(_: T.Type) throws {
        for op in NormalizationAccuracyTests.allOps {
            // Every group constant (a different awkward constant per group).
            let (groups, _) = op.layout
            var x = [T](repeating: 0, count: op.count)
            for (g, idx) in groups.enumerated() {
                let v = T(0.1) * T(g + 1) + T(1e6)
                for i in idx { x[i] = v }
            }
            var rng = TestRNG(state: 11)
            let gamma = (0..<op.params).map { _ in T(rng.normal()) }
            let beta = (0..<op.params).map { _ in T(rng.normal()) }
            let dy = (0..<op.count).map { _ in T(rng.normal()) }
            let run = try runKernel(op, x: x, gamma: gamma, beta: beta, eps: T(1e-3), dy: dy, threads: 2)
            XCTAssertTrue(run.xhat.allSatisfy { $0 == 0 }, "x̂ must be exactly 0 on constant groups: \(op)")
            let (_, gi) = op.layout
            for i in 0..<op.count { XCTAssertEqual(run.y[i], beta[gi[i]], "y = β on constant groups: \(op)") }
            XCTAssertTrue(run.saved.variance.allSatisfy { $0 == 0 }, "variance 0: \(op)")
            XCTAssertTrue(run.dgamma.allSatisfy { $0 == 0 }, "dγ = Σdy·0 = 0: \(op)")
            assertBounds(
                measureAgainstOracle(op, x: x, gamma: gamma, beta: beta, eps: T(1e-3), dy: dy, run: run),
                "constant \(op)")
        }
    }

    func testConstantChannelsDouble() throws { try constantChannels(Double.self) }
    func testConstantChannelsFloat() throws { try constantChannels(Float.self) }

    func testBatchOfOne() throws {
        var rng = TestRNG(state: 12)
        for op in [NormOp.bn(.nc(n: 1, c: 10)), .bn(.nchw(n: 1, c: 3, h: 4, w: 5))] {
            let x = (0..<op.count).map { _ in rng.normal() * 100 }
            let gamma = (0..<op.params).map { _ in rng.normal() }
            let beta = gamma.map { $0 + 1 }
            let dy = (0..<op.count).map { _ in rng.normal() }
            let run = try runKernel(op, x: x, gamma: gamma, beta: beta, eps: 1e-5, dy: dy, threads: 2)
            if case .bn(.nc) = op {
                XCTAssertTrue(run.xhat.allSatisfy { $0 == 0 })
                XCTAssertEqual(run.y, beta)
                XCTAssertTrue(run.dx.allSatisfy { $0 == 0 }, "one value per channel: dx = 0")
            }
            assertBounds(
                measureAgainstOracle(op, x: x, gamma: gamma, beta: beta, eps: 1e-5, dy: dy, run: run),
                "batch of one \(op)")
        }
        // ε = 0 with one value per channel: x̂ = 0/0.
        XCTAssertThrowsError(
            try runKernel(
                .bn(.nc(n: 1, c: 3)), x: [1.0, 2, 3], gamma: [1, 1, 1], beta: [0, 0, 0],
                eps: 0, dy: [1, 1, 1], threads: 1)
        ) { e in
            XCTAssertEqual(e as? KernelError, .zeroVariance(group: 0))
        }
    }

    func testThreadCountsGiveIdenticalResults() throws {
        let ops: [NormOp] = [
            .bn(.nc(n: 50, c: 37)), .bn(.nchw(n: 3, c: 7, h: 6, w: 6)), .ln(rows: 101, d: 24),
            .gn(n: 5, c: 6, h: 5, w: 4, g: 3),
        ]
        for op in ops {
            let c: (x: [Float], gamma: [Float], beta: [Float], dy: [Float]) = makeCase(op, seed: 13) { r, _ in
                1e3 + r.normal()
            }
            let r1 = try runKernel(op, x: c.x, gamma: c.gamma, beta: c.beta, eps: 1e-5, dy: c.dy, threads: 1)
            for t in [2, 3] {
                let rt = try runKernel(op, x: c.x, gamma: c.gamma, beta: c.beta, eps: 1e-5, dy: c.dy, threads: t)
                XCTAssertEqual(r1, rt, "threads 1 vs \(t): \(op)")
            }
            let d: (x: [Double], gamma: [Double], beta: [Double], dy: [Double]) = makeCase(op, seed: 14) { r, _ in
                r.normal()
            }
            let s1 = try runKernel(op, x: d.x, gamma: d.gamma, beta: d.beta, eps: 1e-5, dy: d.dy, threads: 1)
            for t in [2, 3] {
                let st = try runKernel(op, x: d.x, gamma: d.gamma, beta: d.beta, eps: 1e-5, dy: d.dy, threads: t)
                XCTAssertEqual(s1, st, "threads 1 vs \(t): \(op)")
            }
        }
        let m1 = try Dropout.makeMask(count: 200_001, p: 0.3, seed: 5, threads: 1)
        XCTAssertEqual(m1, try Dropout.makeMask(count: 200_001, p: 0.3, seed: 5, threads: 2))
        XCTAssertEqual(m1, try Dropout.makeMask(count: 200_001, p: 0.3, seed: 5, threads: 3))
    }
}

final class BatchNormConventionTests: XCTestCase {
    func testEvalForward() throws {
        var rng = TestRNG(state: 21)
        for shape in [NormShape.nc(n: 9, c: 11), .nchw(n: 2, c: 3, h: 3, w: 5)] {
            let C = shape.channels
            let x = (0..<shape.count).map { _ in Float(rng.normal() * 3 + 2) }
            let g = (0..<C).map { _ in Float(rng.normal()) }
            let b = (0..<C).map { _ in Float(rng.normal()) }
            let rm = (0..<C).map { _ in Float(rng.normal()) }
            let rv = (0..<C).map { _ in Float(rng.uniform() * 4 + 0.1) }
            var y = [Float](repeating: 0, count: shape.count)
            try x.withUnsafeBufferPointer { xb in
                try g.withUnsafeBufferPointer { gb in
                    try b.withUnsafeBufferPointer { bb in
                        try rm.withUnsafeBufferPointer { mb in
                            try rv.withUnsafeBufferPointer { vb in
                                try y.withUnsafeMutableBufferPointer { yb in
                                    try BatchNorm.forwardEval(
                                        x: xb, shape: shape, gamma: gb, beta: bb, runningMean: mb, runningVariance: vb,
                                        epsilon: 1e-5, y: yb, threads: 2)
                                }
                            }
                        }
                    }
                }
            }
            let idx = shape.count == 99 ? (0..<99).map { $0 % C } : (0..<shape.count).map { ($0 / 15) % C }
            for i in 0..<shape.count {
                let c = idx[i]
                let inv = DD(1) / (DD(Double(rv[c])) + DD(Double(Float(1e-5)))).sqrt()
                let o = DD(Double(g[c])) * (DD(Double(x[i])) - DD(Double(rm[c]))) * inv + DD(Double(b[c]))
                // Folded form: error relative to |x·a| + |b|.
                let a = abs(Double(g[c]) * inv.value)
                let scale = abs(Double(x[i]) * a) + abs(Double(b[c]) - Double(rm[c]) * Double(g[c]) * inv.value)
                XCTAssertLessThanOrEqual(
                    ulpErrorScaled(y[i], o, scale: scale, as: Float.self), 4, "eval \(shape) i=\(i)")
            }
        }
    }

    func runningUpdate(_ u: RunningStatUpdate, x: [Double], rm0: Double, rv0: Double) throws -> (Double, Double) {
        var y = x
        var rm = [rm0]
        var rv = [rv0]
        try x.withUnsafeBufferPointer { xb in
            try y.withUnsafeMutableBufferPointer { yb in
                try rm.withUnsafeMutableBufferPointer { mb in
                    try rv.withUnsafeMutableBufferPointer { vb in
                        try [1.0].withUnsafeBufferPointer { gb in
                            try [0.0].withUnsafeBufferPointer { bb in
                                _ = try BatchNorm.forwardTraining(
                                    x: xb, shape: .nc(n: x.count, c: 1), gamma: gb, beta: bb, epsilon: 1e-5,
                                    y: yb, runningMean: mb, runningVariance: vb, update: u, threads: 1)
                            }
                        }
                    }
                }
            }
        }
        return (rm[0], rv[0])
    }

    func testRunningStatConventions() throws {
        let x = [1.0, 2, 3, 4] // mean 2.5, biased var 1.25, unbiased 5/3
        var (m, v) = try runningUpdate(.pytorch, x: x, rm0: 0, rv0: 1)
        XCTAssertEqual(m, 0.9 * 0 + 0.1 * 2.5)
        XCTAssertEqual(v, (1 - 0.1) * 1 + 0.1 * (5.0 / 3.0), accuracy: 1e-15)
        (m, v) = try runningUpdate(.keras, x: x, rm0: 0, rv0: 1)
        XCTAssertEqual(m, 0.99 * 0 + (1 - 0.99) * 2.5)
        XCTAssertEqual(v, 0.99 * 1 + (1 - 0.99) * 1.25)
        (m, v) = try runningUpdate(RunningStatUpdate(momentum: .decayOnOld(0), variance: .biased), x: x, rm0: 7, rv0: 7)
        XCTAssertEqual(v, 1.25, "keras-team/keras#10443: momentum 0 gives the biased 1.25")
        (m, v) = try runningUpdate(
            RunningStatUpdate(momentum: .cumulative(count: 1), variance: .unbiased), x: x, rm0: 9, rv0: 9)
        XCTAssertEqual(m, 2.5)
        XCTAssertEqual(v, 5.0 / 3.0, "first cumulative batch: R = B")
        (m, v) = try runningUpdate(
            RunningStatUpdate(momentum: .cumulative(count: 4), variance: .biased), x: x, rm0: 1, rv0: 1)
        XCTAssertEqual(m, 0.75 * 1 + 0.25 * 2.5)
        XCTAssertEqual(v, 0.75 * 1 + 0.25 * 1.25)
        XCTAssertThrowsError(try runningUpdate(.pytorch, x: [3], rm0: 0, rv0: 1)) { e in
            guard case .invalidParameter(name: "m", _, _) = e as? KernelError else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(
            try runningUpdate(RunningStatUpdate(momentum: .factorOnNew(1.5), variance: .biased), x: x, rm0: 0, rv0: 1))
    }
}

final class DropoutTests: XCTestCase {
    func testSplitMix64KnownAnswers() {
        // Reference outputs of Vigna's splitmix64.c for seed 1234567.
        var g = SplitMix64(seed: 1_234_567)
        XCTAssertEqual(
            (0..<5).map { _ in g.next() },
            [
                6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
                4_593_380_528_125_082_431, 16_408_922_859_458_223_821,
            ])
        var h = SplitMix64(seed: 99)
        for i in 0..<100 { XCTAssertEqual(h.next(), SplitMix64.value(seed: 99, index: i)) }
        XCTAssertEqual(SplitMix64.unit(UInt64.max), 1 - 0x1p-53)
        XCTAssertEqual(SplitMix64.unit(0), 0)
    }

    func testMaskMatchesSequentialGeneratorAndRate() throws {
        let p = 0.25
        let mask = try Dropout.makeMask(count: 100_000, p: p, seed: 2024, threads: 2)
        var g = SplitMix64(seed: 2024)
        for i in 0..<mask.count { if mask[i] != (g.nextUnit() >= p ? 1 : 0) { return XCTFail("mask[\(i)]") } }
        let kept = Double(mask.reduce(0) { $0 + Int($1) }) / Double(mask.count)
        XCTAssertEqual(kept, 1 - p, accuracy: 0.01)
        XCTAssertTrue(try Dropout.makeMask(count: 1000, p: 0, seed: 1).allSatisfy { $0 == 1 })
        XCTAssertTrue(try Dropout.makeMask(count: 1000, p: 1, seed: 1).allSatisfy { $0 == 0 })
    }

    func dropout<T: KernelScalar>(_: T.Type) throws {
        var rng = TestRNG(state: 31)
        let n = 1037
        let x = (0..<n).map { _ in T(rng.normal()) }
        let mask = try Dropout.makeMask(count: n, p: 0.3, seed: 77)
        let p = T(0.3)
        let s = 1 / (1 - p) // fl(1/fl(1 − p)) in T
        for scaling in [DropoutScaling.inverted, .plain] {
            var y = [T](repeating: 0, count: n)
            var dx = y
            var ye = y
            try x.withUnsafeBufferPointer { xb in
                try mask.withUnsafeBufferPointer { mb in
                    try y.withUnsafeMutableBufferPointer { yb in
                        try Dropout.forwardTraining(x: xb, mask: mb, p: p, scaling: scaling, y: yb, threads: 3)
                    }
                    try dx.withUnsafeMutableBufferPointer { db in
                        try Dropout.backward(dy: xb, mask: mb, p: p, scaling: scaling, dx: db, threads: 2)
                    }
                    try ye.withUnsafeMutableBufferPointer { yb in
                        try Dropout.forwardEval(x: xb, p: p, scaling: scaling, y: yb, threads: 2)
                    }
                }
            }
            for i in 0..<n {
                let expect: T = mask[i] == 0 ? 0 : (scaling == .inverted ? x[i] * s : x[i])
                XCTAssertEqual(y[i], expect, "\(scaling) i=\(i)")
                XCTAssertEqual(dx[i], expect)
                XCTAssertEqual(ye[i], scaling == .inverted ? x[i] : x[i] * (1 - p))
            }
        }
        // Bool masks behave like byte masks.
        let bmask = mask.map { $0 != 0 }
        var yb1 = [T](repeating: 0, count: n)
        var yb2 = yb1
        try x.withUnsafeBufferPointer { xb in
            try bmask.withUnsafeBufferPointer { mb in
                try yb1.withUnsafeMutableBufferPointer {
                    try Dropout.forwardTraining(x: xb, mask: mb, p: p, scaling: .inverted, y: $0)
                }
            }
            try mask.withUnsafeBufferPointer { mb in
                try yb2.withUnsafeMutableBufferPointer {
                    try Dropout.forwardTraining(x: xb, mask: mb, p: p, scaling: .inverted, y: $0)
                }
            }
        }
        XCTAssertEqual(yb1, yb2)
    }

    func testDropoutFloat() throws { try dropout(Float.self) }
    func testDropoutDouble() throws { try dropout(Double.self) }
}

final class BadInputTests: XCTestCase {
    func expect(_ e: KernelError, _ body: () throws -> Void, line: UInt = #line) {
        XCTAssertThrowsError(try body(), line: line) { err in
            XCTAssertEqual(err as? KernelError, e, line: line)
            XCTAssertFalse("\(err)".isEmpty)
        }
    }

    func testBadInputIsAThrownError() throws {
        let x = [Double](repeating: 1, count: 12)
        let g = [1.0, 1, 1]
        let b = [0.0, 0, 0]
        var y = [Double](repeating: 0, count: 12)
        func bn(_ x: [Double], _ shape: NormShape, _ g: [Double], eps: Double = 1e-5, yCount: Int = 12) throws {
            var yy = [Double](repeating: 0, count: yCount)
            try x.withUnsafeBufferPointer { xb in
                try g.withUnsafeBufferPointer { gb in
                    try g.withUnsafeBufferPointer { bb in
                        try yy.withUnsafeMutableBufferPointer { yb in
                            _ = try BatchNorm.forwardTraining(
                                x: xb, shape: shape, gamma: gb, beta: bb, epsilon: eps, y: yb)
                        }
                    }
                }
            }
        }
        expect(.sizeMismatch(buffer: "x", expected: 15, actual: 12)) { try bn(x, .nc(n: 5, c: 3), g) }
        expect(.sizeMismatch(buffer: "y", expected: 12, actual: 11)) { try bn(x, .nc(n: 4, c: 3), g, yCount: 11) }
        expect(.sizeMismatch(buffer: "gamma", expected: 4, actual: 3)) { try bn(x, .nchw(n: 1, c: 4, h: 3, w: 1), g) }
        expect(.emptyDimension(name: "N", value: 0)) { try bn([], .nc(n: 0, c: 3), g, yCount: 0) }
        expect(.emptyDimension(name: "H", value: 0)) { try bn([], .nchw(n: 2, c: 3, h: 0, w: 4), g, yCount: 0) }
        expect(.negativeEpsilon(-1e-5)) { try bn(x, .nc(n: 4, c: 3), g, eps: -1e-5) }
        XCTAssertThrowsError(try bn(x, .nc(n: 4, c: 3), g, eps: .nan)) { e in
            guard case .negativeEpsilon(let v)? = e as? KernelError, v.isNaN else { return XCTFail("\(e)") }
        }
        expect(.negativeEpsilon(.infinity)) { try bn(x, .nc(n: 4, c: 3), g, eps: .infinity) }
        expect(.zeroVariance(group: 0)) { try bn(x, .nc(n: 4, c: 3), g, eps: 0) }
        // Non-constant channels with ε = 0 are fine.
        try bn((0..<12).map(Double.init), .nc(n: 4, c: 3), g, eps: 0)
        expect(.invalidParameter(name: "threads", value: "0", rule: "threads must be ≥ 1")) {
            try x.withUnsafeBufferPointer { xb in
                try g.withUnsafeBufferPointer { gb in
                    try b.withUnsafeBufferPointer { bb in
                        try y.withUnsafeMutableBufferPointer { yb in
                            _ = try BatchNorm.forwardTraining(
                                x: xb, shape: .nc(n: 4, c: 3), gamma: gb, beta: bb, epsilon: 1e-5, y: yb, threads: 0)
                        }
                    }
                }
            }
        }
        // Group norm: G must divide C; layer norm: zero features; saved statistics of the wrong size.
        expect(.groupsDoNotDivideChannels(groups: 2, channels: 3)) {
            try x.withUnsafeBufferPointer { xb in
                try g.withUnsafeBufferPointer { gb in
                    try y.withUnsafeMutableBufferPointer { yb in
                        _ = try GroupNorm.forward(
                            x: xb, n: 1, c: 3, h: 2, w: 2, groups: 2, gamma: gb, beta: gb, epsilon: 1e-5, y: yb)
                    }
                }
            }
        }
        expect(.emptyDimension(name: "features", value: 0)) {
            try x.withUnsafeBufferPointer { xb in
                try g.withUnsafeBufferPointer { gb in
                    try y.withUnsafeMutableBufferPointer { yb in
                        _ = try LayerNorm.forward(
                            x: xb, rows: 12, features: 0, gamma: gb, beta: gb, epsilon: 1e-5, y: yb)
                    }
                }
            }
        }
        expect(.zeroVariance(group: 1)) {
            let xr = [1.0, 2, 3, 5, 5, 5]
            var yr = xr
            try xr.withUnsafeBufferPointer { xb in
                try [1.0, 1, 1].withUnsafeBufferPointer { gb in
                    try yr.withUnsafeMutableBufferPointer { yb in
                        _ = try LayerNorm.forward(x: xb, rows: 2, features: 3, gamma: gb, beta: gb, epsilon: 0, y: yb)
                    }
                }
            }
        }
        expect(.sizeMismatch(buffer: "saved.mean", expected: 3, actual: 2)) {
            var dx = x
            var dg = g
            var db = g
            try x.withUnsafeBufferPointer { xb in
                try g.withUnsafeBufferPointer { gb in
                    try dx.withUnsafeMutableBufferPointer { dxb in
                        try dg.withUnsafeMutableBufferPointer { dgb in
                            try db.withUnsafeMutableBufferPointer { dbb in
                                try BatchNorm.backward(
                                    dy: xb, source: .x(xb, SavedStatistics(count: 2)), shape: .nc(n: 4, c: 3),
                                    gamma: gb,
                                    dx: dxb, dgamma: dgb, dbeta: dbb)
                            }
                        }
                    }
                }
            }
        }
        // Dropout: p outside [0, 1) for inverted, outside [0, 1] for plain; mask size.
        let m = [UInt8](repeating: 1, count: 12)
        func drop(_ p: Double, _ s: DropoutScaling, mask: [UInt8]) throws {
            try x.withUnsafeBufferPointer { xb in
                try mask.withUnsafeBufferPointer { mb in
                    try y.withUnsafeMutableBufferPointer { yb in
                        try Dropout.forwardTraining(x: xb, mask: mb, p: p, scaling: s, y: yb)
                    }
                }
            }
        }
        expect(.probabilityOutOfRange(p: 1, rule: "inverted dropout needs 0 ≤ p < 1")) {
            try drop(1, .inverted, mask: m)
        }
        expect(.probabilityOutOfRange(p: -0.1, rule: "inverted dropout needs 0 ≤ p < 1")) {
            try drop(-0.1, .inverted, mask: m)
        }
        expect(.probabilityOutOfRange(p: 1.5, rule: "dropout needs 0 ≤ p ≤ 1")) { try drop(1.5, .plain, mask: m) }
        try drop(1, .plain, mask: m)
        XCTAssertTrue(y.allSatisfy { $0 == 1 }, "plain dropout keeps unscaled values")
        expect(.sizeMismatch(buffer: "mask", expected: 12, actual: 3)) { try drop(0.5, .inverted, mask: [1, 1, 1]) }
        XCTAssertThrowsError(try Dropout.makeMask(count: 3, p: .nan, seed: 1))
    }

    func testErrorMessagesNameValueAndRule() {
        XCTAssertEqual(
            "\(KernelError.groupsDoNotDivideChannels(groups: 4, channels: 6))",
            "groups = 4 does not divide channels = 6")
        XCTAssertTrue("\(KernelError.zeroVariance(group: 3))".contains("group 3"))
        XCTAssertTrue("\(KernelError.negativeEpsilon(-1))".contains("eps = -1.0"))
    }
}
