import Kernels
// Runs a kernel (forward, backward from x and from x̂) and measures it against the oracle.
import XCTest

enum NormOp {
    case bn(NormShape)
    case ln(rows: Int, d: Int)
    case gn(n: Int, c: Int, h: Int, w: Int, g: Int)

    var count: Int {
        switch self {
        case .bn(let s): return s.count
        case .ln(let r, let d): return r * d
        case .gn(let n, let c, let h, let w, _): return n * c * h * w
        }
    }
    var params: Int {
        switch self {
        case .bn(let s): return s.channels
        case .ln(_, let d): return d
        case .gn(_, let c, _, _, _): return c
        }
    }
    var layout: (groups: [[Int]], gammaIndex: [Int]) {
        switch self {
        case .bn(.nc(let n, let c)): return bnGroupsNC(n: n, c: c)
        case .bn(.nchw(let n, let c, let h, let w)): return bnGroupsNCHW(n: n, c: c, h: h, w: w)
        case .ln(let r, let d): return lnGroups(rows: r, d: d)
        case .gn(let n, let c, let h, let w, let g): return gnGroups(n: n, c: c, h: h, w: w, g: g)
        }
    }
}

struct KernelRun<T: KernelScalar>: Equatable {
    var y: [T], xhat: [T], saved: SavedStatistics<T>
    var dx: [T], dxFromXhat: [T], dgamma: [T], dbeta: [T]
}

func runKernel<T: KernelScalar>(_ op: NormOp, x: [T], gamma: [T], beta: [T], eps: T, dy: [T], threads: Int) throws
    -> KernelRun<T>
{
    let n = x.count
    let p = gamma.count
    var y = [T](repeating: 0, count: n)
    var xh = y
    var dx = y
    var dx2 = y
    var dg = [T](repeating: 0, count: p)
    var db = dg
    var dg2 = dg
    var db2 = dg
    var saved = SavedStatistics<T>(count: 0)
    try x.withUnsafeBufferPointer { xb in
        try gamma.withUnsafeBufferPointer { gb in
            try beta.withUnsafeBufferPointer { bb in
                try y.withUnsafeMutableBufferPointer { yb in
                    try xh.withUnsafeMutableBufferPointer { hb in
                        switch op {
                        case .bn(let s):
                            saved = try BatchNorm.forwardTraining(
                                x: xb, shape: s, gamma: gb, beta: bb, epsilon: eps,
                                y: yb, xhat: hb, threads: threads)
                        case .ln(let r, let d):
                            saved = try LayerNorm.forward(
                                x: xb, rows: r, features: d, gamma: gb, beta: bb, epsilon: eps,
                                y: yb, xhat: hb, threads: threads)
                        case .gn(let nn, let c, let h, let w, let g):
                            saved = try GroupNorm.forward(
                                x: xb, n: nn, c: c, h: h, w: w, groups: g, gamma: gb, beta: bb,
                                epsilon: eps, y: yb, xhat: hb, threads: threads)
                        }
                    }
                }
            }
        }
    }
    func bwd(_ src: NormalizedSource<T>, _ dxo: inout [T], _ dgo: inout [T], _ dbo: inout [T]) throws {
        try dy.withUnsafeBufferPointer { dyb in
            try gamma.withUnsafeBufferPointer { gb in
                try dxo.withUnsafeMutableBufferPointer { dxb in
                    try dgo.withUnsafeMutableBufferPointer { dgb in
                        try dbo.withUnsafeMutableBufferPointer { dbb in
                            switch op {
                            case .bn(let s):
                                try BatchNorm.backward(
                                    dy: dyb, source: src, shape: s, gamma: gb, dx: dxb, dgamma: dgb,
                                    dbeta: dbb, threads: threads)
                            case .ln(let r, let d):
                                try LayerNorm.backward(
                                    dy: dyb, source: src, rows: r, features: d, gamma: gb, dx: dxb,
                                    dgamma: dgb, dbeta: dbb, threads: threads)
                            case .gn(let nn, let c, let h, let w, let g):
                                try GroupNorm.backward(
                                    dy: dyb, source: src, n: nn, c: c, h: h, w: w, groups: g, gamma: gb,
                                    dx: dxb, dgamma: dgb, dbeta: dbb, threads: threads)
                            }
                        }
                    }
                }
            }
        }
    }
    try x.withUnsafeBufferPointer { xb in try bwd(.x(xb, saved), &dx, &dg, &db) }
    try xh.withUnsafeBufferPointer { hb in try bwd(.xhat(hb, saved), &dx2, &dg2, &db2) }
    return KernelRun(y: y, xhat: xh, saved: saved, dx: dx, dxFromXhat: dx2, dgamma: dg, dbeta: db)
}

