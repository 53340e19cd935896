// The scalar types the kernels run on, and the double-word arithmetic they use
// to carry statistics in more than working precision.

/// A floating-point type the kernels are specialised for: `Float` or `Double`.
///
/// Every kernel is `@inlinable` and generic over `KernelScalar`, so a call from a
/// concrete `Float` or `Double` context is specialised at the call site. Statistics
/// are always accumulated in `Double` (exact widening for `Float`); the requirements
/// below are the lane conversions the hot loops need.
public protocol KernelScalar: BinaryFloatingPoint, SIMDScalar, Sendable, Codable, CustomStringConvertible {
    /// Loads 8 consecutive values (no alignment needed) and widens them exactly to `Double`.
    static func _widen8(_ p: UnsafePointer<Self>) -> SIMD8<Double>
    /// Rounds 8 `Double` lanes to `Self` (round to nearest, ties to even).
    static func _narrow8(_ v: SIMD8<Double>) -> SIMD8<Self>
    /// `true` when sums of products of this type need compensation in a `Double`
    /// accumulator (`Double`); `false` when `Double` is already wider (`Float`).
    static var _needsCompensation: Bool { get }
    /// The value as a `Double` (exact).
    var _double: Double { get }
    /// The `Double` rounded to `Self`.
    init(_rounding d: Double)
    /// A short name of the type: "f32" or "f64".
    static var dtypeName: String { get }
}

extension Float: KernelScalar {
    @inlinable @inline(__always)
    public static func _widen8(_ p: UnsafePointer<Float>) -> SIMD8<Double> {
        SIMD8<Double>(UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self))
    }
    @inlinable @inline(__always)
    public static func _narrow8(_ v: SIMD8<Double>) -> SIMD8<Float> { SIMD8<Float>(v) }
    @inlinable public static var _needsCompensation: Bool { false }
    @inlinable public var _double: Double { Double(self) }
    @inlinable public init(_rounding d: Double) { self = Float(d) }
    public static var dtypeName: String { "f32" }
}

extension Double: KernelScalar {
    @inlinable @inline(__always)
    public static func _widen8(_ p: UnsafePointer<Double>) -> SIMD8<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Double>.self)
    }
    @inlinable @inline(__always)
    public static func _narrow8(_ v: SIMD8<Double>) -> SIMD8<Double> { v }
    @inlinable public static var _needsCompensation: Bool { true }
    @inlinable public var _double: Double { self }
    @inlinable public init(_rounding d: Double) { self = d }
    public static var dtypeName: String { "f64" }
}

@inlinable @inline(__always)
func _store8<T: KernelScalar>(_ v: SIMD8<T>, _ p: UnsafeMutablePointer<T>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<T>.self)
}

@inlinable @inline(__always)
func _load8<T: KernelScalar>(_ p: UnsafePointer<T>) -> SIMD8<T> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<T>.self)
}

// MARK: - Error-free transformations and double-word numbers

/// TwoSum accumulation in 8 lanes: `s + c` carries the running sum; `c` collects the
/// exact rounding errors of the additions to `s` (Knuth's branch-free TwoSum).
@inlinable @inline(__always)
func _twoSumAcc(_ s: inout SIMD8<Double>, _ c: inout SIMD8<Double>, _ x: SIMD8<Double>) {
    let t = s + x
    let z = t - s
    c += (s - (t - z)) + (x - z)
    s = t
}

@inlinable @inline(__always)
func _twoSum4(_ s: inout SIMD4<Double>, _ c: inout SIMD4<Double>, _ x: SIMD4<Double>) {
    let t = s + x
    let z = t - s
    c += (s - (t - z)) + (x - z)
    s = t
}

@inlinable @inline(__always)
func _twoSum2(_ s: inout SIMD2<Double>, _ c: inout SIMD2<Double>, _ x: SIMD2<Double>) {
    let t = s + x
    let z = t - s
    c += (s - (t - z)) + (x - z)
    s = t
}

