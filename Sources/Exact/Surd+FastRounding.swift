internal import CGMP

/// A fast, still exact, path for rounding a quadratic surd a + c·√n to a
/// float: one fixed-point evaluation in GMP integers on a few scratch
/// `mpz_t`, instead of the general enclosure with rational arithmetic.
///
/// With s chosen so that |v|·2^s ≈ 2^80:
///   X = ⌊a·2^s⌋,  R = ⌊√(n·4^t)⌋ with t = s + g,  Y = ⌊c·R/2^g⌋,
/// where 2^g > 2|c| makes the error of R contribute < ½. Then
/// |v·2^s − (X + Y)| < 2.5, so v lies in [(Z − 3)/2^s, (Z + 3)/2^s] with
/// Z = X + Y. If both ends round to the same float (they do unless v is
/// within a few units of 2^−80·|v| of a rounding boundary), that float is
/// the correctly rounded value; otherwise the caller falls back to the
/// general path. Results outside the normal range also fall back.
extension Surd {
    func fastRounded<F: BinaryFloatingPoint>(to _: F.Type) -> F?
    where F.RawSignificand: FixedWidthInteger, F.RawExponent: FixedWidthInteger {
        guard terms.count == 1, F.significandBitCount + 1 <= 53 else { return nil }
        let term = terms[0]
        return rational.withUnsafeMPQPointer { a in
            term.coefficient.withUnsafeMPQPointer { c in
                term.radicand.withUnsafeMPZPointer { n in
                    Surd.fastRounded(a: a, c: c, n: n, as: F.self)
                }
            }
        }
    }

    /// The fixed-point evaluation of a + c·√n, with the three C values lent
    /// for the duration of the call.
    private static func fastRounded<F: BinaryFloatingPoint>(
        a: UnsafePointer<__mpq_struct>, c: UnsafePointer<__mpq_struct>, n: UnsafePointer<__mpz_struct>, as _: F.Type
    ) -> F?
    where F.RawSignificand: FixedWidthInteger, F.RawExponent: FixedWidthInteger {
        let aEstimate = __gmpq_get_d(a)
        let cEstimate = __gmpq_get_d(c)
        let nEstimate = __gmpz_get_d(n)
        guard aEstimate.isFinite, cEstimate.isFinite, cEstimate != 0, nEstimate.isFinite, nEstimate > 0 else {
            return nil
        }
        let estimate = aEstimate + cEstimate * nEstimate.squareRoot()
        guard estimate.isFinite, estimate != 0 else { return nil }
        var s = 80 - Int(estimate.exponent)
        let g = max(0, Int(cEstimate.exponent) + 2)

        // Scratch integers owned by this call.
        let scratch = UnsafeMutablePointer<__mpz_struct>.allocate(capacity: 5)
        for index in 0..<5 { __gmpz_init(scratch + index) }
        defer {
            for index in 0..<5 { __gmpz_clear(scratch + index) }
            scratch.deallocate()
        }
        let x = scratch
        let y = scratch + 1
        let root = scratch + 2
        let z = scratch + 3
        let top = scratch + 4
        for _ in 0..<3 {
            guard s >= 0, s < 1 << 20 else { return nil }
            // X = ⌊a·2^s⌋
            if cgmp_mpq_sgn(a) == 0 {
                __gmpz_set_ui(x, 0)
            } else {
                __gmpz_mul_2exp(x, cgmp_mpq_numref_const(a), mp_bitcnt_t(s))
                __gmpz_fdiv_q(x, x, cgmp_mpq_denref_const(a))
            }
            // R = ⌊√(n·4^t)⌋, Y = ⌊c_num·R / (c_den·2^g)⌋
            __gmpz_mul_2exp(root, n, mp_bitcnt_t(2 * (s + g)))
            __gmpz_sqrt(root, root)
            __gmpz_mul(y, root, cgmp_mpq_numref_const(c))
            __gmpz_mul_2exp(root, cgmp_mpq_denref_const(c), mp_bitcnt_t(g))
            __gmpz_fdiv_q(y, y, root)
            __gmpz_add(z, x, y)
            let bits = cgmp_mpz_sgn(z) == 0 ? 0 : Int(__gmpz_sizeinbase(z, 2))
            if bits >= 72 {
                let negative = cgmp_mpz_sgn(z) < 0
                __gmpz_abs(z, z)
                __gmpz_sub_ui(z, z, 3)
                guard let low = Surd.roundedScaled(z, shift: s, scratch: top, as: F.self) else { return nil }
                __gmpz_add_ui(z, z, 6)
                guard let high = Surd.roundedScaled(z, shift: s, scratch: top, as: F.self), low == high else {
                    return nil
                }
                return negative ? -low : low
            }
            // Cancellation: the estimate was too large; scale up and retry.
            s += 80 - max(bits, 1)
        }
        return nil
    }

    /// The float nearest to k·2^−shift for an integer k ≥ 2^64, or nil when
    /// the result is not a normal float.
    private static func roundedScaled<F: BinaryFloatingPoint>(
        _ k: UnsafeMutablePointer<__mpz_struct>, shift: Int,
        scratch top: UnsafeMutablePointer<__mpz_struct>, as _: F.Type
    ) -> F?
    where F.RawSignificand: FixedWidthInteger, F.RawExponent: FixedWidthInteger {
        let bits = Int(__gmpz_sizeinbase(k, 2))
        guard bits > 64 else { return nil }
        let drop = bits - 64
        let exponent = bits - 1 - shift
        guard exponent > Int(F.leastNormalMagnitude.exponent) + 1,
            exponent < Int(F.greatestFiniteMagnitude.exponent) - 1
        else { return nil }
        __gmpz_tdiv_q_2exp(top, k, mp_bitcnt_t(drop))
        var word = UInt64(__gmpz_getlimbn(top, 0))
        // A set sticky bit below the rounding position turns a false tie into
        // "above half", as the dropped bits say.
        if Int(__gmpz_scan1(k, 0)) < drop { word |= 1 }
        let rounded = F(word) // nearest, ties to even
        return F(sign: .plus, exponent: F.Exponent(drop - shift), significand: rounded)
    }
}
