import ArgumentParser
import Benchmarks
import Exact

/// `normlab bench bias-variance`: the cost of the exact bias–variance
/// decomposition and of exact least squares on NIST's Filip design (the
/// data ships with NormLab).
struct BiasVarianceBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bias-variance",
        abstract:
            "Exact bias–variance decompositions (8 outcomes, n = 6, degrees 0…4) and exact OLS on Filip (82 × 11)."
    )

    @Option(parsing: .unconditional, help: "Repetitions per measurement, 1…100 (the median is reported).")
    var repetitions = 3

    func validate() throws {
        guard (1...100).contains(repetitions) else {
            throw ValidationError("--repetitions \(repetitions) must be 1…100")
        }
    }

    func run() throws {
        let (datasets, rows) = try runBiasVarianceBenchmark(repetitions: repetitions)
        print("exact bias–variance, 8 outcomes, n = 6 (\(datasets) datasets), median of \(repetitions)")
        print("degree  time        bias²        variance     Bayes        risk         R − (b²+v+B)")
        for row in rows {
            func show(_ name: String) -> String {
                (row.trace[name]?.values.first?.decimalString(significantDigits: 6) ?? "-").padding(to: 12)
            }
            print(
                "\(row.degree)".padding(to: 7) + formatDuration(row.seconds).padding(to: 11) + show("bias2")
                    + show("variance") + show("bayes_error") + show("risk")
                    + (row.trace["decomposition_check"]?.values.first?.description ?? "-"))
        }
        let filip = try runFilipBenchmark(repetitions: repetitions)
        print(
            "\nFilip, exact OLS on the 82 × 11 design (degree 10): \(formatDuration(filip.exactSeconds)); the same steps in f64: \(formatDuration(filip.doubleSeconds))"
        )
        print("param  exact (15 digits)        certified                f64 normal equations")
        for (j, text) in filip.certified.enumerated() where j < filip.exact.count && j < filip.double.count {
            print(
                "B\(j)".padding(to: 6) + filip.exact[j].decimalString(significantDigits: 15).padding(to: 24)
                    + text.padding(to: 24) + "\(filip.double[j])")
        }
    }
}