/// A double-word number `hi + lo` with `|lo| ≤ ulp(hi)/2`: about 106 significant bits.
public struct DoubleWord: Sendable, Equatable, CustomStringConvertible {
    /// The leading part (the value rounded to `Double`).
    public var hi: Double
    /// The trailing part.
    public var lo: Double

    @inlinable public init(_ hi: Double, _ lo: Double = 0) {
        self.hi = hi
        self.lo = lo
    }

    public var description: String { "\(hi) + \(lo)" }

    /// Exact sum `a + b` as a double-word (TwoSum).
    @inlinable @inline(__always)
    public static func twoSum(_ a: Double, _ b: Double) -> DoubleWord {
        let s = a + b
        let z = s - a
        return DoubleWord(s, (a - (s - z)) + (b - z))
    }

    /// Exact product `a · b` as a double-word (via fused multiply-add).
    @inlinable @inline(__always)
    public static func twoProduct(_ a: Double, _ b: Double) -> DoubleWord {
        let p = a * b
        return DoubleWord(p, (-p).addingProduct(a, b))
    }

    /// `self + x`, error O(u²)·|result|.
    @inlinable @inline(__always)
    public func adding(_ x: Double) -> DoubleWord {
        let s = DoubleWord.twoSum(hi, x)
        let l = s.lo + lo
        let h = s.hi + l
        return DoubleWord(h, l - (h - s.hi))
    }

    /// `self + other`, error O(u²)·(|self| + |other|).
    @inlinable @inline(__always)
    public func adding(_ o: DoubleWord) -> DoubleWord {
        let s = DoubleWord.twoSum(hi, o.hi)
        let l = s.lo + (lo + o.lo)
        let h = s.hi + l
        return DoubleWord(h, l - (h - s.hi))
    }

    /// `self / d` for a `Double` divisor, error O(u²)·|result|.
    @inlinable
    public func divided(by d: Double) -> DoubleWord {
        let q1 = hi / d
        let p = DoubleWord.twoProduct(q1, d)
        // hi − p.hi is exact (Sterbenz); the rest is O(u)·|hi|.
        let r = ((hi - p.hi) - p.lo) + lo
        let q2 = r / d
        let h = q1 + q2
        return DoubleWord(h, q2 - (h - q1))
    }

    /// `self · d` for a `Double` factor, error O(u²)·|result|.
    @inlinable
    public func multiplied(by d: Double) -> DoubleWord {
        let p = DoubleWord.twoProduct(hi, d)
        let l = p.lo + lo * d
        let h = p.hi + l
        return DoubleWord(h, l - (h - p.hi))
    }

    /// `1/√self` rounded to `Double`: one Newton step carried out in double-word
    /// arithmetic, so the result is within 0.5 ulp + O(u²) of the exact value.
    @inlinable
    public func reciprocalSquareRoot() -> Double {
        let r0 = 1 / hi.squareRoot()
        let r2 = DoubleWord.twoProduct(r0, r0)
        let t = DoubleWord.twoProduct(hi, r2.hi)
        // e = 1 − self·r0², computed to O(u²).
        let e = ((1 - t.hi) - t.lo) - hi * r2.lo - lo * r2.hi
        return r0 + r0 * (0.5 * e)
    }

    /// Lane-wise merge of 8 TwoSum accumulators `(s, c)` into one double-word.
    /// Folds the halves together with vector TwoSums (8 → 4 → 2 → 1 lanes); the
    /// exact errors join the compensation lanes, which are summed last.
    @inlinable
    static func merging(_ s: SIMD8<Double>, _ c: SIMD8<Double>) -> DoubleWord {
        var s4 = s.lowHalf
        var c4 = c.lowHalf + c.highHalf
        _twoSum4(&s4, &c4, s.highHalf)
        var s2 = s4.lowHalf
        var c2 = c4.lowHalf + c4.highHalf
        _twoSum2(&s2, &c2, s4.highHalf)
        let t = DoubleWord.twoSum(s2[0], s2[1])
        return DoubleWord.twoSum(t.hi, t.lo + (c2[0] + c2[1]))
    }
}
