/// Field arithmetic on `Surd`. Sums merge terms by radicand; products use
/// √n·√m = g·√(nm/g²) with g = gcd(n, m); quotients rationalise the divisor
/// one radicand "direction" at a time with a Galois conjugate.
extension Surd {
    /// Restores the canonical form from arbitrary parts.
    static func normalized(_ rational: Rational, _ rawTerms: [Term]) -> Surd {
        var rationalPart = rational
        var terms: [Term] = []
        terms.reserveCapacity(rawTerms.count)
        for term in rawTerms.sorted(by: { $0.radicand < $1.radicand }) where !term.coefficient.isZero {
            if term.radicand == 1 {
                rationalPart += term.coefficient
                continue
            }
            if let last = terms.last, last.radicand == term.radicand {
                terms[terms.count - 1] = Term(coefficient: last.coefficient + term.coefficient, radicand: last.radicand)
            } else {
                terms.append(term)
            }
        }
        terms.removeAll { $0.coefficient.isZero }
        terms = mergingSquareRatios(terms)
        return Surd(canonicalRational: rationalPart, terms: terms)
    }

    /// Merges radicands whose ratio is a rational square (only possible when a
    /// radicand hides a square of a prime above the trial-division bound),
    /// comparing every pair: for parts of unknown relation (products).
    private static func mergingSquareRatios(_ terms: [Term]) -> [Term] {
        guard terms.count > 1 else { return terms }
        var result: [Term] = []
        for term in terms {
            if let index = result.indices.first(where: {
                rootOfSquareProduct(result[$0].radicand, term.radicand) != nil
            }) {
                result[index] = moved(term, onto: result[index])
            } else {
                result.append(term)
            }
        }
        return result.filter { !$0.coefficient.isZero }
    }

    /// √(n·m) when n·m is a perfect square (n/m is a rational square), else nil.
    private static func rootOfSquareProduct(_ n: BigInt, _ m: BigInt) -> BigInt? {
        let product = n * m
        return product.isPerfectSquare ? product.integerSquareRoot() : nil
    }

    /// `base` plus `term` rewritten over base's radicand: c√m = c·(√(nm)/n)·√n.
    private static func moved(_ term: Term, onto base: Term) -> Term {
        let root = rootOfSquareProduct(base.radicand, term.radicand)!
        let factor = Rational(uncheckedNumerator: root, denominator: base.radicand)
        return Term(coefficient: base.coefficient + term.coefficient * factor, radicand: base.radicand)
    }

    /// The sum of two values in normal form. Each side's radicands are
    /// independent already, so only pairs across the sides are compared:
    /// |lhs|·|rhs| square tests, and a running sum of n roots costs n²/2.
    private static func sum(_ lhs: Surd, _ rhs: Surd) -> Surd {
        var merged = lhs.terms
        var added: [Term] = []
        for term in rhs.terms {
            if let index = merged.indices.first(where: { merged[$0].radicand == term.radicand }) {
                let coefficient = merged[index].coefficient + term.coefficient
                merged[index] = Term(coefficient: coefficient, radicand: term.radicand)
            } else if let index = merged.indices.first(where: {
                rootOfSquareProduct(merged[$0].radicand, term.radicand) != nil
            }) {
                merged[index] = moved(term, onto: merged[index])
            } else {
                added.append(term)
            }
        }
        let terms = (merged + added).filter { !$0.coefficient.isZero }.sorted { $0.radicand < $1.radicand }
        return Surd(canonicalRational: lhs.rational + rhs.rational, terms: terms)
    }

    public static func + (lhs: Surd, rhs: Surd) -> Surd {
        if lhs.terms.isEmpty && rhs.terms.isEmpty { return Surd(lhs.rational + rhs.rational) }
        if rhs.terms.isEmpty { return Surd(canonicalRational: lhs.rational + rhs.rational, terms: lhs.terms) }
        if lhs.terms.isEmpty { return Surd(canonicalRational: lhs.rational + rhs.rational, terms: rhs.terms) }
        if lhs.terms.count == 1, rhs.terms.count == 1, lhs.terms[0].radicand == rhs.terms[0].radicand {
            let coefficient = lhs.terms[0].coefficient + rhs.terms[0].coefficient
            let terms = coefficient.isZero ? [] : [Term(coefficient: coefficient, radicand: lhs.terms[0].radicand)]
            return Surd(canonicalRational: lhs.rational + rhs.rational, terms: terms)
        }
        return sum(lhs, rhs)
    }

