import ArgumentParser
import Reference

/// `normlab trace dropout-bn-shift`: the variance shift between dropout and BN.
struct DropoutBNShiftTraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dropout-bn-shift", abstract: DropoutBNShift.summary)
    @OptionGroup var options: TraceOptions
    @Option(help: "Values of one unit over the data, equally likely (default 1,2,3,6).") var x: String?
    @Option(help: "Drop probability (default 1/2).") var p: String?
    @Option(help: "inverted or plain (default inverted).") var variant: String?
    @OptionGroup var monteCarlo: MonteCarloOptions

    func run() throws {
        var base = try options.baseCase(op: DropoutBNShift.name)
        try VerbInput.set(&base, "x", VerbInput.tensor(x, flag: "x"), default: VerbInput.vector(["1", "2", "3", "6"]))
        VerbInput.set(&base, "p", p, default: "1/2")
        VerbInput.set(&base, "variant", variant, default: nil)
        monteCarlo.apply(to: &base)
        try printTrace(DropoutBNShift.self, input: base, options: options)
    }
}
