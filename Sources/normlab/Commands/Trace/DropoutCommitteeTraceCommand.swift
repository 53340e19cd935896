import ArgumentParser
import Reference

/// `normlab trace dropout-committee`: the committee of all subnetworks.
struct DropoutCommitteeTraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dropout-committee",
        abstract: DropoutCommittee.summary,
        discussion:
            "ŷ = vᵀσ(Sᵀx) with plain dropout on the input (--site input) or hidden units (--site hidden); exact mean and variance over all masks."
    )
    @OptionGroup var options: TraceOptions
    @Option(help: "Input x (default 1,-1,2).") var x: String?
    @Option(name: .customLong("S"), help: "First-layer weights S, d x h, row-major (default 1,-1,1,1,-1/2,1).") var s:
        String?
    @Option(name: .customLong("S-shape"), help: "Shape of S (default 3x2).") var sShape: String?
    @Option(help: "Second-layer weights v (default 1,2).") var v: String?
    @Option(help: "Drop probability (default 1/2).") var p: String?
    @Option(help: "linear or relu (default relu).") var activation: String?
    @Option(help: "input or hidden (default input).") var site: String?
    @OptionGroup var monteCarlo: MonteCarloOptions

    func run() throws {
        var base = try options.baseCase(op: DropoutCommittee.name)
        try VerbInput.set(&base, "x", VerbInput.tensor(x, flag: "x"), default: VerbInput.vector(["1", "-1", "2"]))
        try VerbInput.set(
            &base, "S", VerbInput.tensor(s, flag: "S", shape: sShape, shapeFlag: "S-shape"),
            default: VerbInput.matrix(3, 2, ["1", "-1", "1", "1", "-1/2", "1"]))
        try VerbInput.set(&base, "v", VerbInput.tensor(v, flag: "v"), default: VerbInput.vector(["1", "2"]))
        VerbInput.set(&base, "p", p, default: "1/2")
        VerbInput.set(&base, "activation", activation, default: nil)
        VerbInput.set(&base, "site", site, default: nil)
        monteCarlo.apply(to: &base)
        try printTrace(DropoutCommittee.self, input: base, options: options)
    }
}
