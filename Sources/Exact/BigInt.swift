internal import CGMP

/// An arbitrary-precision integer over GMP's `mpz_t`, with value semantics.
///
/// The shape of swift-crypto's `ArbitraryPrecisionInteger`: a struct over a
/// private final class that owns the C value (initialised once, cleared in
/// `deinit`). The C value is reached only inside `withUnsafeMPZPointer` /
/// `withUnsafeMutableMPZPointer` closures, and the mutating one copies the
/// value first (with `mpz_init_set`, never bitwise) when the storage is
/// shared. A shared value is never written, hence `Sendable`.
public struct BigInt: @unchecked Sendable {
    /// One allocation holding the object header and the C struct (tail
    /// allocated, so its address is stable and reached without exclusivity
    /// checks); GMP allocates the limbs.
    private final class Storage: ManagedBuffer<Void, __mpz_struct> {
        static func make() -> Storage {
            let storage = unsafeDowncast(Storage.create(minimumCapacity: 1) { _ in }, to: Storage.self)
            storage.withUnsafeMutablePointerToElements { __gmpz_init($0) }
            return storage
        }

        static func make(copying other: Storage) -> Storage {
            let storage = unsafeDowncast(Storage.create(minimumCapacity: 1) { _ in }, to: Storage.self)
            other.withUnsafeMutablePointerToElements { source in
                storage.withUnsafeMutablePointerToElements { __gmpz_init_set($0, source) }
            }
            return storage
        }

        deinit {
            withUnsafeMutablePointerToElements { __gmpz_clear($0) }
        }
    }

    private var storage: Storage

    private init(storage: Storage) { self.storage = storage }

    /// Read access to the C value, for the duration of `body` only.
    @inline(__always)
    func withUnsafeMPZPointer<R>(_ body: (UnsafePointer<__mpz_struct>) throws -> R) rethrows -> R {
        try storage.withUnsafeMutablePointerToElements { try body(UnsafePointer($0)) }
    }

