/// An exact real number `a + Σ cᵢ·√nᵢ`: a rational part plus rational
/// multiples of square roots of distinct integer radicands.
///
/// The common case is the quadratic surd `a + b·√s` — every batch-norm
/// intermediate of one channel lies in ℚ(√(σ² + ε)) — but sums of roots of
/// different radicands (averages of standard deviations across batches) are
/// represented exactly too, and the type is closed under + − × ÷.
///
/// Normal form, kept by every operation:
/// - each radicand `nᵢ` is an integer ≥ 2 that is not a perfect square and
///   has no square factor p² for primes p < 1000 (square factors are moved
///   into the coefficient: √(p/q) = √(pq)/q, √(p²m) = p√m);
/// - no two radicands have a square ratio (such terms are merged), so the
///   roots are linearly independent over ℚ and the value is zero only when
///   every part is zero;
/// - coefficients are non-zero, terms ordered by radicand.
///
/// Square factors of primes above 1000 are not searched for (that would take
/// factoring radicands of hundreds of digits), so one number may have two
/// normal forms: `sqrt(2036162)` is `1009*sqrt(2)`. `==` and `hash(into:)`
/// therefore compare values, not forms (see `Surd+Arithmetic`); the rational
/// part is the same in every form, and so is each term's square c²·n.
public struct Surd: Sendable {
    /// One irrational part `coefficient · √radicand`.
    public struct Term: Sendable, Hashable {
        public let coefficient: Rational
        public let radicand: BigInt
    }

    public let rational: Rational
    public let terms: [Term]

    /// Builds a value from parts already in canonical form.
    init(canonicalRational rational: Rational, terms: [Term]) {
        self.rational = rational
        self.terms = terms
    }

    public init(_ rational: Rational) { self.init(canonicalRational: rational, terms: []) }
    public init(_ integer: Int) { self.init(Rational(integer)) }

    public static let zero = Surd(0)
    public static let one = Surd(1)

    /// `a + b·√s`.
    public init(_ a: Rational, _ b: Rational, sqrtOf s: Rational) throws {
        self = Surd(a) + Surd(b) * (try Surd.squareRoot(of: s))
    }

    /// The exact √r of a rational r ≥ 0: rational when r is a square.
    public static func squareRoot(of r: Rational) throws -> Surd {
        guard r.signum >= 0 else { throw ExactError.negativeRadicand(r.description) }
        if r.isZero { return .zero }
        // √(p/q) = √(pq)/q
        let (square, squareFree) = splitSquare(r.numerator * r.denominator)
        let coefficient = Rational(uncheckedNumerator: square, denominator: r.denominator)
        if squareFree == 1 { return Surd(coefficient) }
        return Surd(canonicalRational: .zero, terms: [Term(coefficient: coefficient, radicand: squareFree)])
    }

    /// Whether the value is rational (no square-root parts).
    public var isRational: Bool { terms.isEmpty }

    /// The value as a rational, if it is one.
    public var rationalValue: Rational? { terms.isEmpty ? rational : nil }

    /// The parts `(a, b, s)` of `a + b·√s`, for a value in one quadratic field
    /// (b = 0, s = 1 for a rational). A sum over several radicands is the
    /// error that says so.
    public func quadraticComponents() throws -> (a: Rational, b: Rational, s: BigInt) {
        switch terms.count {
        case 0: return (rational, .zero, 1)
        case 1: return (rational, terms[0].coefficient, terms[0].radicand)
        default: throw ExactError.mixedFields(description)
        }
    }
}

// MARK: - Square-free splitting

/// Primes below 1000, for moving small square factors out of radicands.
private let smallPrimes: [UInt] = {
    var sieve = [Bool](repeating: true, count: 1000)
    var primes: [UInt] = []
    for candidate in 2..<1000 where sieve[candidate] {
        primes.append(UInt(candidate))
        var multiple = candidate * candidate
        while multiple < 1000 {
            sieve[multiple] = false
            multiple += candidate
        }
    }
    return primes
}()

/// n = square² · rest with the square factors found by trial division by the
/// small primes and a final perfect-square test of the cofactor. Each prime
/// is removed in one `mpz_remove`, so the cost stays near linear in the size
/// of n even for 10^k (which holds 2^k and 5^k).
func splitSquare(_ n: BigInt) -> (square: BigInt, rest: BigInt) {
    precondition(n.signum > 0)
    var rest = n
    var square: BigInt = 1
    for prime in smallPrimes {
        if rest.isDivisible(by: prime * prime) {
            let (cofactor, multiplicity) = rest.removingFactors(of: prime)
            // p^m = (p^⌊m/2⌋)² · p^(m mod 2)
            rest = multiplicity % 2 == 1 ? cofactor * BigInt(prime) : cofactor
            square = square * BigInt(prime).power(multiplicity / 2)
        }
        if rest.bitWidth <= 20 && BigInt(Int(prime * prime)) > rest { break }
    }
    if rest.isPerfectSquare {
        square = square * rest.integerSquareRoot()
        rest = 1
    }
    return (square, rest)
}
