import ArgumentParser
import Benchmarks

/// `normlab bench reference`: the cost of the exact reference — training-mode
/// batch norm forward and backward with every intermediate, plus the correct
/// f64 rounding of every recorded value — against the same generic code run
/// in Double, single-threaded, in the same run.
struct ReferenceBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reference",
        abstract: "Exact batch norm forward+backward with all intermediates and their f64 roundings, versus Double."
    )

    @Option(parsing: .unconditional, help: "Batch size N.") var n = 256
    @Option(parsing: .unconditional, help: "Channels C.") var c = 64
    @Option(parsing: .unconditional, help: "Repetitions per measurement, 1…100 (the median is reported).")
    var repetitions = 3
    @Option(parsing: .unconditional, help: "Seed for the SplitMix64 input generator.") var seed: UInt64 = 1

    func validate() throws {
        let count = n.multipliedReportingOverflow(by: c)
        guard n >= 2, c >= 1, !count.overflow, count.partialValue <= 4_000_000 else {
            throw ValidationError("--n \(n) --c \(c): need N ≥ 2, C ≥ 1 and N·C ≤ 4·10^6")
        }
        guard (1...100).contains(repetitions) else {
            throw ValidationError("--repetitions \(repetitions) must be 1…100")
        }
    }

    func run() throws {
        let result = try runReferenceBenchmark(n: n, c: c, repetitions: repetitions, seed: seed)
        print(
            "exact training-mode batch norm, N×C = \(n)×\(c), \(result.steps) steps, \(result.values) values (single-threaded)"
        )
        func row(_ label: String, _ wall: Double, _ cpu: Double, _ note: String = "") {
            print(
                "  " + label.padding(to: 44) + formatDuration(wall).padding(to: 12)
                    + formatDuration(cpu).padding(to: 12)
                    + note)
        }
        print("  " + "".padding(to: 44) + "wall".padding(to: 12) + "thread CPU")
        row("exact forward+backward, all intermediates", result.exact.wall, result.exact.cpu)
        row("correct f64 rounding of every value", result.rounding.wall, result.rounding.cpu)
        let total = (result.exact.wall + result.rounding.wall, result.exact.cpu + result.rounding.cpu)
        row("exact total", total.0, total.1, "target < 1 s")
        row("same computation in Double", result.double.wall, result.double.cpu)
        print("  ratio exact/Double (CPU)                    \(format3(total.1 / result.double.cpu))×")
    }
}
