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
        case let .nc(n, c): return n * c
        case let .nchw(n, c, h, w): return n * c * h * w
        }
    }
    /// Number of channels C.
    public var channels: Int {
        switch self { case let .nc(_, c), let .nchw(_, c, _, _): return c }
    }
    /// Elements reduced per channel: m = N (for (N, C)) or N·H·W.
    public var reductionCount: Int {
        switch self {
        case let .nc(n, _): return n
        case let .nchw(n, _, h, w): return n * h * w
        }
    }
    public var description: String {
        switch self {
        case let .nc(n, c): return "(N=\(n), C=\(c))"
        case let .nchw(n, c, h, w): return "(N=\(n), C=\(c), H=\(h), W=\(w))"
        }
    }

    @inlinable func _validate() throws(KernelError) {
        switch self {
        case let .nc(n, c):
            try _checkDim("N", n); try _checkDim("C", c)
        case let .nchw(n, c, h, w):
            try _checkDim("N", n); try _checkDim("C", c); try _checkDim("H", h); try _checkDim("W", w)
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
        let C = shape.channels, total = shape.count, m = shape.reductionCount
        try _checkCount("x", x.count, total)
        try _checkCount("y", y.count, total)
        if let xh = xhat { try _checkCount("xhat", xh.count, total) }
        try _checkCount("gamma", gamma.count, C)
        try _checkCount("beta", beta.count, C)
        try _checkEpsilon(epsilon)
        if (runningMean == nil) != (runningVariance == nil) {
            throw .invalidParameter(name: "running statistics", value: "one of two given",
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
        switch shape {
        case let .nchw(n, _, h, w):
            let hw = h * w
            _parallelFor(C, threads: threads) { r in
                for c in r {
                    var acc = _Acc()
                    for i in 0..<n { _runSum(xp + (i * C + c) * hw, hw, &acc) }
                    table.stats[c] = _Stats(sum: acc.total, m: m, centred: { mean in
                        var a2 = _Acc()
                        for i in 0..<n { _runCentredSquares(xp + (i * C + c) * hw, hw, mean, &a2) }
                        return a2.total
                    }, eps: eps)
                }
            }
        case let .nc(n, _):
            let chunks = C / 8, items = chunks + C % 8
            _parallelFor(items, threads: threads) { r in
                for item in r {
                    if item < chunks {
                        _ncChunkStats(xp, n, C, item * 8, eps, table.stats)
                    } else {
                        let c = chunks * 8 + (item - chunks)
                        var acc = _Acc()
                        for i in 0..<n { _runSum(xp + i * C + c, 1, &acc) }
                        table.stats[c] = _Stats(sum: acc.total, m: m, centred: { mean in
                            var a2 = _Acc()
                            for i in 0..<n { _runCentredSquares(xp + i * C + c, 1, mean, &a2) }
                            return a2.total
                        }, eps: eps)
                    }
                }
            }
        }
        if let g = table.zeroVarianceGroup() { throw .zeroVariance(group: g) }

        let yp = _SendPtr(y.baseAddress!)
        let xhp = xhat.map { _SendPtr($0.baseAddress!) }
        let gp = gamma.baseAddress!, bp = beta.baseAddress!
        switch shape {
        case let .nchw(n, _, h, w):
            let hw = h * w
            _parallelFor(C, threads: threads) { r in
                for c in r {
                    let st = table.stats[c]
                    for i in 0..<n {
                        let o = (i * C + c) * hw
                        _runNormalize(xp + o, yp.p + o, xhp.map { $0.p + o }, hw, st, gp[c], bp[c])
                    }
                }
            }
        case let .nc(n, _):
            _ncNormalize(xp, yp.p, xhp?.p, n, C, table.stats, gp, bp, threads: threads)
        }

        if let rm = runningMean, let rv = runningVariance {
            for c in 0..<C {
                let st = table.stats[c]
                rm[c] = T(_rounding: update.apply(running: rm[c]._double, batch: st.mean.hi))
                rv[c] = T(_rounding: update.apply(running: rv[c]._double,
                                                  batch: update._batchVariance(st.variance, count: m)))
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
        let C = shape.channels, total = shape.count, m = shape.reductionCount
        try _checkCount("dy", dy.count, total)
        try _checkCount(source._name, source._buffer.count, total)
        try _checkCount("dx", dx.count, total)
        try _checkCount("gamma", gamma.count, C)
        try _checkCount("dgamma", dgamma.count, C)
        try _checkCount("dbeta", dbeta.count, C)
        let saved = source._saved
        try saved._validate(C)
        let src = _XhatSource(source._buffer.baseAddress!, fromX: source._fromX)
        let dyp = dy.baseAddress!, gp = gamma.baseAddress!
        let dxp = _SendPtr(dx.baseAddress!), dgp = _SendPtr(dgamma.baseAddress!), dbp = _SendPtr(dbeta.baseAddress!)
        let means = UnsafeMutablePointer<DoubleWord>.allocate(capacity: C)
        defer { means.deallocate() }
        for c in 0..<C { means[c] = saved._mean(c) }
        let inv = saved.invstd.map { $0._double }
        let mp = _SendPtr(means)
        let md = Double(m)
        inv.withUnsafeBufferPointer { ivb in
            let ivp = ivb.baseAddress!
            switch shape {
            case let .nchw(n, _, h, w):
                let hw = h * w
                _parallelFor(C, threads: threads) { r in
                    for c in r {
                        var a1 = _Acc(), a2 = _Acc()
                        let mean = mp.p[c], iv = ivp[c]
                        for i in 0..<n {
                            let o = (i * C + c) * hw
                            _runBackwardSums(dyp + o, _XhatSource(src.p + o, fromX: src.fromX), hw, mean, iv, &a1, &a2)
                        }
                        let s1 = a1.total.hi, s2 = a2.total.hi
                        dbp.p[c] = T(_rounding: s1)
                        dgp.p[c] = T(_rounding: s2)
                        let p = gp[c]._double * iv
                        let q = p * (s1 / md), rr = p * (s2 / md)
                        for i in 0..<n {
                            let o = (i * C + c) * hw
                            _runBackwardApply(dyp + o, _XhatSource(src.p + o, fromX: src.fromX), dxp.p + o, hw, mean, iv, p, q, rr)
                        }
                    }
                }
            case let .nc(n, _):
                let chunks = C / 8, items = chunks + C % 8
                _parallelFor(items, threads: threads) { r in
                    for item in r {
                        if item < chunks {
                            _ncChunkBackward(dyp, src, dxp.p, n, C, item * 8, mp.p, ivp, gp, dgp.p, dbp.p)
                        } else {
                            let c = chunks * 8 + (item - chunks)
                            var a1 = _Acc(), a2 = _Acc()
                            let mean = mp.p[c], iv = ivp[c]
                            for i in 0..<n {
                                let o = i * C + c
                                _runBackwardSums(dyp + o, _XhatSource(src.p + o, fromX: src.fromX), 1, mean, iv, &a1, &a2)
                            }
                            let s1 = a1.total.hi, s2 = a2.total.hi
                            dbp.p[c] = T(_rounding: s1)
                            dgp.p[c] = T(_rounding: s2)
                            let p = gp[c]._double * iv
                            let q = p * (s1 / md), rr = p * (s2 / md)
                            for i in 0..<n {
                                let o = i * C + c
                                _runBackwardApply(dyp + o, _XhatSource(src.p + o, fromX: src.fromX), dxp.p + o, 1, mean, iv, p, q, rr)
                            }
                        }
                    }
                }
            }
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
        let C = shape.channels, total = shape.count
        try _checkCount("x", x.count, total)
        try _checkCount("y", y.count, total)
        try _checkCount("gamma", gamma.count, C)
        try _checkCount("beta", beta.count, C)
        try _checkCount("runningMean", runningMean.count, C)
        try _checkCount("runningVariance", runningVariance.count, C)
        try _checkEpsilon(epsilon)
        var a = [T](repeating: 0, count: C), b = a
        for c in 0..<C {
            let v = DoubleWord(runningVariance[c]._double).adding(epsilon._double)
            if !(v.hi > 0) {
                throw .invalidParameter(name: "runningVariance[\(c)] + eps", value: "\(v.hi)",
                                        rule: "running variance + eps must be > 0")
            }
            let ad = gamma[c]._double * v.reciprocalSquareRoot()
            a[c] = T(_rounding: ad)
            b[c] = T(_rounding: beta[c]._double - runningMean[c]._double * ad)
        }
        let xp = x.baseAddress!, yp = _SendPtr(y.baseAddress!)
        a.withUnsafeBufferPointer { ab in
            b.withUnsafeBufferPointer { bb in
                let ap = ab.baseAddress!, bp = bb.baseAddress!
                switch shape {
                case let .nchw(n, _, h, w):
                    let hw = h * w
                    _parallelFor(n * C, threads: threads) { r in
                        for nc in r {
                            let c = nc % C
                            _affine(xp + nc * hw, yp.p + nc * hw, hw, ap[c], bp[c])
                        }
                    }
                case let .nc(n, _):
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
    let av = SIMD8<T>(repeating: a), bv = SIMD8<T>(repeating: b)
    var i = 0
    while i &+ 8 <= len { _store8(_load8(x + i) * av + bv, y + i); i &+= 8 }
    while i < len { y[i] = x[i] * a + b; i &+= 1 }
}

/// y = x·a + b over a run, per-element a, b.
@inlinable
func _affineVec<T: KernelScalar>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ len: Int,
                                 _ a: UnsafePointer<T>, _ b: UnsafePointer<T>) {
    var i = 0
    while i &+ 8 <= len { _store8(_load8(x + i) * _load8(a + i) + _load8(b + i), y + i); i &+= 8 }
    while i < len { y[i] = x[i] * a[i] + b[i]; i &+= 1 }
}

// MARK: - (N, C) layout: 8 channels per SIMD vector, rows walked with stride C.

/// Statistics of channels c0..<c0+8 of an (N, C) input.
@inlinable
func _ncChunkStats<T: KernelScalar>(_ x: UnsafePointer<T>, _ n: Int, _ C: Int, _ c0: Int, _ eps: Double,
                                    _ out: UnsafeMutablePointer<_Stats>) {
    var s = SIMD8<Double>(), cc = SIMD8<Double>()
    var p = x + c0
    if T._needsCompensation {
        for _ in 0..<n { _twoSumAcc(&s, &cc, T._widen8(p)); p += C }
    } else {
        for _ in 0..<n { s += T._widen8(p); p += C }
    }
    var mh = SIMD8<Double>(), ml = SIMD8<Double>()
    for l in 0..<8 {
        let mean = DoubleWord.twoSum(s[l], cc[l]).divided(by: Double(n))
        mh[l] = mean.hi; ml[l] = mean.lo
    }
    s = SIMD8<Double>(); cc = SIMD8<Double>()
    p = x + c0
    if T._needsCompensation {
        for _ in 0..<n { let d = (T._widen8(p) - mh) - ml; _twoSumAcc(&s, &cc, d * d); p += C }
    } else {
        for _ in 0..<n { let d = (T._widen8(p) - mh) - ml; s += d * d; p += C }
    }
    for l in 0..<8 {
        let variance = DoubleWord.twoSum(s[l], cc[l]).divided(by: Double(n))
        let v = variance.adding(eps)
        out[c0 + l] = _Stats(mean: DoubleWord(mh[l], ml[l]), variance: variance,
                             invstd: v.hi > 0 ? v.reciprocalSquareRoot() : .infinity)
    }
}

/// y (and x̂) for an (N, C) input, rows split across workers.
@inlinable
func _ncNormalize<T: KernelScalar>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ xhat: UnsafeMutablePointer<T>?,
                                   _ n: Int, _ C: Int, _ stats: UnsafeMutablePointer<_Stats>,
                                   _ gamma: UnsafePointer<T>, _ beta: UnsafePointer<T>, threads: Int) {
    // Per-channel constants laid out for vector loads.
    let k = UnsafeMutablePointer<Double>.allocate(capacity: 3 * C)
    defer { k.deallocate() }
    for c in 0..<C { k[c] = stats[c].mean.hi; k[C + c] = stats[c].mean.lo; k[2 * C + c] = stats[c].invstd }
    let kp = _SendPtr(k), yp = _SendPtr(y), xhp = xhat.map { _SendPtr($0) }
    let full = C & ~7
    _parallelFor(n, threads: threads) { r in
        let mhp = kp.p, mlp = kp.p + C, ivp = kp.p + 2 * C
        for i in r {
            let xr = x + i * C, yr = yp.p + i * C, xhr = xhp.map { $0.p + i * C }
            var c = 0
            while c < full {
                let t = T._narrow8(((T._widen8(xr + c) - _load8(UnsafePointer(mhp + c))) - _load8(UnsafePointer(mlp + c)))
                                   * _load8(UnsafePointer(ivp + c)))
                if let xh = xhr { _store8(t, xh + c) }
                _store8(t * _load8(gamma + c) + _load8(beta + c), yr + c)
                c &+= 8
            }
            while c < C {
                let t = T(_rounding: ((xr[c]._double - mhp[c]) - mlp[c]) * ivp[c])
                xhr?[c] = t
                yr[c] = t * gamma[c] + beta[c]
                c &+= 1
            }
        }
    }
}

/// Backward for channels c0..<c0+8 of an (N, C) input.
@inlinable
func _ncChunkBackward<T: KernelScalar>(
    _ dy: UnsafePointer<T>, _ src: _XhatSource<T>, _ dx: UnsafeMutablePointer<T>, _ n: Int, _ C: Int, _ c0: Int,
    _ means: UnsafeMutablePointer<DoubleWord>, _ invstd: UnsafePointer<Double>, _ gamma: UnsafePointer<T>,
    _ dgamma: UnsafeMutablePointer<T>, _ dbeta: UnsafeMutablePointer<T>
) {
    var mh = SIMD8<Double>(), ml = SIMD8<Double>(), iv = SIMD8<Double>(), g = SIMD8<Double>()
    for l in 0..<8 {
        mh[l] = means[c0 + l].hi; ml[l] = means[c0 + l].lo; iv[l] = invstd[c0 + l]; g[l] = gamma[c0 + l]._double
    }
    var s1 = SIMD8<Double>(), c1 = SIMD8<Double>(), s2 = SIMD8<Double>(), c2 = SIMD8<Double>()
    var o = c0
    for _ in 0..<n {
        let d = T._widen8(dy + o)
        let t = src.fromX ? ((T._widen8(src.p + o) - mh) - ml) * iv : T._widen8(src.p + o)
        if T._needsCompensation {
            _twoSumAcc(&s1, &c1, d); _twoSumAcc(&s2, &c2, d * t)
        } else {
            s1 += d; s2 += d * t
        }
        o += C
    }
    var p = SIMD8<Double>(), q = SIMD8<Double>(), r = SIMD8<Double>()
    let md = Double(n)
    for l in 0..<8 {
        let a = DoubleWord.twoSum(s1[l], c1[l]).hi, b = DoubleWord.twoSum(s2[l], c2[l]).hi
        dbeta[c0 + l] = T(_rounding: a)
        dgamma[c0 + l] = T(_rounding: b)
        p[l] = g[l] * iv[l]
        q[l] = p[l] * (a / md)
        r[l] = p[l] * (b / md)
    }
    o = c0
    for _ in 0..<n {
        let t = src.fromX ? ((T._widen8(src.p + o) - mh) - ml) * iv : T._widen8(src.p + o)
        _store8(T._narrow8(p * T._widen8(dy + o) - (q + t * r)), dx + o)
        o += C
    }
}
