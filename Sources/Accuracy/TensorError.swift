import Exact

/// How far a computed tensor is from the exact one, in the measures of the
/// tolerance policy (`ErrorMeasures`, whose non-finite rules apply).
public struct TensorError: Sendable {
    /// Largest elementwise distance, in ulp, from the correctly rounded exact
    /// value (`UInt64.max`: infinitely far).
    public let maxUlp: UInt64
    /// ‖computed − exact‖₂ / ‖exact‖₂ (‖computed − exact‖₂ when the exact
    /// tensor is zero), norms scaled against overflow.
    public let normwiseRelative: Double
    /// Correct significant digits of the normwise error (NIST's LRE).
    public let lre: Double
    /// Index of the element with the largest ulp error.
    public let worstIndex: Int

    /// `computed` holds values of F (Float results as the Doubles they exactly are).
    public init<F: BinaryFloatingPoint>(computed: [F], exact: [Surd], as _: F.Type = F.self)
    where F.RawSignificand: FixedWidthInteger, F.RawExponent: FixedWidthInteger {
        precondition(computed.count == exact.count, "computed and exact tensors differ in size")
        var worst: UInt64 = 0
        var worstIndex = 0
        for (index, value) in computed.enumerated() {
            let distance = ErrorMeasures.ulps(value, exact[index])
            if distance > worst {
                worst = distance
                worstIndex = index
            }
        }
        maxUlp = worst
        self.worstIndex = worstIndex
        normwiseRelative = ErrorMeasures.normwiseRelative(computed.map { Double($0) }, exact, as: F.self)
        lre = ErrorMeasures.lre(relativeError: normwiseRelative, as: F.self)
    }
}
