// Batch normalization: training forward, backward, eval forward.

/// The layout of a batch-norm input.
public enum NormShape: Sendable, Equatable, CustomStringConvertible {
    /// (N, C) row-major: channel fastest.
    case nc(n: Int, c: Int)
    /// (N, C, H, W) row-major: w fastest.
    case nchw(n: Int, c: Int, h: Int, w: Int)

    /// Number of elements.
    public var count: Int {
        switch self {
        case .nc(let n, let c): return n * c
        case .nchw(let n, let c, let h, let w): return n * c * h * w
        }
    }
    /// Number of channels C.
    public var channels: Int {
        switch self {
        case .nc(_, let c), .nchw(_, let c, _, _): return c
        }
    }
    /// Elements reduced per channel: m = N (for (N, C)) or N·H·W.
    public var reductionCount: Int {
        switch self {
        case .nc(let n, _): return n
        case .nchw(let n, _, let h, let w): return n * h * w
        }
    }
    public var description: String {
        switch self {
        case .nc(let n, let c): return "(N=\(n), C=\(c))"
        case .nchw(let n, let c, let h, let w): return "(N=\(n), C=\(c), H=\(h), W=\(w))"
        }
    }

    @inlinable func _validate() throws(KernelError) {
        switch self {
        case .nc(let n, let c):
            try _checkDim("N", n)
            try _checkDim("C", c)
        case .nchw(let n, let c, let h, let w):
            try _checkDim("N", n)
            try _checkDim("C", c)
            try _checkDim("H", h)
            try _checkDim("W", w)
        }
        let (_, o1) = count.multipliedReportingOverflow(by: 1)
        if o1 { throw .invalidParameter(name: "shape", value: description, rule: "element count overflows Int") }
    }
}

/// Batch normalization over channels (statistics over N·H·W per channel).
public enum BatchNorm {

