// Group normalization (NCHW): statistics over (C/G)·H·W per (n, g); γ, β per channel.
// Instance normalization is group normalization with G = C.

/// Group normalization over NCHW inputs.
public enum GroupNorm {
    @inlinable
    static func _validate(_ n: Int, _ c: Int, _ h: Int, _ w: Int, _ groups: Int) throws(KernelError) -> Int {
        try _checkDim("N", n)
        try _checkDim("C", c)
        try _checkDim("H", h)
        try _checkDim("W", w)
        try _checkDim("groups", groups)
        if c % groups != 0 { throw .groupsDoNotDivideChannels(groups: groups, channels: c) }
        let (a, o1) = n.multipliedReportingOverflow(by: c)
        let (b, o2) = h.multipliedReportingOverflow(by: w)
        let (t, o3) = a.multipliedReportingOverflow(by: b)
        if o1 || o2 || o3 {
            throw .invalidParameter(name: "shape", value: "\(n)·\(c)·\(h)·\(w)", rule: "overflows Int")
        }
        return t
    }

    /// Forward pass. Per (n, g): μ, biased σ² over the (C/G)·H·W values, invstd,
    /// x̂ = ((x − μ_hi) − μ_lo)·invstd, y = γ_c·x̂ + β_c.
    /// - Returns: saved statistics for the N·G groups, index n·G + g.
    @inlinable @discardableResult
    public static func forward<T: KernelScalar>(
        x: UnsafeBufferPointer<T>, n: Int, c: Int, h: Int, w: Int, groups: Int,
        gamma: UnsafeBufferPointer<T>, beta: UnsafeBufferPointer<T>, epsilon: T,
        y: UnsafeMutableBufferPointer<T>, xhat: UnsafeMutableBufferPointer<T>? = nil,
        threads: Int = defaultKernelThreads
    ) throws(KernelError) -> SavedStatistics<T> {
        let total = try _validate(n, c, h, w, groups)
        try _checkThreads(threads)
        try _checkCount("x", x.count, total)
        try _checkCount("y", y.count, total)
        if let xh = xhat { try _checkCount("xhat", xh.count, total) }
        try _checkCount("gamma", gamma.count, c)
        try _checkCount("beta", beta.count, c)
        try _checkEpsilon(epsilon)
        let G = groups
        let cg = c / G
        let hw = h * w
        let len = cg * hw
        let eps = epsilon._double
        let table = _StatsTable(n * G)
        let xp = x.baseAddress!
        let yp = _SendPtr(y.baseAddress!)
        let xhp = xhat.map { _SendPtr($0.baseAddress!) }
        let gp = gamma.baseAddress!
        let bp = beta.baseAddress!
        _parallelFor(n * G, threads: threads) { r in
            for ng in r {
                let base = ng * len // (n·C + g·cg)·hw
                var acc = _Acc()
                _runSum(xp + base, len, &acc)
                let st = _Stats(
                    sum: acc.total, m: len,
                    centred: { mean in
                        var a2 = _Acc()
                        _runCentredSquares(xp + base, len, mean, &a2)
                        return _centredTotal(T.self, a2.total, mean, len)
                    }, eps: eps)
                table.stats[ng] = st
                if st.invstd.isFinite {
                    let c0 = (ng % G) * cg
                    for k in 0..<cg {
                        let o = base + k * hw
                        _runNormalize(xp + o, yp.p + o, xhp.map { $0.p + o }, hw, st, gp[c0 + k], bp[c0 + k])
                    }
                }
            }
        }
        try table.fixRareGroups(
            T.self, x: xp, epsilon: eps, group: { _Group(base: $0 * len, runs: 1, len: len, stride: len) },
            y: yp.p, xhat: xhp?.p, gamma: gp, beta: bp, affine: { ng, p in (ng % G) * cg + p / hw })
        return table.saved(T.self)
    }

