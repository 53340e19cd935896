// Internal building blocks shared by batch, layer and group normalization.
//
// A "run" is a contiguous stretch of elements. Statistics are accumulated in
// `Double` lanes; for `Double` inputs every addition is compensated (TwoSum), so a
// sum is carried as a double-word `hi + lo`; for `Float` inputs the `Double`
// accumulator is already 29 bits wider than the data (see KERNELS.md).

@usableFromInline
struct _Acc {
    @usableFromInline var s = SIMD8<Double>()
    @usableFromInline var c = SIMD8<Double>()
    @usableFromInline var tail = DoubleWord(0)
    @inlinable init() {}
    @inlinable var total: DoubleWord { DoubleWord.merging(s, c).adding(tail) }
}

/// Σ x over a run, added to `acc`.
@inlinable
func _runSum<T: KernelScalar>(_ p: UnsafePointer<T>, _ len: Int, _ acc: inout _Acc) {
    var i = 0
    var s = acc.s
    var c = acc.c
    if T._needsCompensation {
        while i &+ 8 <= len {
            _twoSumAcc(&s, &c, T._widen8(p + i))
            i &+= 8
        }
    } else {
        while i &+ 8 <= len {
            s += T._widen8(p + i)
            i &+= 8
        }
    }
    acc.s = s
    acc.c = c
    while i < len {
        acc.tail = acc.tail.adding(p[i]._double)
        i &+= 1
    }
}

/// `_runNormalize` over one run fused with `_runSum` over another run of the same
/// length (the next channel's segment): the sum is bitwise the one `_runSum` gives,
/// while its memory stream overlaps the normalization of data already in cache.
@inlinable
func _runNormalizeAndSum<T: KernelScalar>(
    _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ xhat: UnsafeMutablePointer<T>?,
    _ len: Int, _ st: _Stats, _ gamma: T, _ beta: T, _ next: UnsafePointer<T>, _ acc: inout _Acc
) {
    let mh = SIMD8<Double>(repeating: st.mean.hi)
    let ml = SIMD8<Double>(repeating: st.mean.lo)
    let iv = SIMD8<Double>(repeating: st.invstd)
    let g = SIMD8<T>(repeating: gamma)
    let b = SIMD8<T>(repeating: beta)
    var s = acc.s
    var c = acc.c
    var i = 0
    if T._needsCompensation {
        while i &+ 8 <= len {
            _twoSumAcc(&s, &c, T._widen8(next + i))
            let t = T._narrow8(((T._widen8(x + i) - mh) - ml) * iv)
            if let xh = xhat { _store8(t, xh + i) }
            _store8(t * g + b, y + i)
            i &+= 8
        }
    } else {
        while i &+ 8 <= len {
            s += T._widen8(next + i)
            let t = T._narrow8(((T._widen8(x + i) - mh) - ml) * iv)
            if let xh = xhat { _store8(t, xh + i) }
            _store8(t * g + b, y + i)
            i &+= 8
        }
    }
    acc.s = s
    acc.c = c
    let i0 = i
    while i < len {
        acc.tail = acc.tail.adding(next[i]._double)
        i &+= 1
    }
    i = i0
    while i < len {
        let t = T(_rounding: ((x[i]._double - st.mean.hi) - st.mean.lo) * st.invstd)
        xhat?[i] = t
        y[i] = t * gamma + beta
        i &+= 1
    }
}