    /// Training forward pass.
    ///
    /// Per channel: μ = Σx/m carried as a double-word (compensated sum), biased
    /// σ² = Σ((x − μ_hi) − μ_lo)²/m (centred two-pass, compensated),
    /// invstd = 1/√(σ² + ε) (double-word Newton step), x̂ = ((x − μ_hi) − μ_lo)·invstd,
    /// y = γ·x̂ + β. Never E[x²] − E[x]², never the folded x·a + (β − μa).
    ///
    /// - Parameters:
    ///   - x: input, `shape.count` elements.
    ///   - gamma, beta: C elements each.
    ///   - epsilon: ε ≥ 0; ε = 0 is accepted unless some channel has zero variance.
    ///   - y: output, `shape.count` elements.
    ///   - xhat: optional output for x̂ (saves recomputation in backward).
    ///   - runningMean, runningVariance: optional running statistics (C each), updated
    ///     in place following `update`.
    ///   - threads: worker count (default: active processors). Results do not depend on it.
    /// - Returns: the saved statistics (mean, meanLow, biased variance, invstd) per channel.
    @inlinable @discardableResult
    public static func forwardTraining<T: KernelScalar>(
        x: UnsafeBufferPointer<T>, shape: NormShape,
        gamma: UnsafeBufferPointer<T>, beta: UnsafeBufferPointer<T>, epsilon: T,
        y: UnsafeMutableBufferPointer<T>, xhat: UnsafeMutableBufferPointer<T>? = nil,
        runningMean: UnsafeMutableBufferPointer<T>? = nil, runningVariance: UnsafeMutableBufferPointer<T>? = nil,
        update: RunningStatUpdate = .pytorch,
        threads: Int = defaultKernelThreads
    ) throws(KernelError) -> SavedStatistics<T> {
        try shape._validate()
        try _checkThreads(threads)
        let C = shape.channels
        let total = shape.count
        let m = shape.reductionCount
        try _checkCount("x", x.count, total)
        try _checkCount("y", y.count, total)
        if let xh = xhat { try _checkCount("xhat", xh.count, total) }
        try _checkCount("gamma", gamma.count, C)
        try _checkCount("beta", beta.count, C)
        try _checkEpsilon(epsilon)
        if (runningMean == nil) != (runningVariance == nil) {
            throw .invalidParameter(
                name: "running statistics", value: "one of two given",
                rule: "pass both runningMean and runningVariance, or neither")
        }
        if let rm = runningMean, let rv = runningVariance {
            try _checkCount("runningMean", rm.count, C)
            try _checkCount("runningVariance", rv.count, C)
            try update.validate(count: m)
        }
        let table = _StatsTable(C)
        let eps = epsilon._double
        let xp = x.baseAddress!
        let yp = _SendPtr(y.baseAddress!)
        let xhp = xhat.map { _SendPtr($0.baseAddress!) }
        let gp = gamma.baseAddress!
        let bp = beta.baseAddress!
        switch shape {
        case .nchw(let n, _, let h, let w):
            // Per worker: Σx of its first channel; then per channel the centred pass
            // (from L2) and the output pass, fused with Σx of the next channel so that
            // stream from memory overlaps work on cached data.
            let hw = h * w
            _parallelFor(C, threads: threads) { r in
                var next = _Acc()
                for i in 0..<n { _runSum(xp + (i * C + r.lowerBound) * hw, hw, &next) }
                for c in r {
                    let acc = next
                    next = _Acc()
                    let st = _Stats(
                        sum: acc.total, m: m,
                        centred: { mean in
                            var a2 = _Acc()
                            for i in 0..<n { _runCentredSquares(xp + (i * C + c) * hw, hw, mean, &a2) }
                            return _centredTotal(T.self, a2.total, mean, m)
                        }, eps: eps)
                    table.stats[c] = st
                    let hasNext = c + 1 < r.upperBound
                    for i in 0..<n {
                        let o = (i * C + c) * hw
                        if st.invstd.isFinite {
                            if hasNext {
                                _runNormalizeAndSum(
                                    xp + o, yp.p + o, xhp.map { $0.p + o }, hw, st, gp[c], bp[c],
                                    xp + o + hw, &next)
                            } else {
                                _runNormalize(xp + o, yp.p + o, xhp.map { $0.p + o }, hw, st, gp[c], bp[c])
                            }
                        } else if hasNext {
                            _runSum(xp + o + hw, hw, &next)
                        }
                    }
                }
            }
        case .nc(let n, _):
            _ncRanges(C, threads: threads) { c0, w in
                _ncBlockForward(xp, yp.p, xhp?.p, n, C, c0, w, eps, gp, bp, table.stats)
            }
        }
        let groupOf: (Int) -> _Group
        switch shape {
        case .nchw(let n, _, let h, let w):
            groupOf = { _Group(base: $0 * h * w, runs: n, len: h * w, stride: C * h * w) }
        case .nc(let n, _): groupOf = { _Group(base: $0, runs: n, len: 1, stride: C) }
        }
        try table.fixRareGroups(
            T.self, x: xp, epsilon: eps, group: groupOf, y: yp.p, xhat: xhp?.p,
            gamma: gp, beta: bp, affine: { c, _ in c })

        if let rm = runningMean, let rv = runningVariance {
            for c in 0..<C {
                let st = table.stats[c]
                rm[c] = T(_rounding: update.apply(running: rm[c]._double, batch: st.mean.hi))
                rv[c] = T(
                    _rounding: update.apply(
                        running: rv[c]._double,
                        batch: update._batchVariance(st.variance, count: m),
                        batchExponent: st.varianceExponent))
            }
        }
        return table.saved(T.self)
    }

