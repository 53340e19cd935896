// The exactly scaled slow path for the rare groups the fast kernels cannot
// carry: |x − μ| so large that the squares overflow, or data so small that the
// centred values, their squares or the double-word mean fall into (or below) the
// subnormal range. Such groups are detected after the fast statistics pass and
// recomputed on x' = x·2^k, a power-of-two scaling chosen from the group's
// max |x| (exact for every element that matters), so that every intermediate is
// an ordinary normal `Double`. See KERNELS.md, "Extreme magnitudes".

/// The elements of one normalisation group: `runs` runs of `len` consecutive
/// elements, the r-th starting at `base + r·stride`. Position p in the group is
/// element `base + (p / len)·stride + p % len`.
@usableFromInline
struct _Group {
    @usableFromInline let base: Int, runs: Int, len: Int, stride: Int
    @inlinable init(base: Int, runs: Int, len: Int, stride: Int) {
        self.base = base
        self.runs = runs
        self.len = len
        self.stride = stride
    }
    @inlinable var count: Int { runs * len }
    /// Calls body(position, element index) in position order.
    @inlinable @inline(__always)
    func forEachMember(_ body: (Int, Int) -> Void) {
        var p = 0
        for r in 0..<runs {
            let o = base + r * stride
            for i in 0..<len {
                body(p, o + i)
                p += 1
            }
        }
    }
}

/// v·2^e for any e, rounded once unless the result is subnormal.
@inlinable @inline(__always)
func _scaled(_ v: Double, _ e: Int) -> Double {
    Double(sign: .plus, exponent: e, significand: v)
}

/// Multiplication by 2^e as two multiplications by representable powers of two,
/// 2^e1 with e1 = e clamped to [−1000, 1000], then 2^(e − e1) (clamped likewise:
/// beyond that every finite value over- or underflows anyway). For the values the
/// slow path scales (|v| ≤ 2^403, results either ordinary or rounded to a subnormal
/// only in the second step), this is `_scaled(v, e)` without its branches.
@usableFromInline
struct _Pow2 {
    @usableFromInline let f1: Double, f2: Double
    @inlinable init(_ e: Int) {
        let e1 = min(max(e, -1000), 1000)
        let e2 = min(max(e - e1, -1000), 1000)
        f1 = _scaled(1, e1)
        f2 = _scaled(1, e2)
    }
    @inlinable @inline(__always) func callAsFunction(_ v: Double) -> Double { (v * f1) * f2 }
}

/// The scale exponent k for a group with max |x| = M > 0 (finite): M·2^k ∈ [2^400, 2^401).
/// Sums of m squares of such values stay below 2^802·m, and the smallest nonzero
/// spread of Double data at that scale (2^347) squares to 2^694: no overflow, no
/// underflow for any m < 2^200.
@usableFromInline let _scaleTarget = 400

/// What the slow path computes for a group: the scaled double-word mean μ' of
/// x' = x·2^k, the scaled variance σ'², and x̂ = ((x' − μ'_hi) − μ'_lo)·r·2^j.
@usableFromInline
struct _ScaledGroup {
    @usableFromInline var k = 0
    @usableFromInline var mean = DoubleWord(0)
    @usableFromInline var variance = DoubleWord(0)
    @usableFromInline var r = 0.0
    @usableFromInline var j = 0
    @inlinable init() {}

    /// x̂ of one element, in `Double`, given up = _Pow2(k) and down = _Pow2(j).
    @inlinable @inline(__always)
    func xhat(_ x: Double, _ up: _Pow2, _ down: _Pow2) -> Double {
        down(((up(x) - mean.hi) - mean.lo) * r)
    }

    /// The statistics in the units of x: mean = μ'/2^k, variance = σ'²·2^−2k (kept
    /// scaled, with its exponent, until it is rounded for the caller), invstd = r·2^(j + k).
    /// The mean and invstd, and the variance once rounded, may leave the range of
    /// `Double`/`T` (σ² of data near 10³⁰⁷ is +∞; σ² of subnormal data is 0; invstd of
    /// subnormal data with ε = 0 is +∞): those are the correctly rounded values of
    /// the exact ones.
    @inlinable var stats: _Stats {
        _Stats(
            mean: DoubleWord(_scaled(mean.hi, -k), _scaled(mean.lo, -k)),
            variance: variance, invstd: _scaled(r, j + k), varianceExponent: -2 * k)
    }
}

