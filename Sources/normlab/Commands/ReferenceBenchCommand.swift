import ArgumentParser
import Exact
import OrderedJSON
import Reference
import SplitMix

/// `normlab bench reference`: the cost of the exact reference — training-mode
/// batch norm forward and backward with every intermediate, plus the correct
/// f64 rounding of every recorded value — against the same generic code run
/// in Double, single-threaded, in the same run.
struct ReferenceBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reference",
        abstract: "Exact batch norm forward+backward with all intermediates and their f64 roundings, versus Double."
    )

    @Option(help: "Batch size N.") var n = 256
    @Option(help: "Channels C.") var c = 64
    @Option(help: "Repetitions per measurement (the median is reported).") var repetitions = 3
    @Option(help: "Seed for the SplitMix64 input generator.") var seed: UInt64 = 1

    func validate() throws {
        guard n >= 2, c >= 1, n * c <= 4_000_000 else { throw ValidationError("--n ≥ 2, --c ≥ 1 and N·C ≤ 4·10^6") }
        guard (1...100).contains(repetitions) else { throw ValidationError("--repetitions \(repetitions) must be 1…100") }
    }

    func run() throws {
        var generator = SplitMix64(seed: seed)
        // Inputs: doubles in [−4, 4) with 20 significant bits (a float a model would
        // feed), gamma and beta near 1 and 0, dy in [−1, 1).
        func value(scale: Double) -> Rational {
            let raw = (generator.nextUnit() * 2 - 1) * scale
            return try! Rational(exactly: (raw * 1048576).rounded() / 1048576)
        }
        let count = n * c
        let input = CaseInput(op: BatchNormOperation.name, params: [("eps", "1e-5")], inputs: [
            ("x", Tensor(shape: [n, c], values: (0..<count).map { _ in value(scale: 4) })),
            ("gamma", Tensor(vector: (0..<c).map { _ in 1 + value(scale: 0.5) })),
            ("beta", Tensor(vector: (0..<c).map { _ in value(scale: 0.5) })),
            ("dy", Tensor(shape: [n, c], values: (0..<count).map { _ in value(scale: 1) })),
        ]).snappedToPrecision().input

        var exactTrace: Trace<Surd>?
        let exactTime = medianSeconds(repetitions: repetitions) { exactTrace = try! BatchNormOperation.run(input, as: Surd.self) }
        var checksum = 0.0
        let roundTime = medianSeconds(repetitions: repetitions) {
            checksum = 0
            for step in exactTrace!.steps { for value in step.tensor.values { checksum += value.rounded(to: Double.self) } }
        }
        var doubleTrace: Trace<Double>?
        let doubleTime = medianSeconds(repetitions: max(repetitions, 5)) { doubleTrace = try! BatchNormOperation.run(input, as: Double.self) }
        let values = exactTrace!.steps.reduce(0) { $0 + $1.tensor.count }
        let total = exactTime + roundTime
        print("exact training-mode batch norm, N×C = \(n)×\(c), \(exactTrace!.steps.count) steps, \(values) values (single-threaded)")
        print("  exact forward+backward, all intermediates   \(formatDuration(exactTime))")
        print("  correct f64 rounding of every value         \(formatDuration(roundTime))")
        print("  exact total                                 \(formatDuration(total))   target < 1 s")
        print("  same computation in Double                  \(formatDuration(doubleTime))")
        print("  ratio exact/Double                          \(format3(total / doubleTime))×")
        _ = (checksum, doubleTrace)
    }
}
