import ArgumentParser
import Exact
import OrderedJSON
import Reference
import SplitMix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
    @Option(parsing: .unconditional, help: "Repetitions per measurement (the median is reported).") var repetitions = 3
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
        var generator = SplitMix64(seed: seed)
        // Inputs: doubles in [−4, 4) with 20 significant bits (a float a model would
        // feed), gamma and beta near 1 and 0, dy in [−1, 1).
        func value(scale: Double) -> Rational {
            let raw = (generator.nextUnit() * 2 - 1) * scale
            return try! Rational(exactly: (raw * 1_048_576).rounded() / 1_048_576)
        }
        let count = n * c
        let input = try CaseInput(
            op: BatchNormOperation.name, params: [("eps", "1e-5")],
            inputs: [
                ("x", Tensor(shape: [n, c], values: (0..<count).map { _ in value(scale: 4) })),
                ("gamma", Tensor(vector: (0..<c).map { _ in 1 + value(scale: 0.5) })),
                ("beta", Tensor(vector: (0..<c).map { _ in value(scale: 0.5) })),
                ("dy", Tensor(shape: [n, c], values: (0..<count).map { _ in value(scale: 1) })),
            ]
        ).snappedToPrecision().input

        // Wall time and this thread's CPU time (steadier when other processes
        // share the cores), each the median over the repetitions.
        var exactTrace: Trace<Surd>?
        let (exactTime, exactCPU) = measure(repetitions) {
            exactTrace = try! BatchNormOperation.run(input, as: Surd.self)
        }
        var checksum = 0.0
        let (roundTime, roundCPU) = measure(repetitions) {
            checksum = 0
            for step in exactTrace!.steps {
                for value in step.tensor.values { checksum += value.rounded(to: Double.self) }
            }
        }
        var doubleTrace: Trace<Double>?
        let (doubleTime, doubleCPU) = measure(max(repetitions, 5)) {
            doubleTrace = try! BatchNormOperation.run(input, as: Double.self)
        }
        let values = exactTrace!.steps.reduce(0) { $0 + $1.tensor.count }
        let total = exactTime + roundTime
        print(
            "exact training-mode batch norm, N×C = \(n)×\(c), \(exactTrace!.steps.count) steps, \(values) values (single-threaded)"
        )
        let totalCPU = exactCPU + roundCPU
        func row(_ label: String, _ wall: Double, _ cpu: Double, _ note: String = "") {
            print(
                "  " + label.padding(toLength: 44, withPad: " ", startingAt: 0)
                    + formatDuration(wall).padding(toLength: 12, withPad: " ", startingAt: 0)
                    + formatDuration(cpu).padding(toLength: 12, withPad: " ", startingAt: 0) + note)
        }
        print(
            "  " + "".padding(toLength: 44, withPad: " ", startingAt: 0)
                + "wall".padding(toLength: 12, withPad: " ", startingAt: 0) + "thread CPU")
        row("exact forward+backward, all intermediates", exactTime, exactCPU)
        row("correct f64 rounding of every value", roundTime, roundCPU)
        row("exact total", total, totalCPU, "target < 1 s")
        row("same computation in Double", doubleTime, doubleCPU)
        print("  ratio exact/Double (CPU)                    \(format3(totalCPU / doubleCPU))×")
        _ = (checksum, doubleTrace)
    }
}

/// Median wall time and median thread CPU time of `repetitions` runs.
private func measure(_ repetitions: Int, _ body: () -> Void) -> (wall: Double, cpu: Double) {
    var walls: [Double] = []
    var cpus: [Double] = []
    let clock = ContinuousClock()
    for _ in 0..<max(1, repetitions) {
        let cpuStart = threadCPUSeconds()
        let elapsed = clock.measure(body)
        cpus.append(threadCPUSeconds() - cpuStart)
        walls.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
    walls.sort()
    cpus.sort()
    return (walls[walls.count / 2], cpus[cpus.count / 2])
}

private func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}