/// max |x| over the group (NaN if any element is NaN).
@inlinable
func _groupMaxMagnitude<T: KernelScalar>(_ x: UnsafePointer<T>, _ g: _Group) -> Double {
    var M = 0.0
    g.forEachMember { _, i in
        let a = x[i]._double.magnitude
        if !(a <= M) { M = a }
    }
    return M
}

/// Scaled mean (and, when `withVariance`, the scaled variance) of a group with
/// finite max |x| = M > 0.
@inlinable
func _scaledMoments<T: KernelScalar>(_ x: UnsafePointer<T>, _ g: _Group, _ M: Double, withVariance: Bool)
    -> _ScaledGroup
{
    var sg = _ScaledGroup()
    sg.k = _scaleTarget - M.exponent
    let k = sg.k
    let m = g.count
    let up = _Pow2(k)
    var s = DoubleWord(0)
    g.forEachMember { _, i in s = s.adding(up(x[i]._double)) }
    sg.mean = s.divided(by: Double(m))
    if withVariance {
        var q = DoubleWord(0)
        let mh = sg.mean.hi
        g.forEachMember { _, i in
            let d = up(x[i]._double) - mh
            q = q.adding(d * d)
        }
        sg.variance = _centredTotal(Double.self, q, sg.mean, m).divided(by: Double(m))
    }
    return sg
}

/// r·2^j = 1/√(σ'² + 2^2k·ε) without forming either term outside the range: both
/// are scaled by an even power 2^−E (E the larger exponent), so the sum is in
/// [1, 8) and its 1/√ is the double-word Newton step; a term more than ~1100
/// binades below the other underflows to 0, where it is negligible.
@inlinable
func _setScaledInvstd(_ sg: inout _ScaledGroup, epsilon eps: Double) {
    let v = sg.variance
    let ev = v.hi > 0 ? v.hi.exponent : Int.min
    let ee = eps > 0 ? eps.exponent + 2 * sg.k : Int.min
    let E = max(ev, ee) & ~1
    var w = DoubleWord(_scaled(v.hi, -E), _scaled(v.lo, -E))
    if eps > 0 { w = w.adding(_scaled(eps.significand, ee - E)) }
    sg.r = w.reciprocalSquareRoot()
    sg.j = -E / 2
}

/// Whether the fast statistics of a group are outside the range where they are
/// accurate. `Float` data never is (its squares and means are formed in `Double`),
/// except for the ε = 0, zero-variance check. For `Double`: a non-finite sum or
/// variance, a variance or σ² + ε above 2⁸⁹⁶ (the squares near overflow, 1/√ losing
/// its double-word tail) or a variance below 2⁻⁸⁹⁶ (the squares, the variance's or the mean's tail
/// near or below the subnormal range; this includes constant groups).
@inlinable @inline(__always)
func _forwardNeedsSlowPath<T: KernelScalar>(_: T.Type, _ st: _Stats) -> Bool {
    if !st.invstd.isFinite || !st.mean.hi.isFinite || !st.variance.hi.isFinite { return true }
    if !T._needsCompensation { return false }
    let v = st.variance.hi
    return v > 0x1p896 || v < 0x1p-896 || st.invstd < 0x1p-448
}

