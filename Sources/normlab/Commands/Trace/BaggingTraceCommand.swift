import ArgumentParser
import Reference

/// `normlab trace bagging`.
struct BaggingTraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bagging", abstract: BaggingOperation.summary)
    @OptionGroup var options: TraceOptions
    @OptionGroup var world: WorldOptions
    @Option(help: "Number of bootstrap models M (default 10).") var models: Int?

    func run() throws {
        var base = try options.baseCase(op: BaggingOperation.name)
        try world.apply(to: &base)
        VerbInput.set(&base, "models", models.map(String.init), default: nil)
        try printTrace(BaggingOperation.self, input: base, options: options)
    }
}
