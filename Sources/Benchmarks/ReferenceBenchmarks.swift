import Exact
import Reference
import SplitMix

/// What `normlab bench reference` measures: exact training-mode batch norm,
/// forward and backward with every intermediate, then the correct f64
/// rounding of every recorded value — against the same generic code in
/// Double, single-threaded, in the same run. Wall time and this thread's
/// CPU time (steadier on a shared machine), each the median.
public struct ReferenceBenchResult: Sendable {
    public let steps: Int
    public let values: Int
    public let exact: (wall: Double, cpu: Double)
    public let rounding: (wall: Double, cpu: Double)
    public let double: (wall: Double, cpu: Double)
}

/// Inputs: doubles in [−4, 4) with 20 significant bits (what a model would
/// feed), γ and β near 1 and 0, ∂ℓ/∂y in [−1, 1), from SplitMix64(seed).
public func runReferenceBenchmark(n: Int, c: Int, repetitions: Int, seed: UInt64) throws -> ReferenceBenchResult {
    var generator = SplitMix64(seed: seed)
    func value(scale: Double) -> Rational {
        let raw = (generator.nextUnit() * 2 - 1) * scale
        return (try? Rational(exactly: (raw * 1_048_576).rounded() / 1_048_576)) ?? 0
    }
    let count = n * c
    let input = try CaseInput(
        op: BatchNormOperation.name, params: [("eps", "1e-5")],
        inputs: [
            ("x", Tensor(shape: [n, c], values: (0..<count).map { _ in value(scale: 4) })),
            ("gamma", Tensor(vector: (0..<c).map { _ in 1 + value(scale: 0.5) })),
            ("beta", Tensor(vector: (0..<c).map { _ in value(scale: 0.5) })),
            ("dy", Tensor(shape: [n, c], values: (0..<count).map { _ in value(scale: 1) })),
        ]
    ).snappedToPrecision().input
    var exactTrace = try BatchNormOperation.run(input, as: Surd.self)
    let exact = measureWallAndCPU(repetitions) {
        if let trace = try? BatchNormOperation.run(input, as: Surd.self) { exactTrace = trace }
    }
    var checksum = 0.0
    let rounding = measureWallAndCPU(repetitions) {
        checksum = 0
        for step in exactTrace.steps {
            for value in step.tensor.values { checksum += value.rounded(to: Double.self) }
        }
    }
    let double = measureWallAndCPU(max(repetitions, 5)) { _ = try? BatchNormOperation.run(input, as: Double.self) }
    _ = checksum
    return ReferenceBenchResult(
        steps: exactTrace.steps.count, values: exactTrace.steps.reduce(0) { $0 + $1.tensor.count }, exact: exact,
        rounding: rounding, double: double)
}
