@_exported import SplitMix

// Dropout with an explicit mask (1 = keep).

/// How dropout scales kept values.
public enum DropoutScaling: Sendable, Equatable {
    /// Training: y = x·mask·s with s = fl(1/fl(1 − p)) (the scale is rounded once to
    /// `T`, then each kept x is multiplied by it, as PyTorch's CPU path does);
    /// evaluation: y = x. Needs p ∈ [0, 1).
    case inverted
    /// Training: y = x·mask; evaluation: y = x·fl(1 − p). Needs p ∈ [0, 1].
    case plain
}

/// Dropout forward/backward over contiguous buffers with a given mask, and mask
/// generation from `SplitMix64`.
///
/// A mask byte is "keep" when it is non-zero. A dropped value is x·0, so a dropped
/// ±∞ or NaN input gives NaN, as x·mask does in IEEE arithmetic.
public enum Dropout {
    @inlinable
    static func _check<T: KernelScalar>(_ p: T, _ scaling: DropoutScaling) throws(KernelError) {
        switch scaling {
        case .inverted:
            if !(p >= 0 && p < 1) {
                throw .probabilityOutOfRange(p: p._double, rule: "inverted dropout needs 0 ≤ p < 1")
            }
        case .plain:
            if !(p >= 0 && p <= 1) { throw .probabilityOutOfRange(p: p._double, rule: "dropout needs 0 ≤ p ≤ 1") }
        }
    }

    /// The training-time factor applied to kept values: fl(1/fl(1 − p)) for
    /// `.inverted`, 1 for `.plain`.
    @inlinable
    public static func trainScale<T: KernelScalar>(p: T, scaling: DropoutScaling) -> T {
        scaling == .inverted ? 1 / (1 - p) : 1
    }

    /// Training forward: y = x·mask·scale (see `DropoutScaling`).
    @inlinable
    public static func forwardTraining<T: KernelScalar>(
        x: UnsafeBufferPointer<T>, mask: UnsafeBufferPointer<UInt8>, p: T, scaling: DropoutScaling,
        y: UnsafeMutableBufferPointer<T>, threads: Int = defaultKernelThreads
    ) throws(KernelError) {
        try _check(p, scaling)
        try _checkThreads(threads)
        try _checkCount("mask", mask.count, x.count)
        try _checkCount("y", y.count, x.count)
        _masked(x.baseAddress, mask.baseAddress, trainScale(p: p, scaling: scaling), y.baseAddress, x.count, threads)
    }

    /// Backward: dx = dy·mask·scale, the same map as the training forward.
    @inlinable
    public static func backward<T: KernelScalar>(
        dy: UnsafeBufferPointer<T>, mask: UnsafeBufferPointer<UInt8>, p: T, scaling: DropoutScaling,
        dx: UnsafeMutableBufferPointer<T>, threads: Int = defaultKernelThreads
    ) throws(KernelError) {
        try forwardTraining(x: dy, mask: mask, p: p, scaling: scaling, y: dx, threads: threads)
    }

    /// Training forward with a `Bool` mask (`true` = keep).
    @inlinable
    public static func forwardTraining<T: KernelScalar>(
        x: UnsafeBufferPointer<T>, mask: UnsafeBufferPointer<Bool>, p: T, scaling: DropoutScaling,
        y: UnsafeMutableBufferPointer<T>, threads: Int = defaultKernelThreads
    ) throws(KernelError) {
        // Bool is one byte holding 0 or 1.
        let raw = UnsafeRawBufferPointer(mask)
        try forwardTraining(
            x: x, mask: raw.assumingMemoryBound(to: UInt8.self), p: p, scaling: scaling,
            y: y, threads: threads)
    }

    /// Backward with a `Bool` mask (`true` = keep).
    @inlinable
    public static func backward<T: KernelScalar>(
        dy: UnsafeBufferPointer<T>, mask: UnsafeBufferPointer<Bool>, p: T, scaling: DropoutScaling,
        dx: UnsafeMutableBufferPointer<T>, threads: Int = defaultKernelThreads
    ) throws(KernelError) {
        try forwardTraining(x: dy, mask: mask, p: p, scaling: scaling, y: dx, threads: threads)
    }