/// Recomputes one group on the slow path: statistics, x̂ and y (y = γ_a·x̂ + β_a with
/// a = affine(position)). Returns nil when the fast results stand (all-zero group
/// with ε > 0, or non-finite input); throws `zeroVariance` only when the group is
/// constant and ε = 0.
@inlinable
func _slowForwardGroup<T: KernelScalar>(
    _ x: UnsafePointer<T>, _ g: _Group, _ group: Int, epsilon eps: Double,
    _ y: UnsafeMutablePointer<T>, _ xhat: UnsafeMutablePointer<T>?,
    _ gamma: UnsafePointer<T>, _ beta: UnsafePointer<T>, fast: _Stats, _ affine: (Int) -> Int
) throws(KernelError) -> _Stats? {
    let M = _groupMaxMagnitude(x, g)
    if !M.isFinite { return nil } // ±∞ or NaN in the input: nothing to rescue
    var sg = _ScaledGroup()
    if M == 0 {
        if eps == 0 { throw .zeroVariance(group: group) }
        // All zeros (a dead channel): x̂ = 0, y = β and σ² = 0 are exact already,
        // and so is invstd = 1/√ε unless ε is near the subnormal range.
        if fast.invstd.isNormal && fast.invstd < 0x1p448 { return nil }
    } else {
        sg = _scaledMoments(x, g, M, withVariance: true)
    }
    if sg.variance.hi == 0 && eps == 0 { throw .zeroVariance(group: group) }
    _setScaledInvstd(&sg, epsilon: eps)
    let up = _Pow2(sg.k)
    let down = _Pow2(sg.j)
    g.forEachMember { p, i in
        let t = T(_rounding: sg.xhat(x[i]._double, up, down))
        xhat?[i] = t
        let a = affine(p)
        y[i] = t * gamma[a] + beta[a]
    }
    return sg.stats
}

extension _StatsTable {
    /// Runs the slow path on every group the fast pass could not carry, in group
    /// order; throws `zeroVariance` for the first group that is constant with ε = 0.
    @inlinable
    func fixRareGroups<T: KernelScalar>(
        _: T.Type, x: UnsafePointer<T>, epsilon: Double, group: (Int) -> _Group,
        y: UnsafeMutablePointer<T>, xhat: UnsafeMutablePointer<T>?,
        gamma: UnsafePointer<T>, beta: UnsafePointer<T>, affine: (Int, Int) -> Int
    ) throws(KernelError) {
        for gi in 0..<count where _forwardNeedsSlowPath(T.self, stats[gi]) {
            // nil: the fast results stand (an all-zero group with ε > 0), or the group
            // holds ±∞ or NaN, whose outputs are NaN as they would be anyway.
            if let st = try _slowForwardGroup(
                x, group(gi), gi, epsilon: epsilon, y, xhat, gamma, beta, fast: stats[gi], { affine(gi, $0) })
            {
                stats[gi] = st
            }
        }
    }
}

/// Whether a group's backward pass needs the slow path: the saved invstd is not a
/// normal `T` (0, subnormal, ∞) or, for `Double`, outside [2⁻⁴⁸⁰, 2⁴⁸⁰] (its square
/// enters dx); dγ or dβ came out non-finite (Σdy·(x − μ) overflowed); or, recomputing
/// x̂ from x, the saved variance is so small that the saved mean may not carry μ
/// (below 2⁻⁸⁹⁶ for `Double`, 2⁻⁶⁰ for `Float`).
@inlinable @inline(__always)
func _backwardNeedsSlowPath<T: KernelScalar>(invstd: T, variance: T, dgamma: T, dbeta: T, fromX: Bool) -> Bool {
    if !invstd.isNormal || !dgamma.isFinite || !dbeta.isFinite { return true }
    let iv = invstd._double
    if T._needsCompensation && (iv > 0x1p480 || iv < 0x1p-480) { return true }
    return fromX && variance._double < (T._needsCompensation ? 0x1p-896 : 0x1p-60)
}

