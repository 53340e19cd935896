import Accuracy
import Exact
import Reference
import Vectors

/// One kernel output of one case against the kernels' stated bound.
public struct KernelCheck: Sendable {
    public let caseID: String
    public let field: String
    public let precision: TargetPrecision
    /// The measured error in the units of `rule`.
    public let measured: Double
    public let bound: Double
    /// What is measured, e.g. "ulp" or "‖Δ‖₂ / (u·⌈log₂ m⌉·‖γ·g‖·invstd)".
    public let rule: String
    public var passed: Bool { measured <= bound }
}

/// The kernels' stated bounds (`TolerancePolicy.kernelBound`, from
/// KERNELS.md), measured against exact traces with `ErrorMeasures`. Which
/// group and which γ each element belongs to is read from the trace's
/// `layout`, as the reference grouped them.
public enum KernelConformance {
    /// Measures every output a kernel produced for one case.
    public static func check(caseID: String, input: CaseInput, exact: Trace<Surd>, outputs: KernelEngine.Outputs)
        -> [KernelCheck]
    {
        let precision = input.precision
        let u = TolerancePolicy.unitRoundoff(precision)
        let layout = exact.layout
        var checks: [KernelCheck] = []
        for (field, computed) in outputs.values {
            guard let reference = exactTensor(exact, field), reference.count == computed.count else { continue }
            let bound = TolerancePolicy.kernelBound(op: input.op, field: field, groupSize: layout?.groupSize ?? 1)
            var rule = bound.rule
            let measured: Double
            switch bound.measure {
            case .ulp:
                measured = maxUlp(computed, reference, precision)
            case .ulpOfAffineTerms:
                if let gammaXhat = exactTensor(exact, "gamma_xhat") {
                    // |γx̂| + |β| = |γx̂| + |y − γx̂|
                    let scale = zip(gammaXhat, reference).map { $0.magnitude + ($1 - $0).magnitude }
                    measured = scaledUlp(computed, reference, scale: scale, precision)
                } else {
                    // eval: |a·x| + |b| = |y − b| + |b|
                    let shift = exactTensor(exact, "shift") ?? []
                    let scale = reference.indices.map { index -> Surd in
                        let b = shift.isEmpty || layout == nil ? Surd.zero : shift[layout!.affine[index]]
                        return (reference[index] - b).magnitude + b.magnitude
                    }
                    measured = scaledUlp(computed, reference, scale: scale, precision)
                    rule = "ulp of |a·x| + |b|"
                }
            case .normwiseGradient:
                guard let dxhat = exactTensor(exact, "dxhat"), let invStd = exactTensor(exact, "inv_std"),
                    let layout
                else { continue }
                let depth = Double(ErrorMeasures.log2Ceiling(layout.groupSize))
                let scaleNorm: ([Int]) -> Double = { kept in
                    ErrorMeasures.norm(kept.map { (dxhat[$0] * invStd[layout.group[$0]]).rounded(to: Double.self) })
                }
                let normwise =
                    precision == .f32
                    ? ErrorMeasures.normwise(computed, reference, scaleNorm: scaleNorm, as: Float.self)
                    : ErrorMeasures.normwise(computed, reference, scaleNorm: scaleNorm, as: Double.self)
                measured = normwise / (u * depth)
            case .sumRelative:
                guard let dy = exactTensor(exact, "dy"), let xhat = exactTensor(exact, "xhat"), let layout else {
                    continue
                }
                var sums = [Double](repeating: 0, count: reference.count)
                for index in dy.indices {
                    let term = field == "dgamma" ? dy[index] * xhat[index] : dy[index]
                    sums[layout.affine[index]] += term.magnitude.rounded(to: Double.self)
                }
                // A result in the subnormal range is rounded to a multiple of the
                // least subnormal: half of it is the rounding every output carries.
                let least =
                    precision == .f32 ? Double(Float.leastNonzeroMagnitude) : Double.leastNonzeroMagnitude
                let halfLeast = Surd(Rational(1).timesPowerOfTwo(least.exponent - 1))
                var worst = 0.0
                for index in reference.indices {
                    let error = ErrorMeasures.excessError(computed[index], reference[index], allowance: halfLeast)
                    worst = max(worst, error == 0 ? 0 : (sums[index] == 0 ? .infinity : error / (u * sums[index])))
                }
                measured = worst
            }
            checks.append(
                KernelCheck(
                    caseID: caseID, field: field, precision: precision, measured: measured, bound: bound.bound,
                    rule: rule))
        }
        return checks
    }

    /// Every applicable case of every vector family, run through the kernels.
    public static func checkAllVectors(families: [VectorFamily] = VectorCatalog.families) throws -> (
        checks: [KernelCheck], notes: [String]
    ) {
        var checks: [KernelCheck] = []
        var notes: [String] = []
        for family in families where KernelEngine.supportedOps.contains(family.op) {
            guard let operation = ReferenceOperations.named(family.op) else { continue }
            for vectorCase in family.cases {
                let input = try vectorCase.input.snappedToPrecision().input
                let exact = try operation.run(input, as: Surd.self)
                let id = family.caseID(vectorCase)
                do {
                    let outputs = try KernelEngine.run(input, exact: exact)
                    checks += check(caseID: id, input: input, exact: exact, outputs: outputs)
                    notes += outputs.notes.map { "\(id): \($0)" }
                } catch {
                    notes.append("\(id): \(error)")
                }
            }
        }
        return (checks, notes)
    }

    // MARK: - Measures

    static func exactTensor(_ trace: Trace<Surd>, _ name: String) -> [Surd]? {
        (trace.step(name, role: .output) ?? trace.step(name, role: .intermediate) ?? trace.step(name, role: .input))?
            .tensor.values
    }

    /// Elementwise ulp in the case's precision (∞ for an infinite distance).
    static func maxUlp(_ computed: [Double], _ exact: [Surd], _ precision: TargetPrecision) -> Double {
        var worst: UInt64 = 0
        for (value, reference) in zip(computed, exact) {
            let distance =
                precision == .f32
                ? ErrorMeasures.ulps(Float(value), reference) : ErrorMeasures.ulps(value, reference)
            worst = max(worst, distance)
        }
        return worst == .max ? .infinity : Double(worst)
    }

    static func scaledUlp(_ computed: [Double], _ exact: [Surd], scale: [Surd], _ precision: TargetPrecision)
        -> Double
    {
        precision == .f32
            ? ErrorMeasures.maxScaledUlp(computed, exact, scale: scale, as: Float.self)
            : ErrorMeasures.maxScaledUlp(computed, exact, scale: scale, as: Double.self)
    }
}
