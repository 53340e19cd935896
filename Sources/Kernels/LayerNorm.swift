// Layer normalization: each of R rows is normalized over its D trailing features;
// γ and β are per feature.

/// y = γ_j·x̂_j + β_j over a run with per-element γ, β.
@inlinable
func _runNormalizeVec<T: KernelScalar>(
    _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ xhat: UnsafeMutablePointer<T>?,
    _ len: Int, _ st: _Stats, _ gamma: UnsafePointer<T>, _ beta: UnsafePointer<T>
) {
    let mh = SIMD8<Double>(repeating: st.mean.hi)
    let ml = SIMD8<Double>(repeating: st.mean.lo)
    let iv = SIMD8<Double>(repeating: st.invstd)
    var i = 0
    while i &+ 8 <= len {
        let t = T._narrow8(((T._widen8(x + i) - mh) - ml) * iv)
        if let xh = xhat { _store8(t, xh + i) }
        _store8(t * _load8(gamma + i) + _load8(beta + i), y + i)
        i &+= 8
    }
    while i < len {
        let t = T(_rounding: ((x[i]._double - st.mean.hi) - st.mean.lo) * st.invstd)
        xhat?[i] = t
        y[i] = t * gamma[i] + beta[i]
        i &+= 1
    }
}

/// Layer normalization over the trailing `features` of each of `rows` rows.
public enum LayerNorm {
    /// Rows per block for the dγ/dβ partial sums: fixed, so the summation order
    /// (and the result) does not depend on the thread count.
    @usableFromInline static let _rowBlock = 32

    /// Forward pass: per row μ, biased σ², invstd, x̂ = ((x − μ_hi) − μ_lo)·invstd,
    /// y_j = γ_j·x̂_j + β_j. Same statistics scheme as `BatchNorm.forwardTraining`.
    /// - Returns: per-row saved statistics (R entries).
    @inlinable @discardableResult
    public static func forward<T: KernelScalar>(
        x: UnsafeBufferPointer<T>, rows: Int, features: Int,
        gamma: UnsafeBufferPointer<T>, beta: UnsafeBufferPointer<T>, epsilon: T,
        y: UnsafeMutableBufferPointer<T>, xhat: UnsafeMutableBufferPointer<T>? = nil,
        threads: Int = defaultKernelThreads
    ) throws(KernelError) -> SavedStatistics<T> {
        try _checkDim("rows", rows)
        try _checkDim("features", features)
        try _checkThreads(threads)
        let (total, o) = rows.multipliedReportingOverflow(by: features)
        if o { throw .invalidParameter(name: "rows·features", value: "\(rows)·\(features)", rule: "overflows Int") }
        try _checkCount("x", x.count, total)
        try _checkCount("y", y.count, total)
        if let xh = xhat { try _checkCount("xhat", xh.count, total) }
        try _checkCount("gamma", gamma.count, features)
        try _checkCount("beta", beta.count, features)
        try _checkEpsilon(epsilon)
        let D = features
        let eps = epsilon._double
        let table = _StatsTable(rows)
        let xp = x.baseAddress!
        let yp = _SendPtr(y.baseAddress!)
        let xhp = xhat.map { _SendPtr($0.baseAddress!) }
        let gp = gamma.baseAddress!
        let bp = beta.baseAddress!
        _parallelFor(rows, threads: threads) { r in
            for row in r {
                let xr = xp + row * D
                var acc = _Acc()
                _runSum(xr, D, &acc)
                let st = _Stats(
                    sum: acc.total, m: D,
                    centred: { mean in
                        var a2 = _Acc()
                        _runCentredSquares(xr, D, mean, &a2)
                        return _centredTotal(T.self, a2.total, mean, D)
                    }, eps: eps)
                table.stats[row] = st
                if st.invstd.isFinite {
                    _runNormalizeVec(xr, yp.p + row * D, xhp.map { $0.p + row * D }, D, st, gp, bp)
                }
            }
        }
        try table.fixRareGroups(
            T.self, x: xp, epsilon: eps, group: { _Group(base: $0 * D, runs: 1, len: D, stride: D) },
            y: yp.p, xhat: xhp?.p, gamma: gp, beta: bp, affine: { _, j in j })
        return table.saved(T.self)
    }