    public static prefix func - (operand: Surd) -> Surd {
        Surd(
            canonicalRational: -operand.rational,
            terms: operand.terms.map { Term(coefficient: -$0.coefficient, radicand: $0.radicand) })
    }

    public static func - (lhs: Surd, rhs: Surd) -> Surd {
        // The common shapes directly, without building −rhs first.
        if rhs.terms.isEmpty { return Surd(canonicalRational: lhs.rational - rhs.rational, terms: lhs.terms) }
        if lhs.terms.count == 1, rhs.terms.count == 1, lhs.terms[0].radicand == rhs.terms[0].radicand {
            let coefficient = lhs.terms[0].coefficient - rhs.terms[0].coefficient
            let terms = coefficient.isZero ? [] : [Term(coefficient: coefficient, radicand: lhs.terms[0].radicand)]
            return Surd(canonicalRational: lhs.rational - rhs.rational, terms: terms)
        }
        return lhs + (-rhs)
    }

    /// Multiplication by a rational, which never changes the radicands.
    public func scaled(by factor: Rational) -> Surd {
        if factor.isZero { return .zero }
        return Surd(
            canonicalRational: rational * factor,
            terms: terms.map { Term(coefficient: $0.coefficient * factor, radicand: $0.radicand) })
    }

    public static func * (lhs: Surd, rhs: Surd) -> Surd {
        if rhs.terms.isEmpty { return lhs.scaled(by: rhs.rational) }
        if lhs.terms.isEmpty { return rhs.scaled(by: lhs.rational) }
        if lhs.terms.count == 1, rhs.terms.count == 1, lhs.terms[0].radicand == rhs.terms[0].radicand {
            // (a + b√n)(c + d√n) = (ac + bdn) + (ad + bc)√n
            let a = lhs.rational
            let b = lhs.terms[0].coefficient
            let c = rhs.rational
            let d = rhs.terms[0].coefficient
            let n = Rational(lhs.terms[0].radicand)
            if a.isZero && c.isZero { return Surd(b * d * n) } // b√n·d√n = bdn
            if a.isZero {
                return Surd(
                    canonicalRational: b * d * n, terms: [Term(coefficient: b * c, radicand: lhs.terms[0].radicand)])
            }
            if c.isZero {
                return Surd(
                    canonicalRational: b * d * n, terms: [Term(coefficient: a * d, radicand: lhs.terms[0].radicand)])
            }
            let coefficient = a * d + b * c
            let terms = coefficient.isZero ? [] : [Term(coefficient: coefficient, radicand: lhs.terms[0].radicand)]
            return Surd(canonicalRational: a * c + b * d * n, terms: terms)
        }
        var parts: [Term] = []
        var rationalPart = lhs.rational * rhs.rational
        for term in rhs.terms {
            parts.append(Term(coefficient: lhs.rational * term.coefficient, radicand: term.radicand))
        }
        for term in lhs.terms {
            parts.append(Term(coefficient: rhs.rational * term.coefficient, radicand: term.radicand))
        }
        for left in lhs.terms {
            for right in rhs.terms {
                let (factor, radicand) = multiplyRoots(left.radicand, right.radicand)
                let coefficient = left.coefficient * right.coefficient * Rational(factor)
                if radicand == 1 {
                    rationalPart += coefficient
                } else {
                    parts.append(Term(coefficient: coefficient, radicand: radicand))
                }
            }
        }
        return normalized(rationalPart, parts)
    }

    /// √n·√m = factor·√radicand.
    private static func multiplyRoots(_ n: BigInt, _ m: BigInt) -> (factor: BigInt, radicand: BigInt) {
        if n == m { return (n, 1) }
        let g = BigInt.gcd(n, m)
        let rest =
            n.quotientAndRemainderFloor(dividingBy: g).quotient * m.quotientAndRemainderFloor(dividingBy: g).quotient
        if rest.isPerfectSquare { return (g * rest.integerSquareRoot(), 1) }
        return (g, rest)
    }