    /// Backward pass: dx, dγ = Σ dy·x̂, dβ = Σ dy per channel.
    ///
    /// One reduction pass per channel for Σdy and Σdy·x̂ (compensated), one
    /// elementwise pass for dx = γ·invstd·(dy − Σdy/m − x̂·Σ(dy·x̂)/m), which is
    /// γ·invstd/m·(m·dy − Σdy − x̂·Σ(dy·x̂)).
    ///
    /// - Parameters:
    ///   - dy: upstream gradient, `shape.count` elements.
    ///   - source: x with the saved statistics (x̂ recomputed), or the saved x̂.
    ///   - gamma: C elements.
    ///   - dx: output, `shape.count`; dgamma, dbeta: outputs, C each.
    @inlinable
    public static func backward<T: KernelScalar>(
        dy: UnsafeBufferPointer<T>, source: NormalizedSource<T>, shape: NormShape,
        gamma: UnsafeBufferPointer<T>,
        dx: UnsafeMutableBufferPointer<T>, dgamma: UnsafeMutableBufferPointer<T>, dbeta: UnsafeMutableBufferPointer<T>,
        threads: Int = defaultKernelThreads
    ) throws(KernelError) {
        try shape._validate()
        try _checkThreads(threads)
        let C = shape.channels
        let total = shape.count
        let m = shape.reductionCount
        try _checkCount("dy", dy.count, total)
        try _checkCount(source._name, source._buffer.count, total)
        try _checkCount("dx", dx.count, total)
        try _checkCount("gamma", gamma.count, C)
        try _checkCount("dgamma", dgamma.count, C)
        try _checkCount("dbeta", dbeta.count, C)
        let saved = source._saved
        try saved._validate(C)
        let src = _XhatSource(source._buffer.baseAddress!, fromX: source._fromX)
        let dyp = dy.baseAddress!
        let gp = gamma.baseAddress!
        let dxp = _SendPtr(dx.baseAddress!)
        let dgp = _SendPtr(dgamma.baseAddress!)
        let dbp = _SendPtr(dbeta.baseAddress!)
        let means = UnsafeMutablePointer<DoubleWord>.allocate(capacity: C)
        defer { means.deallocate() }
        for c in 0..<C { means[c] = saved._mean(c) }
        let inv = saved.invstd.map { $0._double }
        let mp = _SendPtr(means)
        let md = Double(m)
        inv.withUnsafeBufferPointer { ivb in
            let ivp = ivb.baseAddress!
            switch shape {
            case .nchw(let n, _, let h, let w):
                let hw = h * w
                _parallelFor(C, threads: threads) { r in
                    for c in r {
                        var a1 = _Acc()
                        var a2 = _Acc()
                        let mean = mp.p[c]
                        let iv = ivp[c]
                        for i in 0..<n {
                            let o = (i * C + c) * hw
                            _runBackwardSums(dyp + o, _XhatSource(src.p + o, fromX: src.fromX), hw, mean, iv, &a1, &a2)
                        }
                        let t1 = a1.total
                        let s1 = t1.hi
                        let s2 = _dotXhat(a2.total, t1, mean, iv, fromX: src.fromX).hi
                        dbp.p[c] = T(_rounding: s1)
                        dgp.p[c] = T(_rounding: s2)
                        let p = gp[c]._double * iv
                        let q = p * (s1 / md)
                        let rr = p * (s2 / md)
                        for i in 0..<n {
                            let o = (i * C + c) * hw
                            _runBackwardApply(
                                dyp + o, _XhatSource(src.p + o, fromX: src.fromX), dxp.p + o, hw, mean, iv, p, q, rr)
                        }
                    }
                }
            case .nc(let n, _):
                _ncRanges(C, threads: threads) { c0, w in
                    _ncBlockBackward(dyp, src, dxp.p, n, C, c0, w, mp.p, ivp, gp, dgp.p, dbp.p)
                }
            }
        }
        // Channels outside the fast path's range (see `_backwardNeedsSlowPath`).
        for c in 0..<C
        where _backwardNeedsSlowPath(
            invstd: saved.invstd[c], variance: saved.variance[c],
            dgamma: dgamma[c], dbeta: dbeta[c], fromX: src.fromX)
        {
            let g: _Group
            switch shape {
            case .nchw(let n, _, let h, let w): g = _Group(base: c * h * w, runs: n, len: h * w, stride: C * h * w)
            case .nc(let n, _): g = _Group(base: c, runs: n, len: 1, stride: C)
            }
            let (s1, s2) = _slowBackwardGroup(dyp, src, g, invstd: saved.invstd[c], dxp.p, gp, { _ in c })
            dbeta[c] = T(_rounding: s1)
            dgamma[c] = T(_rounding: s2)
        }
    }

