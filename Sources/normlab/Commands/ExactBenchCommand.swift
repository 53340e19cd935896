import ArgumentParser
import Benchmarks

/// `normlab bench exact`: the cost of exactness, against plain Double doing
/// the same work in the same run.
struct ExactBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exact",
        abstract: "Exact sums, moments and surd roundings versus the same work in Double."
    )

    @Option(parsing: .unconditional, help: "Repetitions per measurement, 1…1000 (the median is reported).")
    var repetitions = 5

    @Option(parsing: .unconditional, help: "Seed for the SplitMix64 input generator.")
    var seed: UInt64 = 1

    func validate() throws {
        guard (1...1000).contains(repetitions) else {
            throw ValidationError("--repetitions \(repetitions) must be 1…1000")
        }
    }

    func run() throws {
        let rows: [ExactBenchRow]
        do { rows = try runExactBenchmarks(repetitions: repetitions, seed: seed) } catch let error as BenchmarkError {
            throw CheckFailure(message: error.message)
        }
        print("normlab bench exact  (median of \(repetitions); ratio = exact time / Double time, same run)")
        for row in rows {
            let ratio = row.doubleSeconds > 0 ? format3(row.exactSeconds / row.doubleSeconds) + "x" : "-"
            print(
                row.name.padding(to: 58) + " " + formatDuration(row.exactSeconds).padding(to: 11) + " Double "
                    + formatDuration(row.doubleSeconds).padding(to: 11) + " ratio " + ratio.padding(to: 9) + " "
                    + row.note)
        }
    }
}
