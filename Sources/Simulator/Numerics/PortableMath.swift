/// exp, log, sin, cos, tanh and the logistic function from +, −, ×, ÷ alone, in a
/// fixed order: the same bits on every IEEE-754 machine. The C library's versions
/// are accurate but not reproducible across libraries (glibc picks an FMA variant
/// at run time on CPUs that have one; macOS's libm is a different code), and a run
/// of the simulator must not depend on either. Accuracy: within a few ulp on the
/// ranges a network or a data generator uses (tests check against the C library).
public enum PortableMath {
    // ln 2 split so that k·ln2Hi is exact for |k| < 2¹¹ (fdlibm's constants).
    @usableFromInline static let ln2Hi = 6.931_471_803_691_238_164_90e-01
    @usableFromInline static let ln2Lo = 1.908_214_929_270_587_700_02e-10
    @usableFromInline static let log2e = 1.442_695_040_888_963_387_00

    /// eˣ.
    @inlinable
    public static func exp(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x > 709.782_712_893_384 { return .infinity }
        if x < -745.2 { return 0 }
        let k = (x * log2e).rounded(.toNearestOrEven)
        let r = (x - k * ln2Hi) - k * ln2Lo // |r| ≤ 0.3466
        // Taylor to r¹³/13!: the first omitted term is below 2⁻⁶⁰.
        var p = 1.0 / 6_227_020_800
        p = p * r + 1.0 / 479_001_600
        p = p * r + 1.0 / 39_916_800
        p = p * r + 1.0 / 3_628_800
        p = p * r + 1.0 / 362_880
        p = p * r + 1.0 / 40_320
        p = p * r + 1.0 / 5_040
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        return scaled(p, Int(k))
    }

    /// eˣ − 1, accurate near 0.
    @inlinable
    public static func expm1(_ x: Double) -> Double {
        guard abs(x) < 0.5 else { return exp(x) - 1 }
        // Σ_{n=1…18} xⁿ/n!: the first omitted term is below 2⁻⁷⁰.
        var p = inverseFactorials[18]
        var n = 17
        while n >= 1 {
            p = p * x + inverseFactorials[n]
            n -= 1
        }
        return p * x
    }

    /// 1/n! for n = 0…20, each a product of correctly rounded divisions in a fixed order.
    @usableFromInline static let inverseFactorials: [Double] = {
        var table = [1.0]
        var f = 1.0
        for n in 1...20 {
            f *= Double(n)
            table.append(1 / f)
        }
        return table
    }()

    /// p·2ᵏ, exact unless the result is subnormal (then one rounding).
    @inlinable
    static func scaled(_ p: Double, _ k: Int) -> Double {
        if k > 1023 { return p * Double(sign: .plus, exponent: 1023, significand: 1) * twoTo(k - 1023) }
        if k < -1020 { return p * Double(sign: .plus, exponent: -1020, significand: 1) * twoTo(k + 1020) }
        return p * twoTo(k)
    }

    @inlinable
    static func twoTo(_ k: Int) -> Double { Double(sign: .plus, exponent: k, significand: 1) }

    /// The natural logarithm; log 0 = −∞, log of a negative number = NaN.
    @inlinable
    public static func log(_ x: Double) -> Double {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x == .infinity { return x }
        var e = Double(x.exponent)
        var m = x.significand // [1, 2), subnormals included
        if m > 1.414_213_562_373_095_048_8 {
            m *= 0.5
            e += 1
        }
        // log m = 2·atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.1716: the series to s²³.
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        var p = 1.0 / 23
        var d = 21.0
        while d >= 1 {
            p = p * s2 + 1 / d
            d -= 2
        }
        return e * ln2Hi + (e * ln2Lo + 2 * s * p)
    }

    /// sin x and cos x together, for |x| < 2²⁰ (the data generators' angles).
    @inlinable
    public static func sinCos(_ x: Double) -> (sin: Double, cos: Double) {
        // x = k·π/2 + r, π/2 in three parts (Cody–Waite), |r| ≤ π/4.
        let k = (x * 0.636_619_772_367_581_343_08).rounded(.toNearestOrEven)
        let r =
            ((x - k * 1.570_796_326_734_125_614_17) - k * 6.077_100_506_506_192_249_85e-11)
            - k * 2.022_266_248_795_950_732_40e-21
        let r2 = r * r
        // sin r = r + r³·Σ_j (−1)^(j+1) r2^j/(2j+3)!, j ≤ 7; cos r = 1 − r2/2 + r2²·Σ_j (−1)^j r2^j/(2j+4)!,
        // j ≤ 6: the omitted terms are below 2⁻⁶⁰ for |r| ≤ π/4.
        var s = 0.0
        var j = 7
        while j >= 0 {
            s = s * r2 + (j % 2 == 0 ? -inverseFactorials[2 * j + 3] : inverseFactorials[2 * j + 3])
            j -= 1
        }
        var c = 0.0
        j = 6
        while j >= 0 {
            c = c * r2 + (j % 2 == 0 ? inverseFactorials[2 * j + 4] : -inverseFactorials[2 * j + 4])
            j -= 1
        }
        let sinR = r + r * r2 * s
        let cosR = 1 - 0.5 * r2 + r2 * r2 * c
        switch Int(k) & 3 {
        case 0: return (sinR, cosR)
        case 1: return (cosR, -sinR)
        case 2: return (-sinR, -cosR)
        default: return (-cosR, sinR)
        }
    }

    /// tanh x = expm1(2x)/(expm1(2x) + 2).
    @inlinable
    public static func tanh(_ x: Double) -> Double {
        if x > 20 { return 1 }
        if x < -20 { return -1 }
        let t = expm1(2 * x)
        return t / (t + 2)
    }

    /// The logistic function 1/(1 + e⁻ˣ).
    @inlinable
    public static func sigmoid(_ x: Double) -> Double {
        x >= 0
            ? 1 / (1 + exp(-x))
            : {
                let e = exp(x)
                return e / (1 + e)
            }()
    }
}