/// Worst errors of one run against the oracle.
struct ErrorReport: CustomStringConvertible {
    var xhat = 0.0, y = 0.0, mean = 0.0, meanPair = 0.0, variance = 0.0, invstd = 0.0
    /// max over groups of ‖dx − dx*‖₂ / (u·log2(m)·‖γ·dy‖₂·invstd)
    var dx = 0.0, dxFromXhat = 0.0
    /// max over entries of |dγ − dγ*| / (u·Σ|dy·x̂|) (same for dβ with Σ|dy|)
    var dgamma = 0.0, dbeta = 0.0
    var description: String {
        String(
            format:
                "xhat %.2f ulp, y %.2f ulp, mean %.2f ulp (pair %.2g), var %.2f ulp, invstd %.2f ulp, dx %.2f (from x̂ %.2f) ×u·log2 m, dγ %.2f u, dβ %.2f u",
            xhat, y, mean, meanPair, variance, invstd, dx, dxFromXhat, dgamma, dbeta)
    }
    mutating func merge(_ o: ErrorReport) {
        xhat = max(xhat, o.xhat)
        y = max(y, o.y)
        mean = max(mean, o.mean)
        meanPair = max(meanPair, o.meanPair)
        variance = max(variance, o.variance)
        invstd = max(invstd, o.invstd)
        dx = max(dx, o.dx)
        dxFromXhat = max(dxFromXhat, o.dxFromXhat)
        dgamma = max(dgamma, o.dgamma)
        dbeta = max(dbeta, o.dbeta)
    }
}

