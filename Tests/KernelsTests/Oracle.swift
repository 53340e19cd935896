// A slow, independent reference for the kernels: straightforward two-pass
// formulas evaluated in double-double arithmetic (about 106 bits) built on
// Dekker's splitting (no fused multiply-add), so it shares no code and no
// error-free transformation with the kernels it checks.
import Foundation

/// A double-double number hi + lo.
struct DD: CustomStringConvertible {
    var hi: Double
    var lo: Double
    init(_ hi: Double, _ lo: Double = 0) {
        self.hi = hi
        self.lo = lo
    }
    var description: String { "\(hi)+\(lo)" }
    var value: Double { hi + lo }

    static func twoSum(_ a: Double, _ b: Double) -> DD {
        let s = a + b
        let bb = s - a
        return DD(s, (a - (s - bb)) + (b - bb))
    }
    static func split(_ a: Double) -> (Double, Double) {
        let c = 134_217_729.0 * a // 2^27 + 1
        let h = c - (c - a)
        return (h, a - h)
    }
    static func twoProd(_ a: Double, _ b: Double) -> DD {
        let p = a * b
        let (ah, al) = split(a)
        let (bh, bl) = split(b)
        let e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
        return DD(p, e)
    }
    static func normalize(_ h: Double, _ l: Double) -> DD {
        let s = h + l
        return DD(s, l - (s - h))
    }
    static func + (a: DD, b: DD) -> DD {
        let s = twoSum(a.hi, b.hi)
        let t = twoSum(a.lo, b.lo)
        let u = normalize(s.hi, s.lo + t.hi)
        return normalize(u.hi, u.lo + t.lo)
    }
    static prefix func - (a: DD) -> DD { DD(-a.hi, -a.lo) }
    static func - (a: DD, b: DD) -> DD { a + (-b) }
    static func * (a: DD, b: DD) -> DD {
        let p = twoProd(a.hi, b.hi)
        return normalize(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi))
    }
    static func / (a: DD, b: DD) -> DD {
        let q1 = a.hi / b.hi
        let r = a - b * DD(q1)
        let q2 = r.hi / b.hi
        let r2 = r - b * DD(q2)
        let q3 = r2.hi / b.hi
        return normalize(q1, q2) + DD(q3)
    }
    func sqrt() -> DD {
        if hi <= 0 { return DD(0) }
        let s = hi.squareRoot()
        // One Newton step: s + (a − s²)/(2s).
        let r = self - DD.twoProd(s, s)
        return DD.normalize(s, r.hi / (2 * s))
    }
    var magnitude: DD { hi < 0 || (hi == 0 && lo < 0) ? -self : self }
}

/// Reference results for a normalization: one entry per group / element.
struct OracleForward {
    var mean: [DD]
    var variance: [DD]
    var invstd: [DD]
    var xhat: [DD]
    var y: [DD]
}

/// Two-pass reference over arbitrary groups of element indices; `gammaIndex[i]` is
/// the γ/β entry that applies to element i.
func oracleForward(x: [Double], groups: [[Int]], gammaIndex: [Int], gamma: [Double], beta: [Double], eps: Double)
    -> OracleForward
{
    var out = OracleForward(
        mean: [], variance: [], invstd: [], xhat: Array(repeating: DD(0), count: x.count),
        y: Array(repeating: DD(0), count: x.count))
    for idx in groups {
        var s = DD(0)
        for i in idx { s = s + DD(x[i]) }
        let m = DD(Double(idx.count))
        let mu = s / m
        var q = DD(0)
        for i in idx {
            let d = DD(x[i]) - mu
            q = q + d * d
        }
        let v = q / m
        let inv = DD(1) / (v + DD(eps)).sqrt()
        out.mean.append(mu)
        out.variance.append(v)
        out.invstd.append(inv)
        for i in idx {
            let xh = (DD(x[i]) - mu) * inv
            out.xhat[i] = xh
            out.y[i] = DD(gamma[gammaIndex[i]]) * xh + DD(beta[gammaIndex[i]])
        }
    }
    return out
}

