import ArgumentParser
import Foundation
import Kernels
import OrderedJSON
import Simulator

/// `normlab simulate`: train a small network step by step and show what moves.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Train a multilayer perceptron step by step: initialization, normalization, dropout, weight decay.",
        discussion: """
            Runs are deterministic: SplitMix64 drives initialization, shuffling and dropout masks, and the \
            result is the same bytes at every --threads. On a terminal the run steps interactively (n step, \
            e epoch, r run to the end, b back, z zoom, q quit); piped, it prints tables. --preset NAME runs \
            one of the notes' experiments (list them with --preset list); options given with a preset change \
            every one of its runs.
            """
    )

    @OptionGroup var settings: SimulationOptions

    @Option(help: "A preset experiment from the notes, or list to list them.") var preset: String?
    @Option(help: "Kernel threads (default: all cores); results do not depend on it.") var threads: Int?
    @Flag(help: "Print {\"config\", \"runs\"} as JSON instead of tables.") var json = false
    @Option(help: "Write one JSON object per logged step and run to FILE (JSON lines).") var metrics: String?
    @Option(
        parsing: .upToNextOption,
        help: "LAYER@STEP FILE: write the input of that layer's normalization (or dropout) at that step as a case file."
    )
    var dumpCase: [String] = []
    @Option(help: "Per-layer tables: none, ends (first and last logged step) or every logged step (default ends).")
    var layers: String = "ends"
    @Flag(help: "Print tables even on a terminal (no interactive stepping).") var noInteractive = false
    @Flag(help: "Plain ASCII output.") var plain = false

    func validate() throws {
        try settings.validateFlags()
        if let threads, threads < 1 { throw ValidationError("--threads \(threads) must be at least 1") }
        guard ["none", "ends", "every"].contains(layers) else {
            throw ValidationError("--layers \(layers) must be none, ends or every")
        }
        if !dumpCase.isEmpty && dumpCase.count != 2 {
            throw ValidationError("--dump-case takes LAYER@STEP and FILE, e.g. --dump-case 3@100 case.json")
        }
    }

    func run() throws {
        let threadCount = threads ?? defaultKernelThreads
        if preset == "list" {
            for p in Presets.all { print("\(p.name.padding(toLength: 22, withPad: " ", startingAt: 0)) \(p.claim)") }
            return
        }
        let zoom = try dumpCase.isEmpty ? nil : ZoomRequest(parsing: dumpCase[0], file: dumpCase[1])
        var experiment: Experiment
        do {
            if let preset {
                guard let p = Presets.named(preset) else {
                    throw InputError(
                        "--preset \(preset) is unknown; known presets: \(Presets.all.map(\.name).joined(separator: ", "))"
                    )
                }
                experiment = try Experiment(preset: p, adjust: { try settings.apply(to: $0) })
            } else {
                experiment = try Experiment(single: try settings.apply(to: SimulationConfig()))
            }
        } catch let error as SimulatorError {
            throw InputError(error.message)
        }
        let metricsSink = try metrics.map { try MetricsWriter(path: $0) }
        let interactive =
            !json && !noInteractive && preset == nil && isatty(STDOUT_FILENO) == 1 && isatty(STDIN_FILENO) == 1
        let readFile: (String) throws -> String = { path in
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SimulatorError("--dataset \(path): cannot read the file")
            }
            return String(decoding: data, as: UTF8.self)
        }
        do {
            if interactive {
                try InteractiveStepper(
                    experiment: experiment, threads: threadCount, readFile: readFile, zoom: zoom, plain: plain
                ).run()
                return
            }
            let report = SimulationReport(plain: plain, layers: layers)
            let outcome = try experiment.run(
                threads: threadCount, readFile: readFile, zoom: zoom,
                onRecord: { record in
                    metricsSink?.write(record.json)
                    if !json { print(report.line(record), terminator: "") }
                },
                onStart: { trainer in if !json { print(report.header(trainer), terminator: "") } },
                onFinish: { trainer, result in if !json { print(report.footer(trainer, result), terminator: "") } })
            metricsSink?.close()
            if json {
                print(outcome.json.serialized())
            } else {
                print(report.summary(outcome), terminator: "")
            }
        } catch let error as SimulatorError {
            throw InputError(error.message)
        }
    }
}

/// A JSON-lines file the records are appended to as they are logged.
final class MetricsWriter {
    let handle: FileHandle
    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw InputError("--metrics \(path): cannot create the file")
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw InputError("--metrics \(path): cannot open the file for writing")
        }
        self.handle = handle
    }
    func write(_ value: JSONValue) { handle.write(Data((value.compact() + "\n").utf8)) }
    func close() { try? handle.close() }
}