func measureAgainstOracle<T: KernelScalar>(
    _ op: NormOp, x: [T], gamma: [T], beta: [T], eps: T, dy: [T], run k: KernelRun<T>
) -> ErrorReport {
    let (groups, gi) = op.layout
    let xd = x.map { Double($0) }
    let gd = gamma.map { Double($0) }
    let bd = beta.map { Double($0) }
    let dyd = dy.map { Double($0) }
    let o = oracleForward(x: xd, groups: groups, gammaIndex: gi, gamma: gd, beta: bd, eps: Double(eps))
    let b = oracleBackward(dy: dyd, groups: groups, gammaIndex: gi, gamma: gd, xhat: o.xhat, invstd: o.invstd)
    let u = unitRoundoff(T.self)
    var r = ErrorReport()
    for i in 0..<x.count {
        r.xhat = max(r.xhat, ulpError(k.xhat[i], o.xhat[i], as: T.self))
        let scale = abs(gd[gi[i]] * o.xhat[i].value) + abs(bd[gi[i]])
        r.y = max(r.y, ulpErrorScaled(k.y[i], o.y[i], scale: scale, as: T.self))
    }
    for (g, idx) in groups.enumerated() {
        r.mean = max(r.mean, ulpError(k.saved.mean[g], o.mean[g], as: T.self))
        let pair = (DD(Double(k.saved.mean[g])) + DD(Double(k.saved.meanLow[g])) - o.mean[g]).magnitude.value
        let mr = T(o.mean[g].value)
        r.meanPair = max(
            r.meanPair, pair == 0 ? 0 : pair / Double(mr == 0 ? T.leastNonzeroMagnitude : mr.magnitude.ulp))
        r.variance = max(r.variance, ulpError(k.saved.variance[g], o.variance[g], as: T.self))
        r.invstd = max(r.invstd, ulpError(k.saved.invstd[g], o.invstd[g], as: T.self))
        var e1 = 0.0
        var e2 = 0.0
        var ref = 0.0
        for i in idx {
            let a = (DD(Double(k.dx[i])) - b.dx[i]).value
            let c = (DD(Double(k.dxFromXhat[i])) - b.dx[i]).value
            e1 += a * a
            e2 += c * c
            let gdy = gd[gi[i]] * dyd[i]
            ref += gdy * gdy
        }
        let denom = u * max(1, log2(Double(idx.count))) * ref.squareRoot() * o.invstd[g].value
        if denom > 0 {
            r.dx = max(r.dx, e1.squareRoot() / denom)
            r.dxFromXhat = max(r.dxFromXhat, e2.squareRoot() / denom)
        } else if e1 > 0 || e2 > 0 {
            r.dx = .infinity
        }
    }
    var absG = [Double](repeating: 0, count: gamma.count)
    var absB = absG
    for i in 0..<x.count {
        absG[gi[i]] += abs(dyd[i] * o.xhat[i].value)
        absB[gi[i]] += abs(dyd[i])
    }
    for j in 0..<gamma.count {
        let eg = (DD(Double(k.dgamma[j])) - b.dgamma[j]).magnitude.value
        let eb = (DD(Double(k.dbeta[j])) - b.dbeta[j]).magnitude.value
        r.dgamma = max(r.dgamma, eg == 0 ? 0 : eg / (u * absG[j]))
        r.dbeta = max(r.dbeta, eb == 0 ? 0 : eb / (u * absB[j]))
    }
    return r
}

/// The bounds every case is held to (see KERNELS.md).
func assertBounds(_ r: ErrorReport, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertLessThanOrEqual(r.xhat, 4, "x̂ \(label): \(r)", file: file, line: line)
    XCTAssertLessThanOrEqual(r.y, 4, "y \(label): \(r)", file: file, line: line)
    XCTAssertLessThanOrEqual(r.mean, 1, "mean \(label): \(r)", file: file, line: line)
    XCTAssertLessThanOrEqual(r.meanPair, 1e-6, "mean+meanLow \(label): \(r)", file: file, line: line)
    XCTAssertLessThanOrEqual(r.variance, 4, "variance \(label): \(r)", file: file, line: line)
    XCTAssertLessThanOrEqual(r.invstd, 4, "invstd \(label): \(r)", file: file, line: line)
    XCTAssertLessThanOrEqual(r.dx, 16, "dx \(label): \(r)", file: file, line: line)
    XCTAssertLessThanOrEqual(r.dxFromXhat, 16, "dx from x̂ \(label): \(r)", file: file, line: line)
    XCTAssertLessThanOrEqual(r.dgamma, 6, "dγ \(label): \(r)", file: file, line: line)
    XCTAssertLessThanOrEqual(r.dbeta, 2, "dβ \(label): \(r)", file: file, line: line)
}

/// Random parameters and upstream gradient for a case.
func makeCase<T: KernelScalar>(_ op: NormOp, seed: UInt64, x gen: (inout TestRNG, Int) -> Double) -> (
    x: [T], gamma: [T], beta: [T], dy: [T]
) {
    var rng = TestRNG(state: seed)
    let x = (0..<op.count).map { T(gen(&rng, $0)) }
    let gamma = (0..<op.params).map { _ in T(0.5 + rng.uniform() * 1.5) * (rng.uniform() < 0.2 ? -1 : 1) }
    let beta = (0..<op.params).map { _ in T(rng.normal()) }
    let dy = (0..<op.count).map { _ in T(rng.normal()) }
    return (x, gamma, beta, dy)
}
