import Exact
import Reference

/// Small helpers that keep the catalog readable: cases are written as the
/// numbers a person would type.
enum CaseBuilding {
    /// A tensor from number strings (integers, p/q, decimals, hex floats).
    static func tensor(_ shape: [Int], _ values: [String]) -> Tensor<Rational> {
        Tensor(shape: shape, values: values.map { try! Rational(parsing: $0) })
    }

    static func tensor(_ shape: [Int], _ values: [Rational]) -> Tensor<Rational> {
        Tensor(shape: shape, values: values)
    }

    /// A vector of repeated values.
    static func filled(_ count: Int, _ value: String) -> [String] { Array(repeating: value, count: count) }

    /// A case input for `op`.
    static func input(
        _ op: String, precision: TargetPrecision = .f64, convention: String? = nil,
        params: [(String, String)] = [], _ inputs: [(String, Tensor<Rational>)]
    ) -> CaseInput {
        CaseInput(
            op: op, convention: convention, precision: precision,
            params: params.map { (name: $0.0, value: $0.1) }, inputs: inputs.map { (name: $0.0, tensor: $0.1) })
    }

    /// Uniform generated values as exact rationals (see `GeneratedData`).
    static func uniform(seed: UInt64, count: Int, _ low: String, _ high: String) -> [Rational] {
        GeneratedData.uniform(
            seed: seed, count: count, low: try! Rational(parsing: low), high: try! Rational(parsing: high))
    }
}
