internal import CGMP

/// An exact rational number over GMP's `mpq_t`, always in lowest terms with a
/// positive denominator, with value semantics (see `BigInt` for the storage
/// discipline: a private owner of the C value, scoped pointer access,
/// copy-on-write with `mpq_set`, `mpq_clear` in `deinit`; an `mpq_t` is never
/// copied bitwise).
public struct Rational: @unchecked Sendable {
    /// One allocation holding the object header and the C struct (tail
    /// allocated, so its address is stable and reached without exclusivity
    /// checks); GMP allocates the limbs.
    private final class Storage: ManagedBuffer<Void, __mpq_struct> {
        static func make() -> Storage {
            let storage = unsafeDowncast(Storage.create(minimumCapacity: 1) { _ in }, to: Storage.self)
            storage.withUnsafeMutablePointerToElements { __gmpq_init($0) }
            return storage
        }

        static func make(copying other: Storage) -> Storage {
            let storage = make()
            other.withUnsafeMutablePointerToElements { source in
                storage.withUnsafeMutablePointerToElements { __gmpq_set($0, source) }
            }
            return storage
        }

        deinit {
            withUnsafeMutablePointerToElements { __gmpq_clear($0) }
        }
    }

    private var storage: Storage

    private init(storage: Storage) { self.storage = storage }

    /// Read access to the C value, for the duration of `body` only.
    @inline(__always)
    func withUnsafeMPQPointer<R>(_ body: (UnsafePointer<__mpq_struct>) throws -> R) rethrows -> R {
        try storage.withUnsafeMutablePointerToElements { try body(UnsafePointer($0)) }
    }

    /// Write access to the C value, for the duration of `body` only; a value
    /// whose storage is shared is copied first (with `mpq_set`). `body` must
    /// leave the value in lowest terms with a positive denominator.
    @inline(__always)
    mutating func withUnsafeMutableMPQPointer<R>(_ body: (UnsafeMutablePointer<__mpq_struct>) throws -> R) rethrows
        -> R
    {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage.make(copying: storage) }
        return try storage.withUnsafeMutablePointerToElements(body)
    }

    /// A fresh value written by `body` into an initialised `mpq_t` (which it
    /// must leave canonical).
    @inline(__always)
    static func make(_ body: (UnsafeMutablePointer<__mpq_struct>) throws -> Void) rethrows -> Rational {
        let storage = Storage.make()
        try storage.withUnsafeMutablePointerToElements(body)
        return Rational(storage: storage)
    }

    /// A fresh value computed from this one.
    @inline(__always)
    func map(_ body: (UnsafeMutablePointer<__mpq_struct>, UnsafePointer<__mpq_struct>) -> Void) -> Rational {
        withUnsafeMPQPointer { source in Rational.make { body($0, source) } }
    }

    /// A fresh value computed from two.
    @inline(__always)
    static func combine(
        _ lhs: Rational, _ rhs: Rational,
        _ body: (UnsafeMutablePointer<__mpq_struct>, UnsafePointer<__mpq_struct>, UnsafePointer<__mpq_struct>) -> Void
    ) -> Rational {
        lhs.withUnsafeMPQPointer { a in rhs.withUnsafeMPQPointer { b in Rational.make { body($0, a, b) } } }
    }

    /// A fresh integer computed from the numerator and denominator.
    @inline(__always)
    func mapParts(
        _ body: (UnsafeMutablePointer<__mpz_struct>, UnsafePointer<__mpz_struct>, UnsafePointer<__mpz_struct>) -> Void
    ) -> BigInt {
        withUnsafeMPQPointer { q in BigInt.make { body($0, cgmp_mpq_numref_const(q), cgmp_mpq_denref_const(q)) } }
    }

    public static let zero = Rational(0)
    public static let one = Rational(1)

    public init() { self.init(storage: Storage.make()) }

    public init(_ value: Int) {
        self = .make { __gmpq_set_si($0, value, 1) }
    }

    public init(_ integer: BigInt) {
        self = integer.withUnsafeMPZPointer { z in .make { __gmpq_set_z($0, z) } }
    }

    /// numerator / denominator, reduced. The denominator must be non-zero.
    public init(_ numerator: BigInt, _ denominator: BigInt) throws {
        guard !denominator.isZero else { throw ExactError.divisionByZero("\(numerator)/0") }
        self.init(uncheckedNumerator: numerator, denominator: denominator)
    }

    /// numerator / denominator for a denominator already known to be non-zero.
    init(uncheckedNumerator numerator: BigInt, denominator: BigInt) {
        precondition(!denominator.isZero)
        self = numerator.withUnsafeMPZPointer { n in
            denominator.withUnsafeMPZPointer { d in
                .make { q in
                    __gmpz_set(cgmp_mpq_numref(q), n)
                    __gmpz_set(cgmp_mpq_denref(q), d)
                    __gmpq_canonicalize(q)
                }
            }
        }
    }

    /// The exact value of a finite `Double` (every finite double is a dyadic rational).
    public init(exactly value: Double) throws {
        guard value.isFinite else { throw ExactError.notFinite("\(value)") }
        self = .make { __gmpq_set_d($0, value) }
    }

    /// The exact value of a finite `Float`.
    public init(exactly value: Float) throws {
        try self.init(exactly: Double(value))
    }

    public var numerator: BigInt {
        mapParts { result, numerator, _ in __gmpz_set(result, numerator) }
    }

    public var denominator: BigInt {
        mapParts { result, _, denominator in __gmpz_set(result, denominator) }
    }

    /// −1, 0 or 1.
    public var signum: Int { withUnsafeMPQPointer { Int(cgmp_mpq_sgn($0)) } }
    public var isZero: Bool { signum == 0 }
    public var isInteger: Bool { withUnsafeMPQPointer { __gmpz_cmp_ui(cgmp_mpq_denref_const($0), 1) == 0 } }

    public var magnitude: Rational {
        signum >= 0 ? self : map { __gmpq_abs($0, $1) }
    }

    /// 1/self; throws for zero.
    public func reciprocal() throws -> Rational {
        guard !isZero else { throw ExactError.divisionByZero("1/0") }
        return map { __gmpq_inv($0, $1) }
    }

    /// self^exponent; a negative exponent of zero throws.
    public func power(_ exponent: Int) throws -> Rational {
        if exponent < 0 { return try reciprocal().power(-exponent) }
        let num = numerator.power(exponent)
        let den = denominator.power(exponent)
        return Rational(uncheckedNumerator: num, denominator: den)
    }

    /// The largest integer ≤ self.
    public var floor: BigInt {
        mapParts { __gmpz_fdiv_q($0, $1, $2) }
    }

    /// The smallest integer ≥ self.
    public var ceiling: BigInt {
        mapParts { __gmpz_cdiv_q($0, $1, $2) }
    }

    /// self · 2^k for any integer k.
    public func timesPowerOfTwo(_ k: Int) -> Rational {
        map { result, source in
            if k >= 0 {
                __gmpq_mul_2exp(result, source, UInt(k))
            } else {
                __gmpq_div_2exp(result, source, UInt(k.magnitude))
            }
        }
    }

    /// Whether self is the square of a rational.
    public var isPerfectSquare: Bool {
        signum >= 0 && numerator.isPerfectSquare && denominator.isPerfectSquare
    }

    /// ⌊log₂|self|⌋ for self ≠ 0, decided exactly.
    public var binaryExponent: Int {
        precondition(!isZero, "binaryExponent of zero")
        return Fraction(self).binaryExponent
    }
}