    /// Backward pass. Per (n, g) with M = (C/G)·H·W and g = γ_c·dy:
    /// dx = invstd·(g − Σg/M − x̂·Σ(g·x̂)/M); dγ_c = Σ_{n,hw} dy·x̂, dβ_c = Σ dy
    /// (per-(n, c) partials summed over n in order, compensated).
    @inlinable
    public static func backward<T: KernelScalar>(
        dy: UnsafeBufferPointer<T>, source: NormalizedSource<T>, n: Int, c: Int, h: Int, w: Int, groups: Int,
        gamma: UnsafeBufferPointer<T>,
        dx: UnsafeMutableBufferPointer<T>, dgamma: UnsafeMutableBufferPointer<T>, dbeta: UnsafeMutableBufferPointer<T>,
        threads: Int = defaultKernelThreads
    ) throws(KernelError) {
        let total = try _validate(n, c, h, w, groups)
        try _checkThreads(threads)
        try _checkCount("dy", dy.count, total)
        try _checkCount(source._name, source._buffer.count, total)
        try _checkCount("dx", dx.count, total)
        try _checkCount("gamma", gamma.count, c)
        try _checkCount("dgamma", dgamma.count, c)
        try _checkCount("dbeta", dbeta.count, c)
        let saved = source._saved
        try saved._validate(n * groups)
        let G = groups
        let cg = c / G
        let hw = h * w
        let len = cg * hw
        let M = Double(len)
        // Per (n, c): Σdy and Σdy·x̂ as double-words.
        let part = UnsafeMutablePointer<DoubleWord>.allocate(capacity: 2 * n * c)
        part.initialize(repeating: DoubleWord(0), count: 2 * n * c)
        defer { part.deallocate() }
        let pp = _SendPtr(part)
        let src = _XhatSource(source._buffer.baseAddress!, fromX: source._fromX)
        let dyp = dy.baseAddress!
        let gp = gamma.baseAddress!
        let dxp = _SendPtr(dx.baseAddress!)
        _parallelFor(n * G, threads: threads) { r in
            for ng in r {
                let base = ng * len
                let c0 = (ng % G) * cg
                let nc0 = ng * cg
                let mean = saved._mean(ng)
                let iv = saved.invstd[ng]._double
                var S1 = DoubleWord(0)
                var S2 = DoubleWord(0)
                for k in 0..<cg {
                    let o = base + k * hw
                    var a1 = _Acc()
                    var a2 = _Acc()
                    _runBackwardSums(dyp + o, _XhatSource(src.p + o, fromX: src.fromX), hw, mean, iv, &a1, &a2)
                    let b1 = a1.total
                    let b2 = _dotXhat(a2.total, b1, mean, iv, fromX: src.fromX)
                    pp.p[nc0 + k] = b1
                    pp.p[n * c + nc0 + k] = b2
                    let gk = gp[c0 + k]._double
                    S1 = S1.adding(b1.multiplied(by: gk))
                    S2 = S2.adding(b2.multiplied(by: gk))
                }
                let q = iv * (S1.hi / M)
                let rr = iv * (S2.hi / M)
                for k in 0..<cg {
                    let o = base + k * hw
                    _runBackwardApply(
                        dyp + o, _XhatSource(src.p + o, fromX: src.fromX), dxp.p + o, hw,
                        mean, iv, iv * gp[c0 + k]._double, q, rr)
                }
            }
        }
        // Groups outside the fast path's range (see `_backwardNeedsSlowPath`): dx and
        // the group's per-channel partials again, on the slow path (dγ's in scaled units).
        var slowG = [Int: _ScaledSum]()
        for ng in 0..<(n * G) {
            let nc0 = ng * cg
            var finite = true
            for k in 0..<cg where !(part[nc0 + k].hi.isFinite && part[n * c + nc0 + k].hi.isFinite) { finite = false }
            if finite
                && !_backwardNeedsSlowPath(
                    invstd: saved.invstd[ng], variance: saved.variance[ng], dgamma: 0, dbeta: 0,
                    fromX: src.fromX)
            {
                continue
            }
            let c0 = (ng % G) * cg
            var sums = [DoubleWord](repeating: DoubleWord(0), count: cg)
            var scaled = [_ScaledSum](repeating: _ScaledSum(), count: cg)
            _ = _slowBackwardGroup(
                dyp, src, _Group(base: ng * len, runs: 1, len: len, stride: len), invstd: saved.invstd[ng],
                dxp.p, gp, { c0 + $0 / hw },
                each: { p, d, dt, e in
                    let k = p / hw
                    sums[k] = sums[k].adding(d)
                    scaled[k].add(DoubleWord(dt), exponent: e)
                })
            for k in 0..<cg {
                part[nc0 + k] = sums[k]
                slowG[nc0 + k] = scaled[k]
            }
        }
        for ch in 0..<c {
            var b = DoubleWord(0)
            var g = DoubleWord(0)
            var gs = _ScaledSum()
            var anySlow = false
            for i in 0..<n {
                b = b.adding(part[i * c + ch])
                if let t = slowG[i * c + ch] {
                    anySlow = true
                    gs.add(t.s, exponent: t.e == Int.min ? 0 : t.e)
                } else {
                    g = g.adding(part[n * c + i * c + ch])
                }
            }
            dbeta[ch] = T(_rounding: b.hi)
            if anySlow { gs.add(g, exponent: 0) }
            dgamma[ch] = T(_rounding: anySlow ? gs.value : g.hi)
        }
    }
}

/// Instance normalization: group normalization with one channel per group (G = C).
public enum InstanceNorm {
    /// Forward pass; statistics per (n, c). See `GroupNorm.forward`.
    @inlinable @discardableResult
    public static func forward<T: KernelScalar>(
        x: UnsafeBufferPointer<T>, n: Int, c: Int, h: Int, w: Int,
        gamma: UnsafeBufferPointer<T>, beta: UnsafeBufferPointer<T>, epsilon: T,
        y: UnsafeMutableBufferPointer<T>, xhat: UnsafeMutableBufferPointer<T>? = nil,
        threads: Int = defaultKernelThreads
    ) throws(KernelError) -> SavedStatistics<T> {
        try GroupNorm.forward(
            x: x, n: n, c: c, h: h, w: w, groups: c, gamma: gamma, beta: beta,
            epsilon: epsilon, y: y, xhat: xhat, threads: threads)
    }

    /// Backward pass. See `GroupNorm.backward`.
    @inlinable
    public static func backward<T: KernelScalar>(
        dy: UnsafeBufferPointer<T>, source: NormalizedSource<T>, n: Int, c: Int, h: Int, w: Int,
        gamma: UnsafeBufferPointer<T>,
        dx: UnsafeMutableBufferPointer<T>, dgamma: UnsafeMutableBufferPointer<T>, dbeta: UnsafeMutableBufferPointer<T>,
        threads: Int = defaultKernelThreads
    ) throws(KernelError) {
        try GroupNorm.backward(
            dy: dy, source: source, n: n, c: c, h: h, w: w, groups: c, gamma: gamma,
            dx: dx, dgamma: dgamma, dbeta: dbeta, threads: threads)
    }
}