    /// Write access to the C value, for the duration of `body` only; a value
    /// whose storage is shared is copied first.
    @inline(__always)
    mutating func withUnsafeMutableMPZPointer<R>(_ body: (UnsafeMutablePointer<__mpz_struct>) throws -> R) rethrows
        -> R
    {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage.make(copying: storage) }
        return try storage.withUnsafeMutablePointerToElements(body)
    }

    /// A fresh value written by `body` into an initialised `mpz_t`.
    @inline(__always)
    static func make(_ body: (UnsafeMutablePointer<__mpz_struct>) throws -> Void) rethrows -> BigInt {
        let storage = Storage.make()
        try storage.withUnsafeMutablePointerToElements(body)
        return BigInt(storage: storage)
    }

    /// A fresh value computed from this one.
    @inline(__always)
    func map(_ body: (UnsafeMutablePointer<__mpz_struct>, UnsafePointer<__mpz_struct>) -> Void) -> BigInt {
        withUnsafeMPZPointer { source in BigInt.make { body($0, source) } }
    }

    /// A fresh value computed from two.
    @inline(__always)
    static func combine(
        _ lhs: BigInt, _ rhs: BigInt,
        _ body: (UnsafeMutablePointer<__mpz_struct>, UnsafePointer<__mpz_struct>, UnsafePointer<__mpz_struct>) -> Void
    ) -> BigInt {
        lhs.withUnsafeMPZPointer { a in rhs.withUnsafeMPZPointer { b in BigInt.make { body($0, a, b) } } }
    }

    public init() { self.init(storage: Storage.make()) }

    public init(_ value: Int) {
        self = .make { __gmpz_set_si($0, value) }
    }

    public init(_ value: UInt) {
        self = .make { __gmpz_set_ui($0, value) }
    }

    /// Parses an optionally signed integer in the given base (2…36); nil for
    /// anything else (`init(parsing:radix:)` says why).
    public init?(_ text: String, radix: Int = 10) {
        guard let value = try? BigInt(parsing: text, radix: radix) else { return nil }
        self = value
    }

    /// Parses an optionally signed integer in the given base (2…36), within
    /// `ExactLimits.bitsPerValue` bits; the error names the text and the rule.
    public init(parsing text: String, radix: Int = 10) throws {
        guard (2...36).contains(radix) else {
            throw ExactError.unparsable(text, reason: "radix \(radix) is outside 2…36")
        }
        var reader = NumberReader(text)
        let negative = reader.consumeSign()
        var digits: [UInt8] = []
        while let byte = reader.current, byte.isASCIILetterOrDigit, Int(byte.asciiDigitValue) < radix {
            digits.append(byte)
            _ = reader.consume(byte)
        }
        guard !digits.isEmpty, reader.isAtEnd else {
            throw reader.unexpected(expecting: "base-\(radix) digits")
        }
        // An upper bound on the bits: log2(10) < 3.322, ⌈log2(radix)⌉ per digit otherwise.
        let bitsPerDigitBound = Int.bitWidth - (radix - 1).leadingZeroBitCount
        try reader.charge(
            bits: radix == 10 ? NumberReader.bits(decimalDigits: digits.count) : digits.count * bitsPerDigitBound)
        let storage = Storage.make()
        storage.withUnsafeMutablePointerToElements { z in
            (digits + [0]).withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { _ = __gmpz_set_str(z, $0.baseAddress, Int32(radix)) }
            }
            if negative { __gmpz_neg(z, z) }
        }
        self.init(storage: storage)
    }

    /// −1, 0 or 1.
    public var signum: Int { withUnsafeMPZPointer { Int(cgmp_mpz_sgn($0)) } }
    public var isZero: Bool { signum == 0 }
    public var isOdd: Bool { withUnsafeMPZPointer { cgmp_mpz_odd_p($0) != 0 } }

    /// Number of bits in |self| (0 for zero).
    public var bitWidth: Int { withUnsafeMPZPointer { cgmp_mpz_sgn($0) == 0 ? 0 : Int(__gmpz_sizeinbase($0, 2)) } }

    /// The value if it fits in `Int`.
    public var exactInt: Int? {
        withUnsafeMPZPointer { __gmpz_fits_slong_p($0) != 0 ? __gmpz_get_si($0) : nil }
    }

    public var magnitude: BigInt {
        signum >= 0 ? self : map { __gmpz_abs($0, $1) }
    }

    /// ⌊√self⌋ for self ≥ 0.
    public func integerSquareRoot() -> BigInt {
        precondition(signum >= 0, "integerSquareRoot of a negative integer")
        return map { __gmpz_sqrt($0, $1) }
    }

    public var isPerfectSquare: Bool { withUnsafeMPZPointer { __gmpz_perfect_square_p($0) != 0 } }

    public func power(_ exponent: Int) -> BigInt {
        precondition(exponent >= 0, "negative exponent for an integer power")
        return map { __gmpz_pow_ui($0, $1, UInt(exponent)) }
    }

    public static func gcd(_ a: BigInt, _ b: BigInt) -> BigInt {
        combine(a, b) { __gmpz_gcd($0, $1, $2) }
    }

    /// self · 2^k for k ≥ 0.
    public func shiftedLeft(_ k: Int) -> BigInt {
        map { __gmpz_mul_2exp($0, $1, UInt(k)) }
    }

    /// ⌊self / 2^k⌋ for k ≥ 0.
    public func shiftedRightFloor(_ k: Int) -> BigInt {
        map { __gmpz_fdiv_q_2exp($0, $1, UInt(k)) }
    }

    /// Floor division with remainder of the same sign as the divisor.
    public func quotientAndRemainderFloor(dividingBy divisor: BigInt) -> (quotient: BigInt, remainder: BigInt) {
        precondition(!divisor.isZero, "division of an integer by zero")
        var remainder = BigInt()
        let quotient = BigInt.combine(self, divisor) { q, n, d in
            remainder.withUnsafeMutableMPZPointer { __gmpz_fdiv_qr(q, $0, n, d) }
        }
        return (quotient, remainder)
    }

    /// self / divisor for a divisor known to divide self (GMP's faster exact division).
    func dividedExactly(by divisor: BigInt) -> BigInt {
        BigInt.combine(self, divisor) { __gmpz_divexact($0, $1, $2) }
    }

    /// Whether `divisor` divides self.
    public func isDivisible(by divisor: UInt) -> Bool {
        withUnsafeMPZPointer { __gmpz_divisible_ui_p($0, divisor) != 0 }
    }

    /// self without any factor `prime`, and how many were removed.
    func removingFactors(of prime: UInt) -> (rest: BigInt, multiplicity: Int) {
        let factor = BigInt(prime)
        var multiplicity = 0
        let rest = BigInt.combine(self, factor) { multiplicity = Int(__gmpz_remove($0, $1, $2)) }
        return (rest, multiplicity)
    }

    /// The low 64 bits of |self|.
    var lowWord: UInt { withUnsafeMPZPointer { __gmpz_get_ui($0) } }

    /// Decimal (or other base, 2…36) digits.
    public func toString(radix: Int = 10) -> String {
        precondition((2...36).contains(radix), "radix \(radix) is outside 2…36")
        return withUnsafeMPZPointer { z in
            let size = __gmpz_sizeinbase(z, Int32(radix)) + 2
            var buffer = [UInt8](repeating: 0, count: size)
            buffer.withUnsafeMutableBufferPointer { raw in
                raw.withMemoryRebound(to: CChar.self) { _ = __gmpz_get_str($0.baseAddress, Int32(radix), z) }
            }
            return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}

extension BigInt: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self.init(value) }
}