    /// Eval (inference) forward: y = x·a + b with a = γ/√(runVar + ε), b = β − runMean·a
    /// (the folded form is fine here: the statistics are given, not estimated).
    /// a and b are computed per channel in `Double` and rounded to `T` once.
    @inlinable
    public static func forwardEval<T: KernelScalar>(
        x: UnsafeBufferPointer<T>, shape: NormShape,
        gamma: UnsafeBufferPointer<T>, beta: UnsafeBufferPointer<T>,
        runningMean: UnsafeBufferPointer<T>, runningVariance: UnsafeBufferPointer<T>, epsilon: T,
        y: UnsafeMutableBufferPointer<T>, threads: Int = defaultKernelThreads
    ) throws(KernelError) {
        try shape._validate()
        try _checkThreads(threads)
        let C = shape.channels
        let total = shape.count
        try _checkCount("x", x.count, total)
        try _checkCount("y", y.count, total)
        try _checkCount("gamma", gamma.count, C)
        try _checkCount("beta", beta.count, C)
        try _checkCount("runningMean", runningMean.count, C)
        try _checkCount("runningVariance", runningVariance.count, C)
        try _checkEpsilon(epsilon)
        var a = [T](repeating: 0, count: C)
        var b = a
        for c in 0..<C {
            let v = DoubleWord(runningVariance[c]._double).adding(epsilon._double)
            if !(v.hi > 0) {
                throw .invalidParameter(
                    name: "runningVariance[\(c)] + eps", value: "\(v.hi)",
                    rule: "running variance + eps must be > 0")
            }
            let ad = gamma[c]._double * v.reciprocalSquareRoot()
            a[c] = T(_rounding: ad)
            b[c] = T(_rounding: beta[c]._double - runningMean[c]._double * ad)
        }
        let xp = x.baseAddress!
        let yp = _SendPtr(y.baseAddress!)
        a.withUnsafeBufferPointer { ab in
            b.withUnsafeBufferPointer { bb in
                let ap = ab.baseAddress!
                let bp = bb.baseAddress!
                switch shape {
                case .nchw(let n, _, let h, let w):
                    let hw = h * w
                    _parallelFor(n * C, threads: threads) { r in
                        for nc in r {
                            let c = nc % C
                            _affine(xp + nc * hw, yp.p + nc * hw, hw, ap[c], bp[c])
                        }
                    }
                case .nc(let n, _):
                    _parallelFor(n, threads: threads) { r in
                        for i in r { _affineVec(xp + i * C, yp.p + i * C, C, ap, bp) }
                    }
                }
            }
        }
    }
}

/// y = x·a + b over a run, scalar a, b.
@inlinable
func _affine<T: KernelScalar>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ len: Int, _ a: T, _ b: T) {
    let av = SIMD8<T>(repeating: a)
    let bv = SIMD8<T>(repeating: b)
    var i = 0
    while i &+ 8 <= len {
        _store8(_load8(x + i) * av + bv, y + i)
        i &+= 8
    }
    while i < len {
        y[i] = x[i] * a + b
        i &+= 1
    }
}

/// y = x·a + b over a run, per-element a, b.
@inlinable
func _affineVec<T: KernelScalar>(
    _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ len: Int,
    _ a: UnsafePointer<T>, _ b: UnsafePointer<T>
) {
    var i = 0
    while i &+ 8 <= len {
        _store8(_load8(x + i) * _load8(a + i) + _load8(b + i), y + i)
        i &+= 8
    }
    while i < len {
        y[i] = x[i] * a[i] + b[i]
        i &+= 1
    }
}

// MARK: - (N, C) layout: each worker owns a contiguous range of channels and
// streams every row's segment of that range, three times (Σx, Σ(x−μ)², output).
//
// Column blocks small enough for L2 do not help here: with a power-of-two row
// stride every row of a block maps to the same few cache sets, so the block is
// evicted anyway; sequential streams let the hardware prefetchers work instead.
// The per-channel accumulators live in small arrays (L1). Ranges start at a
// multiple of 8 channels and the last C mod 8 channels always take the scalar
// path, so every channel is computed the same way whatever the thread count.

