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

/// The bounds the kernels state (KERNELS.md), measured against exact traces:
///
/// | output | bound |
/// |---|---|
/// | mean, var, running stats | 4 ulp elementwise |
/// | x̂ | 4 ulp elementwise |
/// | y (train) | 4 ulp of \|γx̂\| + \|β\|, elementwise; eval: of \|a·x\| + \|b\| |
/// | ∂x | ‖Δ‖₂ ≤ 16·u·⌈log₂ m⌉·‖γ·∂ℓ/∂y·invstd‖₂ over the elements whose exact value is finite in the precision; the others must be that ±∞ |
/// | ∂γ, ∂β | \|Δ_c\| ≤ 6u·Σ\|∂ℓ/∂y·x̂\| and 2u·Σ\|∂ℓ/∂y\|, plus half the least subnormal (the final rounding of a subnormal result) |
/// | dropout y, ∂x | 2 ulp (one rounded scale fl(1/fl(1 − p)), then one product) |
public enum KernelConformance {
    public static let ulpBound = 4.0

    /// Measures every output a kernel produced for one case.
    public static func check(caseID: String, input: CaseInput, exact: Trace<Surd>, outputs: KernelEngine.Outputs)
        -> [KernelCheck]
    {
        let precision = input.precision
        let u = precision == .f32 ? 0x1p-24 : 0x1p-53
        let grouping = Grouping(op: input.op, trace: exact)
        var checks: [KernelCheck] = []
        func add(_ field: String, _ measured: Double, _ bound: Double, _ rule: String) {
            checks.append(
                KernelCheck(
                    caseID: caseID, field: field, precision: precision, measured: measured, bound: bound, rule: rule))
        }
        for (field, computed) in outputs.values {
            guard let reference = exactTensor(exact, field) else { continue }
            switch (input.op, field) {
            case ("dropout", _):
                add(field, maxUlp(computed, reference, precision), 2, "ulp")
            case (_, "y") where exact.step("gamma_xhat") != nil:
                // |γx̂| + |β| = |γx̂| + |y − γx̂|
                let gammaXhat = exactTensor(exact, "gamma_xhat")!
                let scale = zip(gammaXhat, reference).map { $0.magnitude + ($1 - $0).magnitude }
                add(field, maxScaledUlp(computed, reference, scale: scale, precision), ulpBound, "ulp of |γx̂| + |β|")
            case (_, "y"):
                // eval: |a·x| + |b| = |y − b| + |b|
                let shift = exactTensor(exact, "shift") ?? []
                let scale = reference.indices.map { index -> Surd in
                    let b = shift.isEmpty ? Surd.zero : shift[grouping.affine(index)]
                    return (reference[index] - b).magnitude + b.magnitude
                }
                add(field, maxScaledUlp(computed, reference, scale: scale, precision), ulpBound, "ulp of |a·x| + |b|")
            case (_, "dx"):
                guard let dxhat = exactTensor(exact, "dxhat"), let invStd = exactTensor(exact, "inv_std") else {
                    continue
                }
                // An element whose exact value overflows the precision must be that
                // infinity; it is then left out of both norms.
                var kept: [Int] = []
                var overflowMismatch = false
                for index in reference.indices {
                    let rounded =
                        precision == .f32
                        ? Double(reference[index].rounded(to: Float.self)) : reference[index].rounded(to: Double.self)
                    if rounded.isInfinite {
                        overflowMismatch = overflowMismatch || computed[index] != rounded
                    } else {
                        kept.append(index)
                    }
                }
                let scale = kept.map { (dxhat[$0] * invStd[grouping.group($0)]).rounded(to: Double.self) }
                let depth = Double(log2Ceiling(grouping.groupSize))
                let measured =
                    overflowMismatch
                    ? Double.infinity
                    : normwise(kept.map { computed[$0] }, kept.map { reference[$0] }, scaleNorm: norm(scale))
                        / (u * depth)
                add(
                    field, measured, 16,
                    "‖Δ‖₂ / (u·⌈log₂ m⌉·‖γ·g·invstd‖₂), m = \(grouping.groupSize)")
            case (_, "dgamma"), (_, "dbeta"):
                guard let dy = exactTensor(exact, "dy"), let xhat = exactTensor(exact, "xhat") else { continue }
                var sums = [Double](repeating: 0, count: reference.count)
                for index in dy.indices {
                    let term = field == "dgamma" ? dy[index] * xhat[index] : dy[index]
                    sums[grouping.affine(index)] += term.magnitude.rounded(to: Double.self)
                }
                let factor = field == "dgamma" ? 6.0 : 2.0
                // A result in the subnormal range is rounded to a multiple of the
                // least subnormal: half of it is the rounding every output carries.
                let halfLeast = Surd(
                    try! Rational(
                        exactly: precision == .f32 ? Double(Float.leastNonzeroMagnitude) : Double.leastNonzeroMagnitude)
                        / Rational(2))
                var worst = 0.0
                for index in reference.indices {
                    let error = excessError(computed[index], reference[index], allowance: halfLeast)
                    worst = max(worst, error == 0 ? 0 : (sums[index] == 0 ? .infinity : error / (u * sums[index])))
                }
                add(field, worst, factor, field == "dgamma" ? "|Δ| / (u·Σ|g·x̂|)" : "|Δ| / (u·Σ|g|)")
            default:
                add(field, maxUlp(computed, reference, precision), ulpBound, "ulp")
            }
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

    static func maxUlp(_ computed: [Double], _ exact: [Surd], _ precision: TargetPrecision) -> Double {
        var worst: UInt64 = 0
        for (value, reference) in zip(computed, exact) {
            let distance =
                precision == .f32
                ? ulpDistance(Float(value), reference.rounded(to: Float.self))
                : ulpDistance(value, reference.rounded(to: Double.self))
            worst = max(worst, distance)
        }
        return worst == .max ? .infinity : Double(worst)
    }

    /// |computed − exact|, formed exactly and rounded once.
    static func absoluteError(_ computed: Double, _ exact: Surd) -> Double {
        guard computed.isFinite, let value = try? Rational(exactly: computed) else { return .infinity }
        return (Surd(value) - exact).magnitude.rounded(to: Double.self)
    }

    /// max(0, |computed − exact| − allowance), formed exactly and rounded once.
    static func excessError(_ computed: Double, _ exact: Surd, allowance: Surd) -> Double {
        guard computed.isFinite, let value = try? Rational(exactly: computed) else { return .infinity }
        let excess = (Surd(value) - exact).magnitude - allowance
        return excess > Surd.zero ? excess.rounded(to: Double.self) : 0
    }

    /// max |computed − exact| / ulp(scale) with the ulp of the precision.
    static func maxScaledUlp(_ computed: [Double], _ exact: [Surd], scale: [Surd], _ precision: TargetPrecision)
        -> Double
    {
        var worst = 0.0
        for index in computed.indices {
            let error = absoluteError(computed[index], exact[index])
            let unit =
                precision == .f32
                ? Double(unitInLastPlace(of: scale[index].rounded(to: Float.self)))
                : unitInLastPlace(of: scale[index].rounded(to: Double.self))
            worst = max(worst, error / unit)
        }
        return worst
    }

    static func normwise(_ computed: [Double], _ exact: [Surd], scaleNorm: Double) -> Double {
        let errors = zip(computed, exact).map { absoluteError($0, $1) }
        let errorNorm = norm(errors)
        if errorNorm == 0 { return 0 }
        return scaleNorm == 0 ? .infinity : errorNorm / scaleNorm
    }

    static func norm(_ values: [Double]) -> Double {
        // Scaled to avoid overflow of the squares.
        let largest = values.map(\.magnitude).max() ?? 0
        guard largest > 0, largest.isFinite else { return largest }
        return largest * values.reduce(0) { $0 + ($1 / largest) * ($1 / largest) }.squareRoot()
    }

    static func log2Ceiling(_ m: Int) -> Int {
        var depth = 1
        while (1 << depth) < m { depth += 1 }
        return depth
    }
}

/// Which normalisation group and which affine parameter each element of a
/// normalization op's input belongs to.
struct Grouping {
    let op: String
    let shape: [Int]
    let channels: Int
    let groups: Int
    let spatial: Int

    init(op: String, trace: Trace<Surd>) {
        self.op = op
        shape = trace.step("x", role: .input)?.tensor.shape ?? [1, 1]
        channels =
            op == "layernorm"
            ? (trace.step("gamma", role: .input)?.tensor.count ?? 1) : (shape.count > 1 ? shape[1] : 1)
        spatial = shape.count > 2 ? shape[2...].reduce(1, *) : 1
        let groupParam = trace.params.first { $0.name == "groups" }?.value.rational?.numerator.exactInt
        groups = op == "instancenorm" ? channels : (groupParam ?? 1)
    }

    /// Elements per normalisation group: m.
    var groupSize: Int {
        let count = shape.reduce(1, *)
        switch op {
        case "layernorm": return channels
        case "groupnorm", "instancenorm": return channels / max(groups, 1) * spatial
        default: return count / max(channels, 1)
        }
    }

    func group(_ index: Int) -> Int {
        switch op {
        case "layernorm": return index / channels
        case "groupnorm", "instancenorm": return index / groupSize
        default: return (index / spatial) % channels
        }
    }

    func affine(_ index: Int) -> Int {
        op == "layernorm" ? index % channels : (index / spatial) % channels
    }
}