extension BigInt: CustomStringConvertible {
    public var description: String { toString() }
}

extension BigInt: Equatable, Comparable, Hashable {
    public static func == (lhs: BigInt, rhs: BigInt) -> Bool {
        lhs.withUnsafeMPZPointer { a in rhs.withUnsafeMPZPointer { b in __gmpz_cmp(a, b) == 0 } }
    }

    public static func < (lhs: BigInt, rhs: BigInt) -> Bool {
        lhs.withUnsafeMPZPointer { a in rhs.withUnsafeMPZPointer { b in __gmpz_cmp(a, b) < 0 } }
    }

    public func hash(into hasher: inout Hasher) {
        // Equal values have equal sign, length and low word.
        withUnsafeMPZPointer { BigInt.hash($0, into: &hasher) }
    }

    static func hash(_ z: UnsafePointer<__mpz_struct>, into hasher: inout Hasher) {
        hasher.combine(cgmp_mpz_sgn(z))
        hasher.combine(__gmpz_sizeinbase(z, 2))
        hasher.combine(__gmpz_get_ui(z))
    }
}

extension BigInt {
    public static func + (lhs: BigInt, rhs: BigInt) -> BigInt {
        combine(lhs, rhs) { __gmpz_add($0, $1, $2) }
    }

    public static func - (lhs: BigInt, rhs: BigInt) -> BigInt {
        combine(lhs, rhs) { __gmpz_sub($0, $1, $2) }
    }

    public static func * (lhs: BigInt, rhs: BigInt) -> BigInt {
        combine(lhs, rhs) { __gmpz_mul($0, $1, $2) }
    }

    public static prefix func - (operand: BigInt) -> BigInt {
        operand.map { __gmpz_neg($0, $1) }
    }

    public static func += (lhs: inout BigInt, rhs: BigInt) {
        rhs.withUnsafeMPZPointer { b in lhs.withUnsafeMutableMPZPointer { __gmpz_add($0, $0, b) } }
    }

    public static func *= (lhs: inout BigInt, rhs: BigInt) {
        rhs.withUnsafeMPZPointer { b in lhs.withUnsafeMutableMPZPointer { __gmpz_mul($0, $0, b) } }
    }
}

extension BigInt {
    /// The integer whose two's-complement representation is `words`, least
    /// significant first.
    init(twosComplement words: [UInt]) {
        let negative = (words.last ?? 0) >> (UInt.bitWidth - 1) == 1
        var magnitude = words
        if negative {
            // −x = ~x + 1
            var carry: UInt = 1
            for index in magnitude.indices {
                let (sum, overflow) = (~magnitude[index]).addingReportingOverflow(carry)
                magnitude[index] = sum
                carry = overflow ? 1 : 0
            }
        }
        self = BigInt.make { z in
            magnitude.withUnsafeBufferPointer { buffer in
                __gmpz_import(z, buffer.count, -1, MemoryLayout<UInt>.size, 0, 0, buffer.baseAddress)
            }
            if negative { __gmpz_neg(z, z) }
        }
    }
}
