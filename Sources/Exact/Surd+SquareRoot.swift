extension Surd {
    /// The exact square root: of a rational r ≥ 0, √r; of a + b√n, the
    /// p + q√n with (p + q√n)² = a + b√n when one exists. Anything else would
    /// be a nested radical and is the error that says so.
    public func squareRoot() throws -> Surd {
        if let rational = rationalValue { return try Surd.squareRoot(of: rational) }
        guard signum > 0 else { throw ExactError.negativeRadicand(description) }
        if terms.count == 1 {
            // p² + q²n = a and 2pq = b  ⇒  p² = (a ± √(a² − b²n))/2
            let a = rational
            let b = terms[0].coefficient
            let n = Rational(terms[0].radicand)
            let discriminant = a * a - b * b * n
            if discriminant.isPerfectSquare {
                let root = try Surd.squareRoot(of: discriminant).rationalValue!
                for pSquared in [(a + root) / Rational(2), (a - root) / Rational(2)]
                where pSquared.signum > 0 && pSquared.isPerfectSquare {
                    let p = try Surd.squareRoot(of: pSquared).rationalValue!
                    let q = b / (Rational(2) * p)
                    let candidate = Surd(
                        canonicalRational: p, terms: [Term(coefficient: q, radicand: terms[0].radicand)])
                    if candidate.signum > 0 && candidate * candidate == self { return candidate }
                    if candidate.signum < 0 && candidate * candidate == self { return -candidate }
                }
            }
        }
        throw ExactError.nestedRadical(description)
    }
}
