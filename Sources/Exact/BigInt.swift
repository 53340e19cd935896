import CGMP

/// An arbitrary-precision integer over GMP's `mpz_t`, with value semantics.
///
/// The C value lives in a private final class that initialises it once and
/// clears it in `deinit`. Mutation goes through `makeUnique()`, which copies
/// with `mpz_init_set` when the storage is shared — an `mpz_t` is never copied
/// bitwise. Instances are immutable once shared, hence `Sendable`.
public struct BigInt: @unchecked Sendable {
    /// One allocation holding the object header and the C struct (tail
    /// allocated), whose address is stable for the object's lifetime; GMP
    /// allocates the limbs.
    @usableFromInline
    final class Storage: ManagedBuffer<Void, __mpz_struct> {
        /// The C value.
        @inline(__always)
        var value: UnsafeMutablePointer<__mpz_struct> { withUnsafeMutablePointerToElements { $0 } }

        static func make() -> Storage {
            let storage = unsafeDowncast(Storage.create(minimumCapacity: 1) { _ in }, to: Storage.self)
            storage.withUnsafeMutablePointerToElements { __gmpz_init($0) }
            return storage
        }

        static func make(copying other: UnsafePointer<__mpz_struct>) -> Storage {
            let storage = unsafeDowncast(Storage.create(minimumCapacity: 1) { _ in }, to: Storage.self)
            storage.withUnsafeMutablePointerToElements { __gmpz_init_set($0, other) }
            return storage
        }

        deinit {
            withUnsafeMutablePointerToElements { __gmpz_clear($0) }
        }
    }

    @usableFromInline var storage: Storage

    init(storage: Storage) { self.storage = storage }

