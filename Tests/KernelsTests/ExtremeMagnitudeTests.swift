import Kernels
// Data at the ends of the floating-point range: values near the largest finite
// number (the squares overflow) and subnormal values (the centred values, squares
// and the mean's tail underflow). The kernels recompute such groups on an exactly
// scaled slow path; the oracle works on the same data scaled into the ordinary
// range (x = z·2^e exactly), using x̂(z·2^e, ε) = x̂(z, ε·2^−2e).
import XCTest

final class ExtremeMagnitudeTests: XCTestCase {

    /// Runs `op` on x = z·2^e (z exactly representable, x exactly z scaled) and
    /// holds every output to the kernels' bounds; statistics whose exact value is
    /// outside the range of T must be the correctly rounded ±∞ / 0.
    @discardableResult
    private func checkScaled<T: KernelScalar>(
        _ op: NormOp, z: [Double], e: Int, eps: T, backward: Bool = true,
        seed: UInt64, _ label: String,
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> KernelRun<T> {
        var rng = TestRNG(state: seed)
        let x = z.map { T(Double(sign: .plus, exponent: e, significand: $0)) }
        for (xi, zi) in zip(x, z) {
            precondition(Double(xi) == Double(sign: .plus, exponent: e, significand: zi), "not exact")
        }
        let gamma = (0..<op.params).map { _ in T(0.5 + rng.uniform()) * (rng.uniform() < 0.3 ? -1 : 1) }
        let beta = (0..<op.params).map { _ in T(rng.normal()) }
        let dy = (0..<op.count).map { _ in T(rng.normal()) }
        let run = try runKernel(op, x: x, gamma: gamma, beta: beta, eps: eps, dy: dy, threads: 2)
        let (groups, gi) = op.layout
        let gd = gamma.map { Double($0) }
        let bd = beta.map { Double($0) }
        let dyd = dy.map { Double($0) }
        // ε in the units of z: ε·2^−2e; beyond the range, ε dominates σ² completely.
        let epsZ = Double(sign: .plus, exponent: -2 * e, significand: Double(eps))
        let epsDominates = epsZ.isInfinite
        let o = oracleForward(x: z, groups: groups, gammaIndex: gi, gamma: gd, beta: bd, eps: epsDominates ? 1 : epsZ)
        // x̂ = xz·2^f, invstd = iz·2^−e·… (per group), all in DD in ordinary units.
        var xz = o.xhat
        var iz = o.invstd
        var f = 0
        var invScale = -e
        if epsDominates {
            let inv = DD(1) / DD(Double(eps)).sqrt()
            for (g, idx) in groups.enumerated() {
                iz[g] = inv
                for i in idx { xz[i] = (DD(z[i]) - o.mean[g]) * inv }
            }
            f = e
            invScale = 0
        }
        func sc(_ v: DD, _ s: Int) -> Double {
            Double(sign: .plus, exponent: s, significand: v.hi) + Double(sign: .plus, exponent: s, significand: v.lo)
        }
        func ulps(_ k: T, _ expected: Double) -> Double {
            if expected.isInfinite || T(expected).isInfinite || T(expected) == 0 {
                return Double(k) == Double(T(expected)) ? 0 : .infinity
            }
            return ulpError(k, DD(expected), as: T.self)
        }
        var worst = (xhat: 0.0, y: 0.0, mean: 0.0, variance: 0.0, invstd: 0.0)
        for i in 0..<x.count {
            let xh = sc(xz[i], f)
            worst.xhat = max(worst.xhat, ulps(run.xhat[i], xh))
            let y = DD(gd[gi[i]]) * DD(xh) + DD(bd[gi[i]])
            worst.y = max(worst.y, ulpErrorScaled(run.y[i], y, scale: abs(gd[gi[i]] * xh) + abs(bd[gi[i]]), as: T.self))
        }
        for g in groups.indices {
            worst.mean = max(worst.mean, ulps(run.saved.mean[g], sc(o.mean[g], e)))
            let v = epsDominates || o.variance[g].hi == 0 ? 0 : sc(o.variance[g], 2 * e)
            if !epsDominates {
                worst.variance = max(worst.variance, ulps(run.saved.variance[g], v))
            } else {
                XCTAssertEqual(
                    run.saved.variance[g], 0, "\(label): σ² far below the least subnormal", file: file, line: line)
            }
            worst.invstd = max(worst.invstd, ulps(run.saved.invstd[g], sc(iz[g], invScale)))
        }
        XCTAssertLessThanOrEqual(worst.xhat, 4, "x̂ \(label): \(worst)", file: file, line: line)
        XCTAssertLessThanOrEqual(worst.y, 4, "y \(label): \(worst)", file: file, line: line)
        XCTAssertLessThanOrEqual(worst.mean, 1, "mean \(label): \(worst)", file: file, line: line)
        XCTAssertLessThanOrEqual(worst.variance, 4, "variance \(label): \(worst)", file: file, line: line)
        XCTAssertLessThanOrEqual(worst.invstd, 4, "invstd \(label): \(worst)", file: file, line: line)
        guard backward else { return run }
        // Backward, in the units of z: dx = dxz·2^(invScale), dγ = Σdy·x̂.
        // (With ε dominating, x̂ = xz·2^e is negligible in dx: pass it as it is.)
        let b = oracleBackward(
            dy: dyd, groups: groups, gammaIndex: gi, gamma: gd, xhat: f == 0 ? xz : xz.map { DD(sc($0, f)) }, invstd: iz
        )
        let u = unitRoundoff(T.self)
        for (name, dx) in [("dx from x", run.dx), ("dx from x̂", run.dxFromXhat)] {
            var worstDx = 0.0
            for idx in groups {
                var err = 0.0
                var ref = 0.0
                var ivz = 0.0
                for i in idx {
                    let expected = sc(b.dx[i], invScale)
                    if T(expected).isInfinite {
                        XCTAssertEqual(
                            Double(dx[i]), Double(T(expected)), "\(label) \(name)[\(i)] overflows", file: file,
                            line: line)
                        continue
                    }
                    let k = Double(sign: .plus, exponent: -invScale, significand: Double(dx[i]))
                    let d = (DD(k) - b.dx[i]).value
                    err += d * d
                    let gdy = gd[gi[i]] * dyd[i]
                    ref += gdy * gdy
                    ivz = iz[groups.firstIndex(of: idx)!].value
                }
                if ref > 0 {
                    worstDx = max(
                        worstDx, err.squareRoot() / (u * max(1, log2(Double(idx.count))) * ref.squareRoot() * ivz))
                }
            }
            // x̂ saved in T loses bits when it is subnormal; recomputing from x does not.
            if name == "dx from x" || !epsDominates {
                XCTAssertLessThanOrEqual(worstDx, 16, "\(name) \(label) (× u·log₂m)", file: file, line: line)
            }
        }
        var dg = [DD](repeating: DD(0), count: gamma.count)
        var absG = [Double](repeating: 0, count: gamma.count)
        for i in 0..<x.count {
            dg[gi[i]] = dg[gi[i]] + DD(dyd[i]) * xz[i]
            absG[gi[i]] += abs(dyd[i] * xz[i].value)
        }
        for j in gamma.indices {
            let expected = sc(dg[j], f)
            let err = abs(Double(sign: .plus, exponent: -f, significand: Double(run.dgamma[j])) - dg[j].value)
            let halfLeast = Double(sign: .plus, exponent: -f - 1, significand: Double(T.leastNonzeroMagnitude))
            XCTAssertLessThanOrEqual(
                max(0, err - halfLeast), 6 * u * absG[j], "dγ[\(j)] \(label): \(run.dgamma[j]) vs \(expected)",
                file: file, line: line)
            XCTAssertLessThanOrEqual(
                abs(Double(run.dbeta[j]) - b.dbeta[j].value), 2 * u * dy.reduce(0) { $0 + abs(Double($1)) },
                "dβ \(label)", file: file, line: line)
        }
        return run
    }

    static let shapes: [NormOp] = [.bn(.nc(n: 6, c: 11)), .bn(.nchw(n: 3, c: 2, h: 3, w: 5))]

    func testHugeValuesDouble() throws {
        // |x| up to ~10³⁰⁷ and beyond: σ² overflows Double, x̂ and y are ordinary.
        for (k, op) in Self.shapes.enumerated() {
            var rng = TestRNG(state: 100 + UInt64(k))
            let z = (0..<op.count).map { _ in rng.normal() * 4 }
            try checkScaled(op, z: z, e: 1016, eps: 1e-5 as Double, seed: 7, "f64 x ≈ 1e307 \(op)")
            try checkScaled(op, z: z.map { $0 + 3 }, e: 1018, eps: 0 as Double, seed: 8, "f64 x ≈ 1e307 ε = 0 \(op)")
        }
        // The golden case: ±10³⁰⁷, ±5·10³⁰⁶.
        try checkScaled(
            .bn(.nc(n: 4, c: 1)), z: [1e307, -1e307, 5e306, -5e306].map { $0 * 0x1p-1000 }, e: 1000,
            eps: 1e-5 as Double, seed: 9, "f64 ±1e307")
    }

    func testHugeValuesFloat() throws {
        // |x| up to ~3·10³⁸: σ² is beyond Float (+∞), invstd near the subnormal range.
        for (k, op) in Self.shapes.enumerated() {
            var rng = TestRNG(state: 200 + UInt64(k))
            let z = (0..<op.count).map { _ in Double(Float(min(max(rng.normal() * 40, -250), 250))) }
            try checkScaled(op, z: z, e: 120, eps: 1e-5 as Float, seed: 10, "f32 x ≈ 3e38 \(op)")
        }
    }

    func testSubnormalDataDouble() throws {
        for (k, op) in Self.shapes.enumerated() {
            var rng = TestRNG(state: 300 + UInt64(k))
            let z = (0..<op.count).map { _ in Double(rng.int(0...1000)) }
            // Subnormal x with ε > 0: x̂ is subnormal too.
            try checkScaled(op, z: z, e: -1074, eps: 1e-5 as Double, seed: 11, "f64 subnormal ε = 1e-5 \(op)")
            // Subnormal x with ε = 0: (x − μ)² underflows, x̂ is of order 1, invstd and dx overflow.
            try checkScaled(op, z: z, e: -1074, eps: 0 as Double, seed: 12, "f64 subnormal ε = 0 \(op)")
            // Just above the subnormal range: the squares would be subnormal.
            try checkScaled(op, z: z.map { $0 + 0.5 }, e: -1000, eps: 0 as Double, seed: 13, "f64 tiny ε = 0 \(op)")
        }
        try checkScaled(
            .bn(.nc(n: 4, c: 1)), z: [1, 3, 2, 9], e: -1074, eps: 1e-5 as Double, seed: 14, "f64 golden subnormal")
        try checkScaled(
            .bn(.nc(n: 4, c: 1)), z: [1, 3, 2, 9], e: -1074, eps: 0 as Double, seed: 15, "f64 golden subnormal-no-eps")
    }

    func testSubnormalDataFloat() throws {
        for (k, op) in Self.shapes.enumerated() {
            var rng = TestRNG(state: 400 + UInt64(k))
            let z = (0..<op.count).map { _ in Double(rng.int(0...1000)) }
            try checkScaled(op, z: z, e: -149, eps: 1e-5 as Float, seed: 16, "f32 subnormal ε = 1e-5 \(op)")
            try checkScaled(op, z: z, e: -149, eps: 0 as Float, seed: 17, "f32 subnormal ε = 0 \(op)")
        }
    }

    func testLayerAndGroupNormOnExtremeData() throws {
        let ops: [NormOp] = [.ln(rows: 3, d: 21), .gn(n: 2, c: 4, h: 3, w: 3, g: 2)]
        for (k, op) in ops.enumerated() {
            var rng = TestRNG(state: 500 + UInt64(k))
            let z = (0..<op.count).map { _ in Double(rng.int(0...1000)) }
            try checkScaled(op, z: z, e: 1013, eps: 1e-5 as Double, seed: 18, "f64 huge \(op)")
            try checkScaled(op, z: z, e: -1074, eps: 1e-5 as Double, seed: 19, "f64 subnormal \(op)")
            try checkScaled(op, z: z, e: -1074, eps: 0 as Double, seed: 20, "f64 subnormal ε = 0 \(op)")
        }
    }

    /// Only one channel needs the slow path: every other channel's results are
    /// bitwise those of the same tensor without it, and the thread count still
    /// does not matter.
    func testOnlyTheRareChannelTakesTheSlowPath() throws {
        for shape in [NormShape.nc(n: 40, c: 19), .nchw(n: 3, c: 5, h: 4, w: 6)] {
            let op = NormOp.bn(shape)
            let c: (x: [Double], gamma: [Double], beta: [Double], dy: [Double]) = makeCase(op, seed: 21) { r, _ in
                1e3 + r.normal()
            }
            let (groups, _) = op.layout
            let rare = 3
            for scale in [0x1p1015, 0x1p-1070] {
                var x = c.x
                for i in groups[rare] { x[i] = (x[i] - 1e3) * scale }
                let base = try runKernel(op, x: c.x, gamma: c.gamma, beta: c.beta, eps: 1e-5, dy: c.dy, threads: 2)
                let mixed = try runKernel(op, x: x, gamma: c.gamma, beta: c.beta, eps: 1e-5, dy: c.dy, threads: 2)
                for (g, idx) in groups.enumerated() where g != rare {
                    for i in idx {
                        XCTAssertEqual(base.y[i].bitPattern, mixed.y[i].bitPattern)
                        XCTAssertEqual(base.xhat[i].bitPattern, mixed.xhat[i].bitPattern)
                        XCTAssertEqual(base.dx[i].bitPattern, mixed.dx[i].bitPattern)
                        XCTAssertEqual(base.dxFromXhat[i].bitPattern, mixed.dxFromXhat[i].bitPattern)
                    }
                    XCTAssertEqual(base.saved.invstd[g], mixed.saved.invstd[g])
                    XCTAssertEqual(base.dgamma[g], mixed.dgamma[g])
                }
                XCTAssertTrue(mixed.xhat.allSatisfy(\.isFinite) && mixed.y.allSatisfy(\.isFinite))
                for t in [1, 3] {
                    XCTAssertEqual(
                        mixed, try runKernel(op, x: x, gamma: c.gamma, beta: c.beta, eps: 1e-5, dy: c.dy, threads: t))
                }
            }
        }
    }

    /// Non-finite input is not a zero variance: the group's outputs are NaN.
    func testNonFiniteInputIsNotAZeroVarianceError() throws {
        for eps in [0.0, 1e-5] {
            let run = try runKernel(
                .bn(.nc(n: 4, c: 2)), x: [1, .infinity, 2, 1, 3, 1, 4, .nan], gamma: [1, 1], beta: [0, 0],
                eps: eps, dy: [1, 1, 1, 1, 1, 1, 1, 1], threads: 1)
            XCTAssertTrue((0..<4).allSatisfy { run.xhat[$0 * 2 + 1].isNaN })
            XCTAssertTrue((0..<4).allSatisfy { run.xhat[$0 * 2].isFinite })
        }
    }

    /// zeroVariance is thrown only for a constant group with ε = 0, and names it.
    func testZeroVarianceOnlyForConstantGroups() throws {
        let op = NormOp.bn(.nc(n: 4, c: 3))
        // Channel 1 subnormal and not constant, channel 2 huge: no error with ε = 0.
        let s = Double.leastNonzeroMagnitude
        let x: [Double] = [1, s, 1e307, 2, 3 * s, -1e307, 3, 2 * s, 5e306, 4, 9 * s, -5e306]
        XCTAssertNoThrow(
            try runKernel(op, x: x, gamma: [1, 1, 1], beta: [0, 0, 0], eps: 0, dy: x.map { _ in 1 }, threads: 1))
        for constant in [0.0, 0x1p-1074, 1e307, 1.5] {
            var xc = x
            for i in 0..<4 { xc[i * 3 + 2] = constant }
            XCTAssertThrowsError(
                try runKernel(op, x: xc, gamma: [1, 1, 1], beta: [0, 0, 0], eps: 0, dy: x, threads: 1)
            ) { e in
                XCTAssertEqual(e as? KernelError, .zeroVariance(group: 2))
            }
            let run = try runKernel(op, x: xc, gamma: [1, 1, 1], beta: [0, 0, 0], eps: 0x1p-1074, dy: x, threads: 1)
            XCTAssertTrue((0..<4).allSatisfy { run.xhat[$0 * 3 + 2] == 0 }, "constant \(constant): x̂ = 0")
            XCTAssertEqual(run.saved.mean[2], constant)
            XCTAssertEqual(run.saved.variance[2], 0)
        }
    }
}