    /// Backward pass. With g = γ⊙dy per row: dx = invstd·(g − Σg/D − x̂·Σ(g·x̂)/D);
    /// dγ_j = Σ_rows dy·x̂, dβ_j = Σ_rows dy (summed in fixed row blocks, then across
    /// blocks in order with compensation).
    @inlinable
    public static func backward<T: KernelScalar>(
        dy: UnsafeBufferPointer<T>, source: NormalizedSource<T>, rows: Int, features: Int,
        gamma: UnsafeBufferPointer<T>,
        dx: UnsafeMutableBufferPointer<T>, dgamma: UnsafeMutableBufferPointer<T>, dbeta: UnsafeMutableBufferPointer<T>,
        threads: Int = defaultKernelThreads
    ) throws(KernelError) {
        try _checkDim("rows", rows)
        try _checkDim("features", features)
        try _checkThreads(threads)
        let (total, o) = rows.multipliedReportingOverflow(by: features)
        if o { throw .invalidParameter(name: "rows·features", value: "\(rows)·\(features)", rule: "overflows Int") }
        try _checkCount("dy", dy.count, total)
        try _checkCount(source._name, source._buffer.count, total)
        try _checkCount("dx", dx.count, total)
        try _checkCount("gamma", gamma.count, features)
        try _checkCount("dgamma", dgamma.count, features)
        try _checkCount("dbeta", dbeta.count, features)
        let saved = source._saved
        try saved._validate(rows)
        let D = features
        let blocks = (rows + _rowBlock - 1) / _rowBlock
        let Dp = (D + 7) & ~7
        // Per block: column partials Σdy and Σdy·x̂, each as a TwoSum pair (sum, error).
        let part = UnsafeMutablePointer<Double>.allocate(capacity: blocks * 4 * Dp)
        part.initialize(repeating: 0, count: blocks * 4 * Dp)
        defer { part.deallocate() }
        let pp = _SendPtr(part)
        let src = _XhatSource(source._buffer.baseAddress!, fromX: source._fromX)
        let dyp = dy.baseAddress!
        let gp = gamma.baseAddress!
        let dxp = _SendPtr(dx.baseAddress!)
        // Rows outside the fast path's range (see `_backwardNeedsSlowPath`) are done
        // after it, on the slow path, and added to their block's partials then.
        let slow = (0..<rows).filter {
            _backwardNeedsSlowPath(
                invstd: saved.invstd[$0], variance: saved.variance[$0], dgamma: 0, dbeta: 0, fromX: src.fromX)
        }
        let isSlow: Set<Int> = Set(slow)
        _parallelFor(blocks, threads: threads) { r in
            for b in r {
                let colB = pp.p + b * 4 * Dp
                let colG = colB + 2 * Dp
                for row in (b * _rowBlock)..<min(rows, (b + 1) * _rowBlock)
                where isSlow.isEmpty || !isSlow.contains(row) {
                    let o = row * D
                    let mean = saved._mean(row)
                    let iv = saved.invstd[row]._double
                    _lnRowBackward(
                        dyp + o, _XhatSource(src.p + o, fromX: src.fromX), dxp.p + o, D,
                        mean, iv, gp, colB, colG)
                }
            }
        }
        // Their dβ terms join the block partials; their dγ terms are summed apart, in
        // scaled units (x̂ may be subnormal), and added at the end.
        var slowG = [_ScaledSum](repeating: _ScaledSum(), count: slow.isEmpty ? 0 : D)
        for row in slow {
            let colB = part + (row / _rowBlock) * 4 * Dp
            _ = _slowBackwardGroup(
                dyp, src, _Group(base: row * D, runs: 1, len: D, stride: D), invstd: saved.invstd[row],
                dxp.p, gp, { $0 },
                each: { j, d, dt, e in
                    _colAddScalar(colB, j, D, d)
                    slowG[j].add(DoubleWord(dt), exponent: e)
                })
        }
        // Merge block partials in block order (compensated), 8 features at a time.
        var j = 0
        while j < Dp {
            var sB = SIMD8<Double>()
            var cB = SIMD8<Double>()
            var sG = SIMD8<Double>()
            var cG = SIMD8<Double>()
            for b in 0..<blocks {
                let colB = UnsafePointer(part + b * 4 * Dp)
                let colG = colB + 2 * Dp
                _twoSumAcc(&sB, &cB, _load8(colB + j))
                cB += _load8(colB + Dp + j)
                _twoSumAcc(&sG, &cG, _load8(colG + j))
                cG += _load8(colG + Dp + j)
            }
            for l in 0..<8 where j + l < D {
                dbeta[j + l] = T(_rounding: sB[l] + cB[l])
                if slowG.isEmpty {
                    dgamma[j + l] = T(_rounding: sG[l] + cG[l])
                } else {
                    var t = slowG[j + l]
                    t.add(DoubleWord.twoSum(sG[l], cG[l]), exponent: 0)
                    dgamma[j + l] = T(_rounding: t.value)
                }
            }
            j += 8
        }
    }
}