    /// Division; the divisor must be non-zero (use `divided(by:)` for an error).
    public static func / (lhs: Surd, rhs: Surd) -> Surd {
        precondition(!rhs.isZero, "Surd division by zero")
        return lhs * rhs.unsafeReciprocal()
    }

    public func divided(by divisor: Surd) throws -> Surd {
        guard !divisor.isZero else { throw ExactError.divisionByZero("(\(self))/0") }
        return self / divisor
    }

    public func reciprocal() throws -> Surd {
        try Surd.one.divided(by: self)
    }

    public var isZero: Bool { terms.isEmpty && rational.isZero }

    /// 1/self for self ≠ 0: multiply by the conjugate that flips the roots
    /// divisible by one element q of a coprime basis of the radicands; the
    /// product y·σ(y) no longer involves q, so the recursion ends.
    private func unsafeReciprocal() -> Surd {
        if terms.isEmpty { return Surd(Rational.one / rational) }
        if terms.count == 1 {
            // 1/(a + b√n) = (a − b√n)/(a² − b²n)
            let a = rational
            let b = terms[0].coefficient
            let n = Rational(terms[0].radicand)
            let norm = a * a - b * b * n
            return Surd(
                canonicalRational: a / norm,
                terms: [Term(coefficient: -b / norm, radicand: terms[0].radicand)])
        }
        let q = Surd.coprimeBasis(terms.map(\.radicand)).max()!
        let conjugate = Surd(
            canonicalRational: rational,
            terms: terms.map { term in
                term.radicand.quotientAndRemainderFloor(dividingBy: q).remainder.isZero
                    ? Term(coefficient: -term.coefficient, radicand: term.radicand) : term
            })
        let norm = self * conjugate
        precondition(!norm.isZero, "radicands \(terms.map(\.radicand)) are not independent")
        return conjugate * norm.unsafeReciprocal()
    }

    /// Pairwise coprime integers > 1 whose products give every input.
    static func coprimeBasis(_ values: [BigInt]) -> [BigInt] {
        var basis = values.filter { $0 > 1 }
        var changed = true
        while changed {
            changed = false
            search: for i in basis.indices {
                for j in basis.indices where j > i {
                    let g = BigInt.gcd(basis[i], basis[j])
                    if g > 1 {
                        let a = basis[i].quotientAndRemainderFloor(dividingBy: g).quotient
                        let b = basis[j].quotientAndRemainderFloor(dividingBy: g).quotient
                        basis.remove(at: j)
                        basis.remove(at: i)
                        basis += [a, b, g].filter { $0 > 1 && !basis.contains($0) }
                        changed = true
                        break search
                    }
                }
            }
        }
        return basis
    }

    public static func += (lhs: inout Surd, rhs: Surd) { lhs = lhs + rhs }
    public static func -= (lhs: inout Surd, rhs: Surd) { lhs = lhs - rhs }
    public static func *= (lhs: inout Surd, rhs: Surd) { lhs = lhs * rhs }
    public static func /= (lhs: inout Surd, rhs: Surd) { lhs = lhs / rhs }
}

/// Value equality. Two normal forms of one number have the same rational part
/// and the same number of terms, and their terms pair up by value (each root
/// is one square class); c√n = d√m exactly when c and d have one sign and
/// c²n = d²m. So the forms are compared through the signed squares c·|c|·n,
/// which every form of a value shares, and so does the hash.
extension Surd: Equatable, Hashable {
    public static func == (lhs: Surd, rhs: Surd) -> Bool {
        guard lhs.rational == rhs.rational, lhs.terms.count == rhs.terms.count else { return false }
        if lhs.terms == rhs.terms { return true }
        return lhs.signedTermSquares == rhs.signedTermSquares
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(rational)
        hasher.combine(terms.count)
        for square in signedTermSquares { hasher.combine(square) }
    }

    /// c·|c|·n for each term c√n, in increasing order: the same for every
    /// normal form of the value.
    private var signedTermSquares: [Rational] {
        terms.map { $0.coefficient * $0.coefficient.magnitude * Rational($0.radicand) }.sorted()
    }
}

extension Surd: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self.init(value) }
}