/// Σ (x − μ_hi)² over a run, added to `acc`. The caller turns it into Σ(x − μ)²
/// with `_centredTotal`: since Σ(x − μ) = 0 exactly, Σ(x − μ)² = Σ(x − μ_hi)² − m·μ_lo²
/// (μ = μ_hi + μ_lo). On stiff data x − μ_hi is exact (Sterbenz), so each term has
/// a single rounding, that of the square.
@inlinable
func _runCentredSquares<T: KernelScalar>(_ p: UnsafePointer<T>, _ len: Int, _ mean: DoubleWord, _ acc: inout _Acc) {
    let mh = SIMD8<Double>(repeating: mean.hi)
    var i = 0
    var s = acc.s
    var c = acc.c
    if T._needsCompensation {
        while i &+ 8 <= len {
            let d = T._widen8(p + i) - mh
            _twoSumAcc(&s, &c, d * d)
            i &+= 8
        }
    } else {
        while i &+ 8 <= len {
            let d = T._widen8(p + i) - mh
            s += d * d
            i &+= 8
        }
    }
    acc.s = s
    acc.c = c
    while i < len {
        let d = p[i]._double - mean.hi
        acc.tail = acc.tail.adding(d * d)
        i &+= 1
    }
}

/// Σ(x−μ)² from the accumulated Σ(x − μ_hi)² (see `_runCentredSquares`).
@inlinable @inline(__always)
func _centredTotal<T: KernelScalar>(_: T.Type, _ sq: DoubleWord, _ mean: DoubleWord, _ m: Int) -> DoubleWord {
    let r = sq.adding(-(Double(m) * mean.lo) * mean.lo)
    return r.hi < 0 ? DoubleWord(0) : r
}

/// Per-group statistics in `Double`/double-word form.
@usableFromInline
struct _Stats: Sendable {
    @usableFromInline var mean: DoubleWord
    @usableFromInline var variance: DoubleWord
    @usableFromInline var invstd: Double
    /// The variance is `variance·2^varianceExponent` (nonzero only for groups from the
    /// scaled slow path, whose variance may lie outside the range of `Double`).
    @usableFromInline var varianceExponent = 0
    @inlinable init(mean: DoubleWord, variance: DoubleWord, invstd: Double, varianceExponent: Int = 0) {
        self.mean = mean
        self.variance = variance
        self.invstd = invstd
        self.varianceExponent = varianceExponent
    }
    /// From Σx, Σ(x−μ)² (both double-word), the count m and ε.
    @inlinable
    init(sum: DoubleWord, m: Int, centred: (DoubleWord) -> DoubleWord, eps: Double) {
        let mean = sum.divided(by: Double(m))
        let sq = centred(mean)
        let variance = sq.divided(by: Double(m))
        let v = variance.adding(eps)
        self.mean = mean
        self.variance = variance
        self.invstd = v.hi > 0 ? v.reciprocalSquareRoot() : .infinity
    }
}

/// y = γ·x̂ + β with x̂ = ((x − μ_hi) − μ_lo)·invstd over a run, γ and β scalars.
@inlinable
func _runNormalize<T: KernelScalar>(
    _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ xhat: UnsafeMutablePointer<T>?,
    _ len: Int, _ st: _Stats, _ gamma: T, _ beta: T
) {
    let mh = SIMD8<Double>(repeating: st.mean.hi)
    let ml = SIMD8<Double>(repeating: st.mean.lo)
    let iv = SIMD8<Double>(repeating: st.invstd)
    let g = SIMD8<T>(repeating: gamma)
    let b = SIMD8<T>(repeating: beta)
    var i = 0
    if let xh = xhat {
        while i &+ 8 <= len {
            let t = T._narrow8(((T._widen8(x + i) - mh) - ml) * iv)
            _store8(t, xh + i)
            _store8(t * g + b, y + i)
            i &+= 8
        }
    } else {
        while i &+ 8 <= len {
            let t = T._narrow8(((T._widen8(x + i) - mh) - ml) * iv)
            _store8(t * g + b, y + i)
            i &+= 8
        }
    }
    while i < len {
        let t = T(_rounding: ((x[i]._double - st.mean.hi) - st.mean.lo) * st.invstd)
        xhat?[i] = t
        y[i] = t * gamma + beta
        i &+= 1
    }
}