    /// Evaluation forward: y = x (`.inverted`) or y = x·fl(1 − p) (`.plain`).
    @inlinable
    public static func forwardEval<T: KernelScalar>(
        x: UnsafeBufferPointer<T>, p: T, scaling: DropoutScaling,
        y: UnsafeMutableBufferPointer<T>, threads: Int = defaultKernelThreads
    ) throws(KernelError) {
        try _check(p, scaling)
        try _checkThreads(threads)
        try _checkCount("y", y.count, x.count)
        guard let xp = x.baseAddress, let yb = y.baseAddress else { return }
        let s: T = scaling == .inverted ? 1 : 1 - p
        let yp = _SendPtr(yb)
        let n = x.count
        let chunk = 1 << 16
        _parallelFor((n + chunk - 1) / chunk, threads: threads) { r in
            let lo = r.lowerBound * chunk
            let hi = min(n, r.upperBound * chunk)
            _affine(xp + lo, yp.p + lo, hi - lo, s, 0)
        }
    }

    /// Fills `mask` with keep (1) / drop (0): element i is kept iff
    /// u_i ≥ p, where u_i = `SplitMix64.unit(SplitMix64.value(seed: seed, index: i))`,
    /// i.e. the (i+1)-th uniform of `SplitMix64(seed:)`. Identical for every thread count.
    @inlinable
    public static func fillMask(
        _ mask: UnsafeMutableBufferPointer<UInt8>, p: Double, seed: UInt64, threads: Int = defaultKernelThreads
    ) throws(KernelError) {
        if !(p >= 0 && p <= 1) { throw .probabilityOutOfRange(p: p, rule: "dropout needs 0 ≤ p ≤ 1") }
        try _checkThreads(threads)
        guard let mb = mask.baseAddress else { return }
        let mp = _SendPtr(mb)
        let n = mask.count
        let chunk = 1 << 16
        _parallelFor((n + chunk - 1) / chunk, threads: threads) { r in
            for i in (r.lowerBound * chunk)..<min(n, r.upperBound * chunk) {
                mp.p[i] = SplitMix64.unit(SplitMix64.value(seed: seed, index: i)) >= p ? 1 : 0
            }
        }
    }

    /// A new mask of `count` elements; see `fillMask`.
    @inlinable
    public static func makeMask(count: Int, p: Double, seed: UInt64, threads: Int = defaultKernelThreads)
        throws(KernelError) -> [UInt8]
    {
        if count < 0 { throw .emptyDimension(name: "count", value: count) }
        var m = [UInt8](repeating: 0, count: count)
        try m.withUnsafeMutableBufferPointer { (b) throws(KernelError) in
            try fillMask(b, p: p, seed: seed, threads: threads)
        }
        return m
    }
}

@inlinable
func _masked<T: KernelScalar>(
    _ x: UnsafePointer<T>?, _ mask: UnsafePointer<UInt8>?, _ s: T,
    _ y: UnsafeMutablePointer<T>?, _ n: Int, _ threads: Int
) {
    guard let xp = x, let mp = mask, let yb = y else { return }
    let yp = _SendPtr(yb)
    let chunk = 1 << 16
    _parallelFor((n + chunk - 1) / chunk, threads: threads) { r in
        let lo = r.lowerBound * chunk
        let hi = min(n, r.upperBound * chunk)
        let sv = SIMD8<T>(repeating: s)
        let one = SIMD8<UInt8>(repeating: 1)
        var i = lo
        while i &+ 8 <= hi {
            let m = UnsafeRawPointer(mp + i).loadUnaligned(as: SIMD8<UInt8>.self)
            let k = SIMD8<T>(pointwiseMin(m, one))
            _store8(_load8(xp + i) * (k * sv), yp.p + i)
            i &+= 8
        }
        while i < hi {
            yp.p[i] = xp[i] * ((mp[i] != 0 ? 1 : 0) * s)
            i &+= 1
        }
    }
}
