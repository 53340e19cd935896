import ArgumentParser
import Exact

/// `normlab bench …`: throughput figures measured in one run, with ratios
/// against a baseline measured in the same run (never absolute time limits).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure NormLab's exact arithmetic and kernels (build with -c release).",
        subcommands: [
            ExactBenchCommand.self, ReferenceBenchCommand.self, BiasVarianceBenchCommand.self, KernelBenchCommand.self,
            SimulateBenchCommand.self,
        ]
    )
}

/// Median wall time of `repetitions` runs of `body`, in seconds.
func medianSeconds(repetitions: Int, _ body: () -> Void) -> Double {
    let clock = ContinuousClock()
    var samples: [Double] = []
    for _ in 0..<max(1, repetitions) {
        let elapsed = clock.measure(body)
        samples.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
    samples.sort()
    return samples[samples.count / 2]
}

/// Formats a duration with a sensible unit.
func formatDuration(_ seconds: Double) -> String {
    if seconds >= 1 { return String(format3(seconds)) + " s" }
    if seconds >= 1e-3 { return format3(seconds * 1e3) + " ms" }
    if seconds >= 1e-6 { return format3(seconds * 1e6) + " µs" }
    return format3(seconds * 1e9) + " ns"
}

/// Three significant digits, correctly rounded (by the exact decimal
/// rounding), in %g style: 15.8, 0.00238, 8.88e-16.
func format3(_ value: Double) -> String {
    guard value.isFinite, value != 0, let exact = try? Rational(exactly: value) else {
        return value == 0 ? "0" : "\(value)"
    }
    return exact.decimalString(significantDigits: 3)
}