/// Where the backward pass gets x̂ from: recomputed from x and the saved statistics
/// (`fromX`), or read from a saved x̂ buffer.
@usableFromInline
struct _XhatSource<T: KernelScalar> {
    @usableFromInline let p: UnsafePointer<T>
    @usableFromInline let fromX: Bool
    @inlinable init(_ p: UnsafePointer<T>, fromX: Bool) {
        self.p = p
        self.fromX = fromX
    }
}

/// Σdy and Σdy·t over a run, added to the accumulators, where t = x − μ_hi when x̂ is
/// recomputed from x (turn the second sum into Σdy·x̂ with `_dotXhat`), or t = x̂.
@inlinable
func _runBackwardSums<T: KernelScalar>(
    _ dy: UnsafePointer<T>, _ src: _XhatSource<T>, _ len: Int,
    _ mean: DoubleWord, _ invstd: Double, _ a1: inout _Acc, _ a2: inout _Acc
) {
    let mh = SIMD8<Double>(repeating: src.fromX ? mean.hi : 0)
    let xp = src.p
    var i = 0
    var s1 = a1.s
    var c1 = a1.c
    var s2 = a2.s
    var c2 = a2.c
    if T._needsCompensation {
        while i &+ 8 <= len {
            let g = T._widen8(dy + i)
            let t = T._widen8(xp + i) - mh
            _twoSumAcc(&s1, &c1, g)
            _twoSumAcc(&s2, &c2, g * t)
            i &+= 8
        }
    } else {
        while i &+ 8 <= len {
            let g = T._widen8(dy + i)
            let t = T._widen8(xp + i) - mh
            s1 += g
            s2 += g * t
            i &+= 8
        }
    }
    a1.s = s1
    a1.c = c1
    a2.s = s2
    a2.c = c2
    let m0 = src.fromX ? mean.hi : 0
    while i < len {
        let g = dy[i]._double
        a1.tail = a1.tail.adding(g)
        a2.tail = a2.tail.adding(g * (xp[i]._double - m0))
        i &+= 1
    }
}

/// Σdy·x̂ from Σdy·(x − μ_hi) and Σdy: x̂ = ((x − μ_hi) − μ_lo)·invstd, so
/// Σdy·x̂ = (Σdy·(x − μ_hi) − μ_lo·Σdy)·invstd (double-word). Identity when x̂ was given.
@inlinable @inline(__always)
func _dotXhat(_ a2: DoubleWord, _ s1: DoubleWord, _ mean: DoubleWord, _ invstd: Double, fromX: Bool) -> DoubleWord {
    fromX ? a2.adding(DoubleWord.twoProduct(-mean.lo, s1.hi)).multiplied(by: invstd) : a2
}

/// dx = p·dy − q − x̂·r over a run (all three in `Double`). From x, with
/// x̂ = ((x − μ_hi) − μ_lo)·invstd this is p·dy − (q' + (x − μ_hi)·r') with
/// r' = invstd·r and q' = q − μ_lo·r': one subtraction and one product per element.
@inlinable
func _runBackwardApply<T: KernelScalar>(
    _ dy: UnsafePointer<T>, _ src: _XhatSource<T>, _ dx: UnsafeMutablePointer<T>, _ len: Int,
    _ mean: DoubleWord, _ invstd: Double, _ p: Double, _ q: Double, _ r: Double
) {
    let r1 = src.fromX ? invstd * r : r
    let q1 = src.fromX ? q - mean.lo * r1 : q
    let m0 = src.fromX ? mean.hi : 0
    let mh = SIMD8<Double>(repeating: m0)
    let pv = SIMD8<Double>(repeating: p)
    let qv = SIMD8<Double>(repeating: q1)
    let rv = SIMD8<Double>(repeating: r1)
    let xp = src.p
    var i = 0
    while i &+ 8 <= len {
        let t = T._widen8(xp + i) - mh
        _store8(T._narrow8(pv * T._widen8(dy + i) - (qv + t * rv)), dx + i)
        i &+= 8
    }
    while i < len {
        dx[i] = T(_rounding: p * dy[i]._double - (q1 + (xp[i]._double - m0) * r1))
        i &+= 1
    }
}