/// Adds 8 lanes to a column partial stored as sums at `col[i]` and TwoSum errors at
/// `col[Dp + i]` (Dp = D rounded up to 8).
@inlinable @inline(__always)
func _colAdd(_ col: UnsafeMutablePointer<Double>, _ i: Int, _ D: Int, _ v: SIMD8<Double>) {
    let e = col + ((D + 7) & ~7)
    var s = _load8(UnsafePointer(col + i))
    var c = _load8(UnsafePointer(e + i))
    _twoSumAcc(&s, &c, v)
    _store8(s, col + i)
    _store8(c, e + i)
}

@inlinable @inline(__always)
func _colAddScalar(_ col: UnsafeMutablePointer<Double>, _ i: Int, _ D: Int, _ v: Double) {
    let e = col + ((D + 7) & ~7)
    let t = DoubleWord.twoSum(col[i], v)
    col[i] = t.hi
    e[i] += t.lo
}

/// One row of the layer-norm backward pass; adds the row's dy and dy·x̂ to the
/// column partials.
@inlinable
func _lnRowBackward<T: KernelScalar>(
    _ dy: UnsafePointer<T>, _ src: _XhatSource<T>, _ dx: UnsafeMutablePointer<T>, _ D: Int,
    _ mean: DoubleWord, _ invstd: Double, _ gamma: UnsafePointer<T>,
    _ colB: UnsafeMutablePointer<Double>, _ colG: UnsafeMutablePointer<Double>
) {
    let mh = SIMD8<Double>(repeating: mean.hi)
    let ml = SIMD8<Double>(repeating: mean.lo)
    let iv = SIMD8<Double>(repeating: invstd)
    var s1 = SIMD8<Double>()
    var c1 = SIMD8<Double>()
    var s2 = SIMD8<Double>()
    var c2 = SIMD8<Double>()
    var t1 = DoubleWord(0)
    var t2 = DoubleWord(0)
    var i = 0
    while i &+ 8 <= D {
        let d = T._widen8(dy + i)
        let t = src.fromX ? ((T._widen8(src.p + i) - mh) - ml) * iv : T._widen8(src.p + i)
        let dt = d * t
        let g = T._widen8(gamma + i)
        if T._needsCompensation {
            _twoSumAcc(&s1, &c1, g * d)
            _twoSumAcc(&s2, &c2, g * dt)
        } else {
            s1 += g * d
            s2 += g * dt
        }
        _colAdd(colB, i, D, d)
        _colAdd(colG, i, D, dt)
        i &+= 8
    }
    while i < D {
        let d = dy[i]._double
        let t = src.fromX ? ((src.p[i]._double - mean.hi) - mean.lo) * invstd : src.p[i]._double
        let g = gamma[i]._double
        t1 = t1.adding(g * d)
        t2 = t2.adding(g * d * t)
        _colAddScalar(colB, i, D, d)
        _colAddScalar(colG, i, D, d * t)
        i &+= 1
    }
    let S1 = DoubleWord.merging(s1, c1).adding(t1).hi
    let S2 = DoubleWord.merging(s2, c2).adding(t2).hi
    let q = invstd * (S1 / Double(D))
    let r = invstd * (S2 / Double(D))
    let qv = SIMD8<Double>(repeating: q)
    let rv = SIMD8<Double>(repeating: r)
    i = 0
    while i &+ 8 <= D {
        let t = src.fromX ? ((T._widen8(src.p + i) - mh) - ml) * iv : T._widen8(src.p + i)
        let p = iv * T._widen8(gamma + i)
        _store8(T._narrow8(p * T._widen8(dy + i) - (qv + t * rv)), dx + i)
        i &+= 8
    }
    while i < D {
        let t = src.fromX ? ((src.p[i]._double - mean.hi) - mean.lo) * invstd : src.p[i]._double
        dx[i] = T(_rounding: (invstd * gamma[i]._double) * dy[i]._double - (q + t * r))
        i &+= 1
    }
}