/// Runs `body(c0, width)` over the worker ranges of an (N, C) input.
@inlinable
func _ncRanges(_ C: Int, threads: Int, _ body: (Int, Int) -> Void) {
    let chunks = C / 8
    if chunks == 0 {
        body(0, C)
        return
    }
    _parallelFor(chunks, threads: threads) { r in
        let c0 = r.lowerBound * 8
        let w = r.count * 8 + (r.upperBound == chunks ? C % 8 : 0)
        body(c0, w)
    }
}

/// Statistics, x̂ and y for channels c0..<c0+W of an (N, C) input.
@inlinable
func _ncBlockForward<T: KernelScalar>(
    _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ xhat: UnsafeMutablePointer<T>?,
    _ n: Int, _ C: Int, _ c0: Int, _ W: Int, _ eps: Double,
    _ gamma: UnsafePointer<T>, _ beta: UnsafePointer<T>, _ out: UnsafeMutablePointer<_Stats>
) {
    let W8 = W & ~7
    let Wp = (W + 7) & ~7
    let buf = UnsafeMutablePointer<Double>.allocate(capacity: 5 * Wp)
    defer { buf.deallocate() }
    let s = buf
    let c = buf + Wp
    let mh = buf + 2 * Wp
    let ml = buf + 3 * Wp
    let iv = buf + 4 * Wp
    s.initialize(repeating: 0, count: 2 * Wp)
    let comp = T._needsCompensation
    // Pass 1: Σx per channel. Four rows per visit of the accumulators; each channel
    // still adds its rows in order 0, 1, 2, …
    var i = 0
    while i &+ 4 <= n {
        let p0 = x + i * C + c0
        let p1 = p0 + C
        let p2 = p1 + C
        let p3 = p2 + C
        var j = 0
        if comp {
            while j < W8 {
                var a = _load8(UnsafePointer(s + j))
                var e = _load8(UnsafePointer(c + j))
                _twoSumAcc(&a, &e, T._widen8(p0 + j))
                _twoSumAcc(&a, &e, T._widen8(p1 + j))
                _twoSumAcc(&a, &e, T._widen8(p2 + j))
                _twoSumAcc(&a, &e, T._widen8(p3 + j))
                _store8(a, s + j)
                _store8(e, c + j)
                j &+= 8
            }
        } else {
            while j < W8 {
                var a = _load8(UnsafePointer(s + j))
                a += T._widen8(p0 + j)
                a += T._widen8(p1 + j)
                a += T._widen8(p2 + j)
                a += T._widen8(p3 + j)
                _store8(a, s + j)
                j &+= 8
            }
        }
        i &+= 4
    }
    while i < n {
        let p = x + i * C + c0
        var j = 0
        if comp {
            while j < W8 {
                var a = _load8(UnsafePointer(s + j))
                var e = _load8(UnsafePointer(c + j))
                _twoSumAcc(&a, &e, T._widen8(p + j))
                _store8(a, s + j)
                _store8(e, c + j)
                j &+= 8
            }
        } else {
            while j < W8 {
                _store8(_load8(UnsafePointer(s + j)) + T._widen8(p + j), s + j)
                j &+= 8
            }
        }
        i &+= 1
    }
    for i in 0..<n where W8 < W {
        let p = x + i * C + c0
        for j in W8..<W {
            let t = DoubleWord.twoSum(s[j], p[j]._double)
            s[j] = t.hi
            c[j] += t.lo
        }
    }
    for j in 0..<W {
        let mean = DoubleWord.twoSum(s[j], c[j]).divided(by: Double(n))
        mh[j] = mean.hi
        ml[j] = mean.lo
    }
    s.update(repeating: 0, count: 2 * Wp)
    // Pass 2: Σ(x − μ_hi)² per channel (see `_runCentredSquares`), four rows per visit.
    i = 0
    while i &+ 4 <= n {
        let p0 = x + i * C + c0
        let p1 = p0 + C
        let p2 = p1 + C
        let p3 = p2 + C
        var j = 0
        if comp {
            while j < W8 {
                let m = _load8(UnsafePointer(mh + j))
                var a = _load8(UnsafePointer(s + j))
                var e = _load8(UnsafePointer(c + j))
                let d0 = T._widen8(p0 + j) - m
                let d1 = T._widen8(p1 + j) - m
                let d2 = T._widen8(p2 + j) - m
                let d3 = T._widen8(p3 + j) - m
                _twoSumAcc(&a, &e, d0 * d0)
                _twoSumAcc(&a, &e, d1 * d1)
                _twoSumAcc(&a, &e, d2 * d2)
                _twoSumAcc(&a, &e, d3 * d3)
                _store8(a, s + j)
                _store8(e, c + j)
                j &+= 8
            }
        } else {
            while j < W8 {
                let m = _load8(UnsafePointer(mh + j))
                var a = _load8(UnsafePointer(s + j))
                let d0 = T._widen8(p0 + j) - m
                let d1 = T._widen8(p1 + j) - m
                let d2 = T._widen8(p2 + j) - m
                let d3 = T._widen8(p3 + j) - m
                a += d0 * d0
                a += d1 * d1
                a += d2 * d2
                a += d3 * d3
                _store8(a, s + j)
                j &+= 8
            }
        }
        i &+= 4
    }
    while i < n {
        let p = x + i * C + c0
        var j = 0
        if comp {
            while j < W8 {
                let d = T._widen8(p + j) - _load8(UnsafePointer(mh + j))
                var a = _load8(UnsafePointer(s + j))
                var e = _load8(UnsafePointer(c + j))
                _twoSumAcc(&a, &e, d * d)
                _store8(a, s + j)
                _store8(e, c + j)
                j &+= 8
            }
        } else {
            while j < W8 {
                let d = T._widen8(p + j) - _load8(UnsafePointer(mh + j))
                _store8(_load8(UnsafePointer(s + j)) + d * d, s + j)
                j &+= 8
            }
        }
        i &+= 1
    }
    for i in 0..<n where W8 < W {
        let p = x + i * C + c0
        for j in W8..<W {
            let d = p[j]._double - mh[j]
            let t = DoubleWord.twoSum(s[j], d * d)
            s[j] = t.hi
            c[j] += t.lo
        }
    }
    for j in 0..<W {
        let sq = _centredTotal(T.self, DoubleWord.twoSum(s[j], c[j]), DoubleWord(mh[j], ml[j]), n)
        let variance = sq.divided(by: Double(n))
        let v = variance.adding(eps)
        let inv = v.hi > 0 ? v.reciprocalSquareRoot() : .infinity
        iv[j] = inv
        out[c0 + j] = _Stats(mean: DoubleWord(mh[j], ml[j]), variance: variance, invstd: inv)
    }
    // Pass 3: x̂ and y, row by row. A channel whose statistics are outside the fast
    // path's range gets meaningless values here; the caller recomputes it.

    let g = gamma + c0
    let b = beta + c0
    for i in 0..<n {
        let o = i * C + c0
        let p = x + o
        let yr = y + o
        let xr = xhat.map { $0 + o }
        var j = 0
        while j < W8 {
            let t = T._narrow8(
                ((T._widen8(p + j) - _load8(UnsafePointer(mh + j))) - _load8(UnsafePointer(ml + j)))
                    * _load8(UnsafePointer(iv + j)))
            if let xh = xr { _store8(t, xh + j) }
            _store8(t * _load8(g + j) + _load8(b + j), yr + j)
            j &+= 8
        }
        while j < W {
            let t = T(_rounding: ((p[j]._double - mh[j]) - ml[j]) * iv[j])
            xr?[j] = t
            yr[j] = t * g[j] + b[j]
            j &+= 1
        }
    }
}