/// Per-group results in `Double`, written by workers at disjoint indices.
@usableFromInline
final class _StatsTable: @unchecked Sendable {
    @usableFromInline let stats: UnsafeMutablePointer<_Stats>
    @usableFromInline let count: Int
    @inlinable init(_ n: Int) {
        count = n
        stats = .allocate(capacity: n)
        stats.initialize(repeating: _Stats(mean: DoubleWord(0), variance: DoubleWord(0), invstd: 0), count: n)
    }
    deinit { stats.deallocate() }

    @inlinable func saved<T: KernelScalar>(_: T.Type) -> SavedStatistics<T> {
        var s = SavedStatistics<T>(count: count)
        for g in 0..<count {
            let st = stats[g]
            let h = T(_rounding: st.mean.hi)
            s.mean[g] = h
            s.meanLow[g] = T(_rounding: (st.mean.hi - h._double) + st.mean.lo)
            s.variance[g] = T(_rounding: _scaled(st.variance.hi, st.varianceExponent))
            s.invstd[g] = T(_rounding: st.invstd)
        }
        return s
    }
}

/// Saved per-group statistics of a training forward pass (per channel for batch
/// norm, per row for layer norm, per (n, g) for group norm).
///
/// `mean + meanLow` carries the batch mean to about twice working precision
/// (`mean` is the mean rounded to `T`); pass both to the backward pass when it
/// recomputes x̂ from x. `variance` is the biased variance Σ(x−μ)²/m, `invstd`
/// is 1/√(variance + ε), both rounded from double-word values.
public struct SavedStatistics<T: KernelScalar>: Sendable, Equatable {
    public var mean: [T]
    public var meanLow: [T]
    public var variance: [T]
    public var invstd: [T]

    /// Zero-filled statistics for `count` groups.
    public init(count: Int) {
        mean = .init(repeating: 0, count: count)
        meanLow = mean
        variance = mean
        invstd = mean
    }

    public init(mean: [T], meanLow: [T], variance: [T], invstd: [T]) {
        self.mean = mean
        self.meanLow = meanLow
        self.variance = variance
        self.invstd = invstd
    }

    /// Number of groups.
    public var count: Int { mean.count }

    @inlinable func _validate(_ expected: Int) throws(KernelError) {
        try _checkCount("saved.mean", mean.count, expected)
        try _checkCount("saved.meanLow", meanLow.count, expected)
        try _checkCount("saved.variance", variance.count, expected)
        try _checkCount("saved.invstd", invstd.count, expected)
    }

    @inlinable func _mean(_ g: Int) -> DoubleWord {
        let h = mean[g]._double
        let l = meanLow[g]._double
        let s = h + l
        return DoubleWord(s, l - (s - h))
    }
}

/// Where a backward pass takes x̂ from.
public enum NormalizedSource<T: KernelScalar> {
    /// Recompute x̂ = ((x − mean) − meanLow)·invstd from the input and the saved statistics.
    case x(UnsafeBufferPointer<T>, SavedStatistics<T>)
    /// Use the x̂ written by the forward pass (the statistics' `invstd` is still needed).
    case xhat(UnsafeBufferPointer<T>, SavedStatistics<T>)

    @inlinable var _saved: SavedStatistics<T> {
        switch self {
        case .x(_, let s), .xhat(_, let s): return s
        }
    }
    @inlinable var _buffer: UnsafeBufferPointer<T> {
        switch self {
        case .x(let b, _), .xhat(let b, _): return b
        }
    }
    @inlinable var _fromX: Bool { if case .x = self { return true } else { return false } }
    @inlinable var _name: String { _fromX ? "x" : "xhat" }
}
