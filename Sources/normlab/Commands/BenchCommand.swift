import ArgumentParser

/// `normlab bench …`: throughput figures measured in one run, with ratios
/// against a baseline measured in the same run (never absolute time limits).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure NormLab's exact arithmetic and kernels (build with -c release).",
        subcommands: [ExactBenchCommand.self, ReferenceBenchCommand.self, BiasVarianceBenchCommand.self, KernelBenchCommand.self]
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

/// Three significant digits, without Foundation's locale-dependent formatting.
func format3(_ value: Double) -> String {
    guard value.isFinite, value != 0 else { return "\(value)" }
    var digits = 2 - Int((value.magnitude).log10Floor)
    digits = max(0, min(digits, 9))
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = "\(rounded)"
    if digits == 0, text.hasSuffix(".0") { text.removeLast(2) }
    return text
}

private extension Double {
    var log10Floor: Double {
        var exponent = 0.0, value = self
        while value >= 10 { value /= 10; exponent += 1 }
        while value < 1 { value *= 10; exponent -= 1 }
        return exponent
    }
}
