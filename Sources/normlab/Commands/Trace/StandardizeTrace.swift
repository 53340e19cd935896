import ArgumentParser
import Exact
import Reference

/// `normlab trace standardize`: mean, variance (N or N − 1), std, z, lag-1 autocorrelation.
struct StandardizeTrace: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "standardize",
        abstract: "Input standardization: mean, variance, std, z-scores, lag-1 autocorrelation.",
        discussion: "Without inputs, runs x = 2, 4, 4, 4, 5, 5, 7, 9 with correction 1 (N − 1)."
    )

    @OptionGroup var options: TraceOptions
    @Option(help: "The values.") var x: String?
    @Option(help: "0: divide by N; 1: divide by N − 1 (default).") var correction: String?

    func run() throws {
        var base = try options.baseCase(op: StandardizeOperation.name)
        try setTensor(
            &base, name: "x", flag: "x", values: x, shape: nil, fallback: ([8], rationals([2, 4, 4, 4, 5, 5, 7, 9])))
        setParam(&base, "correction", correction)
        try printTrace(StandardizeOperation.self, input: base, options: options)
    }
}