/// dx = invstd/M·(M·g − Σg − x̂·Σ(g·x̂)) with g = γ·dy per group; dγ_k = Σ dy·x̂ and
/// dβ_k = Σ dy over the elements using entry k.
func oracleBackward(
    dy: [Double], groups: [[Int]], gammaIndex: [Int], gamma: [Double],
    xhat: [DD], invstd: [DD]
) -> (dx: [DD], dgamma: [DD], dbeta: [DD]) {
    var dx = Array(repeating: DD(0), count: dy.count)
    var dg = Array(repeating: DD(0), count: gamma.count)
    var db = dg
    for (gi, idx) in groups.enumerated() {
        var s1 = DD(0)
        var s2 = DD(0)
        for i in idx {
            let g = DD(gamma[gammaIndex[i]]) * DD(dy[i])
            s1 = s1 + g
            s2 = s2 + g * xhat[i]
        }
        let m = DD(Double(idx.count))
        for i in idx {
            let g = DD(gamma[gammaIndex[i]]) * DD(dy[i])
            dx[i] = invstd[gi] / m * (m * g - s1 - xhat[i] * s2)
        }
    }
    for i in 0..<dy.count {
        dg[gammaIndex[i]] = dg[gammaIndex[i]] + DD(dy[i]) * xhat[i]
        db[gammaIndex[i]] = db[gammaIndex[i]] + DD(dy[i])
    }
    return (dx, dg, db)
}

// MARK: - Index layouts

func bnGroupsNC(n: Int, c: Int) -> (groups: [[Int]], gammaIndex: [Int]) {
    let groups = (0..<c).map { ch in (0..<n).map { $0 * c + ch } }
    return (groups, (0..<(n * c)).map { $0 % c })
}

func bnGroupsNCHW(n: Int, c: Int, h: Int, w: Int) -> (groups: [[Int]], gammaIndex: [Int]) {
    let hw = h * w
    var groups: [[Int]] = []
    for ch in 0..<c {
        var idx: [Int] = []
        for i in 0..<n {
            let start = (i * c + ch) * hw
            idx.append(contentsOf: start..<(start + hw))
        }
        groups.append(idx)
    }
    let gi: [Int] = (0..<(n * c * hw)).map { ($0 / hw) % c }
    return (groups, gi)
}

func lnGroups(rows: Int, d: Int) -> (groups: [[Int]], gammaIndex: [Int]) {
    ((0..<rows).map { r in Array((r * d)..<((r + 1) * d)) }, (0..<(rows * d)).map { $0 % d })
}

func gnGroups(n: Int, c: Int, h: Int, w: Int, g: Int) -> (groups: [[Int]], gammaIndex: [Int]) {
    let len = c / g * h * w
    return (
        (0..<(n * g)).map { k in Array((k * len)..<((k + 1) * len)) }, (0..<(n * c * h * w)).map { ($0 / (h * w)) % c }
    )
}

// MARK: - Error measures

/// |k − o| in units of the last place of o rounded to T (0 when both are 0;
/// infinite when o = 0 and k ≠ 0).
func ulpError<T: BinaryFloatingPoint>(_ k: T, _ o: DD, as _: T.Type) -> Double {
    let diff = (DD(Double(k)) - o).magnitude.value
    if diff == 0 { return 0 }
    let r = T(o.value)
    if r == 0 { return .infinity }
    return diff / Double(r.magnitude.ulp)
}

/// |k − o| in units of the last place of `scale` (a positive magnitude) in T.
func ulpErrorScaled<T: BinaryFloatingPoint>(_ k: T, _ o: DD, scale: Double, as _: T.Type) -> Double {
    let diff = (DD(Double(k)) - o).magnitude.value
    if diff == 0 { return 0 }
    let s = T(scale)
    if s == 0 { return .infinity }
    return diff / Double(s.ulp)
}

/// Unit roundoff of T.
func unitRoundoff<T: BinaryFloatingPoint>(_: T.Type) -> Double { Double(T.ulpOfOne) / 2 }

// MARK: - Data

/// Deterministic test data: a tiny SplitMix64 written out here, independent of the
/// kernel's copy, with Box–Muller normals.
struct TestRNG {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }
    mutating func normal() -> Double {
        let u1 = max(uniform(), 0x1p-60)
        let u2 = uniform()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }
    mutating func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + Int(next() % UInt64(r.count)) }
}
