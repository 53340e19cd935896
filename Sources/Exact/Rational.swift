import CGMP

/// An exact rational number over GMP's `mpq_t`, always in lowest terms with a
/// positive denominator, with value semantics (see `BigInt` for the storage
/// discipline: one owner, `mpq_set` to copy, `mpq_clear` in `deinit`).
public struct Rational: @unchecked Sendable {
    /// One allocation holding the object header and the C struct (tail
    /// allocated), whose address is stable for the object's lifetime; GMP
    /// allocates the limbs.
    @usableFromInline
    final class Storage: ManagedBuffer<Void, __mpq_struct> {
        /// The C value.
        @inline(__always)
        var value: UnsafeMutablePointer<__mpq_struct> { withUnsafeMutablePointerToElements { $0 } }

        static func make() -> Storage {
            let storage = unsafeDowncast(Storage.create(minimumCapacity: 1) { _ in }, to: Storage.self)
            storage.withUnsafeMutablePointerToElements { __gmpq_init($0) }
            return storage
        }

        static func make(copying other: UnsafePointer<__mpq_struct>) -> Storage {
            let storage = unsafeDowncast(Storage.create(minimumCapacity: 1) { _ in }, to: Storage.self)
            storage.withUnsafeMutablePointerToElements {
                __gmpq_init($0)
                __gmpq_set($0, other)
            }
            return storage
        }

        deinit {
            withUnsafeMutablePointerToElements { __gmpq_clear($0) }
        }
    }

    @usableFromInline var storage: Storage

    init(storage: Storage) { self.storage = storage }

    static func make(_ body: (UnsafeMutablePointer<__mpq_struct>) -> Void) -> Rational {
        let storage = Storage.make()
        body(storage.value)
        return Rational(storage: storage)
    }

    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) {
            storage = Storage.make(copying: storage.value)
        }
    }

    public static let zero = Rational(0)
    public static let one = Rational(1)

    public init() { self.init(storage: Storage.make()) }

    public init(_ value: Int) {
        self = .make { __gmpq_set_si($0, value, 1) }
    }

    public init(_ integer: BigInt) {
        self = .make { __gmpq_set_z($0, integer.storage.value) }
    }

    /// numerator / denominator, reduced. The denominator must be non-zero.
    public init(_ numerator: BigInt, _ denominator: BigInt) throws {
        guard !denominator.isZero else { throw ExactError.divisionByZero("\(numerator)/0") }
        self = .make { q in
            __gmpz_set(cgmp_mpq_numref(q), numerator.storage.value)
            __gmpz_set(cgmp_mpq_denref(q), denominator.storage.value)
            __gmpq_canonicalize(q)
        }
    }

    /// numerator / denominator for a denominator already known to be non-zero.
    init(uncheckedNumerator numerator: BigInt, denominator: BigInt) {
        precondition(!denominator.isZero)
        self = .make { q in
            __gmpz_set(cgmp_mpq_numref(q), numerator.storage.value)
            __gmpz_set(cgmp_mpq_denref(q), denominator.storage.value)
            __gmpq_canonicalize(q)
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
        BigInt.make { __gmpz_set($0, cgmp_mpq_numref_const(storage.value)) }
    }

    public var denominator: BigInt {
        BigInt.make { __gmpz_set($0, cgmp_mpq_denref_const(storage.value)) }
    }

    /// −1, 0 or 1.
    public var signum: Int { Int(cgmp_mpq_sgn(storage.value)) }
    public var isZero: Bool { signum == 0 }
    public var isInteger: Bool { __gmpz_cmp_ui(cgmp_mpq_denref_const(storage.value), 1) == 0 }

    public var magnitude: Rational {
        signum >= 0 ? self : .make { __gmpq_abs($0, storage.value) }
    }

    /// 1/self; throws for zero.
    public func reciprocal() throws -> Rational {
        guard !isZero else { throw ExactError.divisionByZero("1/0") }
        return .make { __gmpq_inv($0, storage.value) }
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
        BigInt.make { __gmpz_fdiv_q($0, cgmp_mpq_numref_const(storage.value), cgmp_mpq_denref_const(storage.value)) }
    }

    /// The smallest integer ≥ self.
    public var ceiling: BigInt {
        BigInt.make { __gmpz_cdiv_q($0, cgmp_mpq_numref_const(storage.value), cgmp_mpq_denref_const(storage.value)) }
    }

    /// self · 2^k for any integer k.
    public func timesPowerOfTwo(_ k: Int) -> Rational {
        .make { result in
            if k >= 0 {
                __gmpq_mul_2exp(result, storage.value, UInt(k))
            } else {
                __gmpq_div_2exp(result, storage.value, UInt(-k))
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
        __gmpq_equal(lhs.storage.value, rhs.storage.value) != 0
    }

    public static func < (lhs: Rational, rhs: Rational) -> Bool {
        __gmpq_cmp(lhs.storage.value, rhs.storage.value) < 0
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(numerator)
        hasher.combine(denominator)
    }
}

extension Rational {
    public static func + (lhs: Rational, rhs: Rational) -> Rational {
        .make { __gmpq_add($0, lhs.storage.value, rhs.storage.value) }
    }

    public static func - (lhs: Rational, rhs: Rational) -> Rational {
        .make { __gmpq_sub($0, lhs.storage.value, rhs.storage.value) }
    }

    public static func * (lhs: Rational, rhs: Rational) -> Rational {
        .make { __gmpq_mul($0, lhs.storage.value, rhs.storage.value) }
    }

    /// Division; the divisor must be non-zero (use `divided(by:)` to get an error instead).
    public static func / (lhs: Rational, rhs: Rational) -> Rational {
        precondition(!rhs.isZero, "Rational division by zero")
        return .make { __gmpq_div($0, lhs.storage.value, rhs.storage.value) }
    }

    public func divided(by divisor: Rational) throws -> Rational {
        guard !divisor.isZero else { throw ExactError.divisionByZero("\(self)/0") }
        return self / divisor
    }

    public static prefix func - (operand: Rational) -> Rational {
        .make { __gmpq_neg($0, operand.storage.value) }
    }

    public static func += (lhs: inout Rational, rhs: Rational) {
        lhs.makeUnique()
        __gmpq_add(lhs.storage.value, lhs.storage.value, rhs.storage.value)
    }

    public static func -= (lhs: inout Rational, rhs: Rational) {
        lhs.makeUnique()
        __gmpq_sub(lhs.storage.value, lhs.storage.value, rhs.storage.value)
    }

    public static func *= (lhs: inout Rational, rhs: Rational) {
        lhs.makeUnique()
        __gmpq_mul(lhs.storage.value, lhs.storage.value, rhs.storage.value)
    }
}

extension Rational: CustomStringConvertible {
    /// The canonical form: "-3/7", "5", never a denominator of 1.
    public var description: String {
        isInteger ? numerator.description : "\(numerator)/\(denominator)"
    }
}