/// Backward for channels c0..<c0+W of an (N, C) input.
@inlinable
func _ncBlockBackward<T: KernelScalar>(
    _ dy: UnsafePointer<T>, _ src: _XhatSource<T>, _ dx: UnsafeMutablePointer<T>, _ n: Int, _ C: Int, _ c0: Int,
    _ W: Int,
    _ means: UnsafeMutablePointer<DoubleWord>, _ invstd: UnsafePointer<Double>, _ gamma: UnsafePointer<T>,
    _ dgamma: UnsafeMutablePointer<T>, _ dbeta: UnsafeMutablePointer<T>
) {
    let W8 = W & ~7
    let Wp = (W + 7) & ~7
    let buf = UnsafeMutablePointer<Double>.allocate(capacity: 7 * Wp)
    defer { buf.deallocate() }
    let s1 = buf
    let c1 = buf + Wp
    let s2 = buf + 2 * Wp
    let c2 = buf + 3 * Wp
    let mh = buf + 4 * Wp
    let ml = buf + 5 * Wp
    let iv = buf + 6 * Wp
    buf.initialize(repeating: 0, count: 7 * Wp)
    for j in 0..<W {
        mh[j] = means[c0 + j].hi
        ml[j] = means[c0 + j].lo
        iv[j] = invstd[c0 + j]
    }
    let comp = T._needsCompensation
    // From x, t = x − μ_hi (Σdy·x̂ and dx are rebuilt per channel, see `_dotXhat` and
    // `_runBackwardApply`); from x̂, t = x̂.
    if !src.fromX { mh.update(repeating: 0, count: Wp) }
    @inline(__always) func t8(_ p: UnsafePointer<T>, _ j: Int) -> SIMD8<Double> {
        T._widen8(p + j) - _load8(UnsafePointer(mh + j))
    }
    @inline(__always) func t1(_ p: UnsafePointer<T>, _ j: Int) -> Double { p[j]._double - mh[j] }
    for i in 0..<n {
        let o = i * C + c0
        let d = dy + o
        let xs = src.p + o
        var j = 0
        while j < W8 {
            let g = T._widen8(d + j)
            let t = t8(xs, j)
            var a1 = _load8(UnsafePointer(s1 + j))
            var a2 = _load8(UnsafePointer(s2 + j))
            if comp {
                var e1 = _load8(UnsafePointer(c1 + j))
                var e2 = _load8(UnsafePointer(c2 + j))
                _twoSumAcc(&a1, &e1, g)
                _twoSumAcc(&a2, &e2, g * t)
                _store8(e1, c1 + j)
                _store8(e2, c2 + j)
            } else {
                a1 += g
                a2 += g * t
            }
            _store8(a1, s1 + j)
            _store8(a2, s2 + j)
            j &+= 8
        }
        while j < W {
            let g = d[j]._double
            let t = t1(xs, j)
            let u1 = DoubleWord.twoSum(s1[j], g)
            s1[j] = u1.hi
            c1[j] += u1.lo
            let u2 = DoubleWord.twoSum(s2[j], g * t)
            s2[j] = u2.hi
            c2[j] += u2.lo
            j &+= 1
        }
    }
    // Reuse the accumulators for p, q, r: dx = p·dy − q − x̂·r.
    let md = Double(n)
    let pp = c1
    let qq = s1
    let rr = s2
    for j in 0..<W {
        let a1 = DoubleWord.twoSum(s1[j], c1[j])
        let a = a1.hi
        let b = _dotXhat(DoubleWord.twoSum(s2[j], c2[j]), a1, DoubleWord(mh[j], ml[j]), iv[j], fromX: src.fromX).hi
        dbeta[c0 + j] = T(_rounding: a)
        dgamma[c0 + j] = T(_rounding: b)
        let p = gamma[c0 + j]._double * iv[j]
        let q = p * (a / md)
        let r = p * (b / md)
        let r1 = src.fromX ? iv[j] * r : r
        pp[j] = p
        qq[j] = src.fromX ? q - ml[j] * r1 : q
        rr[j] = r1
    }
    for i in 0..<n {
        let o = i * C + c0
        let d = dy + o
        let xs = src.p + o
        let out = dx + o
        var j = 0
        while j < W8 {
            let t = t8(xs, j)
            let v =
                _load8(UnsafePointer(pp + j)) * T._widen8(d + j)
                - (_load8(UnsafePointer(qq + j)) + t * _load8(UnsafePointer(rr + j)))
            _store8(T._narrow8(v), out + j)
            j &+= 8
        }
        while j < W {
            out[j] = T(_rounding: pp[j] * d[j]._double - (qq[j] + t1(xs, j) * rr[j]))
            j &+= 1
        }
    }
}