extension Rational: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self.init(value) }
}

extension Rational: Equatable, Comparable, Hashable {
    public static func == (lhs: Rational, rhs: Rational) -> Bool {
        lhs.withUnsafeMPQPointer { a in rhs.withUnsafeMPQPointer { b in __gmpq_equal(a, b) != 0 } }
    }

    public static func < (lhs: Rational, rhs: Rational) -> Bool {
        lhs.withUnsafeMPQPointer { a in rhs.withUnsafeMPQPointer { b in __gmpq_cmp(a, b) < 0 } }
    }

    public func hash(into hasher: inout Hasher) {
        // Lowest terms: equal values have equal numerators and denominators.
        withUnsafeMPQPointer { q in
            BigInt.hash(cgmp_mpq_numref_const(q), into: &hasher)
            BigInt.hash(cgmp_mpq_denref_const(q), into: &hasher)
        }
    }
}

extension Rational {
    public static func + (lhs: Rational, rhs: Rational) -> Rational {
        combine(lhs, rhs) { __gmpq_add($0, $1, $2) }
    }

    public static func - (lhs: Rational, rhs: Rational) -> Rational {
        combine(lhs, rhs) { __gmpq_sub($0, $1, $2) }
    }

    public static func * (lhs: Rational, rhs: Rational) -> Rational {
        combine(lhs, rhs) { __gmpq_mul($0, $1, $2) }
    }

    /// Division; the divisor must be non-zero (use `divided(by:)` to get an error instead).
    public static func / (lhs: Rational, rhs: Rational) -> Rational {
        precondition(!rhs.isZero, "Rational division by zero")
        return combine(lhs, rhs) { __gmpq_div($0, $1, $2) }
    }

    public func divided(by divisor: Rational) throws -> Rational {
        guard !divisor.isZero else { throw ExactError.divisionByZero("\(self)/0") }
        return self / divisor
    }

    public static prefix func - (operand: Rational) -> Rational {
        operand.map { __gmpq_neg($0, $1) }
    }

    public static func += (lhs: inout Rational, rhs: Rational) {
        rhs.withUnsafeMPQPointer { b in lhs.withUnsafeMutableMPQPointer { __gmpq_add($0, $0, b) } }
    }

    public static func -= (lhs: inout Rational, rhs: Rational) {
        rhs.withUnsafeMPQPointer { b in lhs.withUnsafeMutableMPQPointer { __gmpq_sub($0, $0, b) } }
    }

    public static func *= (lhs: inout Rational, rhs: Rational) {
        rhs.withUnsafeMPQPointer { b in lhs.withUnsafeMutableMPQPointer { __gmpq_mul($0, $0, b) } }
    }
}

extension Rational: CustomStringConvertible {
    /// The canonical form: "-3/7", "5", never a denominator of 1.
    public var description: String {
        isInteger ? numerator.description : "\(numerator)/\(denominator)"
    }
}