/// The backward pass of one group on the slow path:
/// dx = (γ·invstd/m)·((m·dy − Σdy) − x̂·Σdy·x̂), with x̂ rebuilt exactly scaled from x
/// (or read from the saved x̂), invstd carried as r·2^e so that neither it nor
/// γ·invstd is formed outside the range. Returns the group's Σdy and Σdy·x̂ (for
/// batch norm: dβ and dγ of its channel); `each` sees every element's dy and
/// dy·x̂ as (dy·t, j) with dy·x̂ = dy·t·2^j, so that a subnormal x̂ keeps its precision
/// in the caller's cross-group sums (see `_ScaledSum`).
@inlinable
func _slowBackwardGroup<T: KernelScalar>(
    _ dy: UnsafePointer<T>, _ src: _XhatSource<T>, _ g: _Group, invstd: T,
    _ dx: UnsafeMutablePointer<T>, _ gamma: UnsafePointer<T>, _ affine: (Int) -> Int,
    each: ((_ position: Int, _ dy: Double, _ dyXhat: Double, _ exponent: Int) -> Void)? = nil
) -> (sumDy: Double, sumDyXhat: Double) {
    let m = g.count
    var sg = _ScaledGroup()
    var invR = 0.0
    var invE = 0 // unscaled invstd = invR·2^invE
    let iv = invstd._double
    if src.fromX {
        let M = _groupMaxMagnitude(src.p, g)
        if M.isFinite && M > 0 {
            let fromSaved = invstd.isNormal
            sg = _scaledMoments(src.p, g, M, withVariance: !fromSaved)
            if fromSaved {
                sg.r = iv.significand
                sg.j = iv.exponent - sg.k
            } else if sg.variance.hi > 0 {
                // ∞ means ε = 0; 0 or subnormal means ε is negligible against σ².
                _setScaledInvstd(&sg, epsilon: 0)
            } else {
                sg.r = 0 // constant group: x̂ = 0
            }
            invR = sg.r
            invE = sg.j + sg.k
        } else {
            sg.r = 0
            invR = iv.significand
            invE = iv.isFinite && iv != 0 ? iv.exponent : 0
            if !iv.isFinite || iv == 0 { invR = iv }
        }
    } else {
        invR = iv.isFinite && iv != 0 ? iv.significand : iv
        invE = iv.isFinite && iv != 0 ? iv.exponent : 0
    }
    // x̂ = t·2^j with t an ordinary number: the sums of dy·x̂ are formed on t and
    // scaled once, so that a subnormal x̂ does not cost its relative precision.
    let j = src.fromX ? sg.j : 0
    let up = _Pow2(sg.k)
    let twice = _Pow2(2 * j)
    let last = _Pow2(invE)
    @inline(__always) func t(_ i: Int) -> Double {
        src.fromX ? ((up(src.p[i]._double) - sg.mean.hi) - sg.mean.lo) * sg.r : src.p[i]._double
    }
    // Σdy and Σdy·x̂ for the group's dβ, dγ; Σγdy and Σγdy·x̂ for dx.
    var s1 = DoubleWord(0)
    var s2 = DoubleWord(0)
    var a1 = DoubleWord(0)
    var a2 = DoubleWord(0)
    g.forEachMember { p, i in
        let d = dy[i]._double
        let gm = gamma[affine(p)]._double
        let ti = t(i)
        a1 = a1.adding(d)
        a2 = a2.adding(d * ti)
        s1 = s1.adding(gm * d)
        s2 = s2.adding(gm * d * ti)
        each?(p, d, d * ti, j)
    }
    let S1 = s1.hi
    let S2 = s2.hi
    let md = Double(m)
    g.forEachMember { p, i in
        let gm = gamma[affine(p)]._double
        let b = (md * (gm * dy[i]._double) - S1) - twice(t(i) * S2)
        dx[i] = b == 0 ? 0 : T(_rounding: last(b * (invR / md)))
    }
    return (a1.hi, _scaled(a2.hi, j))
}

/// A sum of terms v·2^e kept as a double-word in units of 2^e of the largest
/// exponent seen, so that terms of subnormal size keep their relative precision.
/// Terms more than ~1074 binades below the largest are negligible and may underflow.
@usableFromInline
struct _ScaledSum {
    @usableFromInline var s = DoubleWord(0)
    @usableFromInline var e = Int.min
    @inlinable init() {}
    @inlinable mutating func add(_ v: DoubleWord, exponent j: Int) {
        if v.hi == 0 { return }
        if e == Int.min {
            s = v
            e = j
            return
        }
        if j > e {
            s = DoubleWord(_scaled(s.hi, e - j), _scaled(s.lo, e - j))
            e = j
        }
        s = s.adding(DoubleWord(_scaled(v.hi, j - e), _scaled(v.lo, j - e)))
    }
    @inlinable var value: Double { e == Int.min ? 0 : _scaled(s.hi, e) }
}