    /// Builds a fresh value by letting `body` write into an initialised `mpz_t`.
    static func make(_ body: (UnsafeMutablePointer<__mpz_struct>) -> Void) -> BigInt {
        let storage = Storage.make()
        body(storage.value)
        return BigInt(storage: storage)
    }

    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) {
            storage = Storage.make(copying: storage.value)
        }
    }

    /// Read-only access to the C value.
    func withMPZ<R>(_ body: (UnsafePointer<__mpz_struct>) throws -> R) rethrows -> R {
        try body(storage.value)
    }

    public init() { self.init(storage: Storage.make()) }

    public init(_ value: Int) {
        self = .make { __gmpz_set_si($0, value) }
    }

    public init(_ value: UInt) {
        self = .make { __gmpz_set_ui($0, value) }
    }

    /// Parses an optionally signed integer in the given base (2…62).
    public init?(_ text: String, radix: Int = 10) {
        var body = Substring(text)
        var negative = false
        if body.first == "-" || body.first == "+" {
            negative = body.first == "-"
            body = body.dropFirst()
        }
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && ($0.isHexDigit || $0.isLetter) }) else { return nil }
        let storage = Storage.make()
        let status = __gmpz_set_str(storage.value, String(body), Int32(radix))
        guard status == 0 else { return nil }
        if negative { __gmpz_neg(storage.value, storage.value) }
        self.init(storage: storage)
    }

    /// −1, 0 or 1.
    public var signum: Int { Int(cgmp_mpz_sgn(storage.value)) }
    public var isZero: Bool { signum == 0 }
    public var isOdd: Bool { cgmp_mpz_odd_p(storage.value) != 0 }

    /// Number of bits in |self| (0 for zero).
    public var bitWidth: Int { isZero ? 0 : Int(__gmpz_sizeinbase(storage.value, 2)) }

    /// The value if it fits in `Int`.
    public var exactInt: Int? {
        guard __gmpz_fits_slong_p(storage.value) != 0 else { return nil }
        return __gmpz_get_si(storage.value)
    }

    public var magnitude: BigInt {
        signum >= 0 ? self : .make { __gmpz_abs($0, storage.value) }
    }

    /// ⌊√self⌋ for self ≥ 0.
    public func integerSquareRoot() -> BigInt {
        precondition(signum >= 0, "integerSquareRoot of a negative integer")
        return .make { __gmpz_sqrt($0, storage.value) }
    }

    public var isPerfectSquare: Bool { __gmpz_perfect_square_p(storage.value) != 0 }

    public func power(_ exponent: Int) -> BigInt {
        precondition(exponent >= 0, "negative exponent for an integer power")
        return .make { __gmpz_pow_ui($0, storage.value, UInt(exponent)) }
    }

    public static func gcd(_ a: BigInt, _ b: BigInt) -> BigInt {
        .make { __gmpz_gcd($0, a.storage.value, b.storage.value) }
    }

    /// self · 2^k for k ≥ 0.
    public func shiftedLeft(_ k: Int) -> BigInt {
        .make { __gmpz_mul_2exp($0, storage.value, UInt(k)) }
    }

    /// ⌊self / 2^k⌋ for k ≥ 0.
    public func shiftedRightFloor(_ k: Int) -> BigInt {
        .make { __gmpz_fdiv_q_2exp($0, storage.value, UInt(k)) }
    }

    /// Floor division with remainder of the same sign as the divisor.
    public func quotientAndRemainderFloor(dividingBy divisor: BigInt) -> (quotient: BigInt, remainder: BigInt) {
        precondition(!divisor.isZero, "division of an integer by zero")
        let q = Storage.make()
        let r = Storage.make()
        __gmpz_fdiv_qr(q.value, r.value, storage.value, divisor.storage.value)
        return (BigInt(storage: q), BigInt(storage: r))
    }

    /// Whether `divisor` divides self.
    public func isDivisible(by divisor: UInt) -> Bool {
        __gmpz_divisible_ui_p(storage.value, divisor) != 0
    }

    /// The low 64 bits of |self|.
    var lowWord: UInt { __gmpz_get_ui(storage.value) }

    /// Decimal (or other base) digits.
    public func toString(radix: Int = 10) -> String {
        let size = __gmpz_sizeinbase(storage.value, Int32(radix)) + 2
        var buffer = [UInt8](repeating: 0, count: size)
        buffer.withUnsafeMutableBufferPointer { raw in
            raw.withMemoryRebound(to: CChar.self) { _ = __gmpz_get_str($0.baseAddress, Int32(radix), storage.value) }
        }
        return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
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
        __gmpz_cmp(lhs.storage.value, rhs.storage.value) == 0
    }

    public static func < (lhs: BigInt, rhs: BigInt) -> Bool {
        __gmpz_cmp(lhs.storage.value, rhs.storage.value) < 0
    }

    public func hash(into hasher: inout Hasher) {
        // The limbs determine the value; hash their count, sign and the low word.
        hasher.combine(signum)
        hasher.combine(bitWidth)
        hasher.combine(lowWord)
    }
}

extension BigInt {
    public static func + (lhs: BigInt, rhs: BigInt) -> BigInt {
        .make { __gmpz_add($0, lhs.storage.value, rhs.storage.value) }
    }

    public static func - (lhs: BigInt, rhs: BigInt) -> BigInt {
        .make { __gmpz_sub($0, lhs.storage.value, rhs.storage.value) }
    }

    public static func * (lhs: BigInt, rhs: BigInt) -> BigInt {
        .make { __gmpz_mul($0, lhs.storage.value, rhs.storage.value) }
    }

    public static prefix func - (operand: BigInt) -> BigInt {
        .make { __gmpz_neg($0, operand.storage.value) }
    }

    public static func += (lhs: inout BigInt, rhs: BigInt) {
        lhs.makeUnique()
        __gmpz_add(lhs.storage.value, lhs.storage.value, rhs.storage.value)
    }

    public static func *= (lhs: inout BigInt, rhs: BigInt) {
        lhs.makeUnique()
        __gmpz_mul(lhs.storage.value, lhs.storage.value, rhs.storage.value)
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
        let result = BigInt.make { z in
            magnitude.withUnsafeBufferPointer { buffer in
                __gmpz_import(z, buffer.count, -1, MemoryLayout<UInt>.size, 0, 0, buffer.baseAddress)
            }
        }
        self = negative ? -result : result
    }
}
