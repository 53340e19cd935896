import ArgumentParser
import Foundation
import Kernels
import OrderedJSON
import Simulator

/// `normlab bench simulate`: training steps per second of two networks at each
/// thread count, and the matmul kernel's GFLOP/s against the machine's peak.
struct SimulateBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Training steps per second of the simulator, and matmul GFLOP/s against the machine's peak.",
        discussion: """
            Networks: init-scale (the init-scale preset's net: 64 → 50 × 100 ReLU → 10, batch 64, SGD) and \
            bn-dropout (64 → 256 → 256 → 10 with batch norm and dropout 0.2, batch 64, SGD with momentum 0.9), \
            on the digits, float32. Each figure is the median of --repetitions timed runs of --steps steps after \
            a warm-up. benchmarks/compare_pytorch_simulate.py runs PyTorch on the same networks beside this.
            """
    )

    @Option(help: "Thread counts, comma-separated (default 1,2).") var threads = "1,2"
    @Option(help: "Timed steps per repetition.") var steps = 40
    @Option(help: "Repetitions (median reported).") var repetitions = 5
    @Flag(help: "Print a JSON array of {network, threads, steps_per_s, …}.") var json = false
    @Flag(help: "Skip the matmul GFLOP/s table.") var noMatmul = false

    func validate() throws {
        guard steps >= 1 else { throw ValidationError("--steps \(steps) must be at least 1") }
        guard (1...100).contains(repetitions) else {
            throw ValidationError("--repetitions \(repetitions) must be 1…100")
        }
        guard threadList != nil else {
            throw ValidationError("--threads \"\(threads)\" must be positive integers like 1,2")
        }
    }

    var threadList: [Int]? {
        let values = threads.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 1 }) else { return nil }
        return values.map { $0! }
    }

    /// The benchmarked networks (also what the PyTorch script builds).
    static var networks: [(String, SimulationConfig)] {
        var deep = Presets.initScale.runs[1].1 // c = 2
        deep.steps = 1_000_000
        deep.logEvery = 1_000_000
        var small = SimulationConfig()
        small.dataset = "digits"
        small.hidden = [256, 256]
        small.normalization = .batchnorm
        small.dropout = [0.2]
        small.batchSize = 64
        small.learningRate = 0.05
        small.momentum = 0.9
        small.steps = 1_000_000
        small.logEvery = 1_000_000
        return [("init-scale", deep), ("bn-dropout", small)]
    }

    func run() throws {
        var rows: [JSONValue] = []
        var lines: [String] = []
        for (name, config) in Self.networks {
            let data = try config.loadData { _ in "" }
            for t in threadList! {
                let trainer = try makeTrainer(name: name, config: config, data: data, threads: t)
                for _ in 0..<5 { try trainer.advance() }
                let seconds = medianSeconds(repetitions: repetitions) {
                    for _ in 0..<steps { _ = try? trainer.advance() }
                }
                let rate = Double(steps) / seconds
                let flops = Self.stepFlops(config, inputs: data.train.dimension, outputs: data.task.outputs)
                rows.append(
                    .object([
                        ("network", .string(name)), ("threads", .int(t)), ("steps_per_s", .double(rate)),
                        ("batch", .int(config.batchSize ?? data.train.count)),
                        ("matmul_gflop_per_step", .double(flops / 1e9)),
                        ("matmul_gflops", .double(flops * rate / 1e9)),
                    ]))
                lines.append(
                    "\(name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(t) thread\(t == 1 ? " " : "s")  \(format3(rate)) steps/s  (\(format3(flops * rate / 1e9)) GFLOP/s in its matmuls)"
                )
            }
        }
        var matmulRows: [JSONValue] = []
        if !noMatmul {
            let peak = MachinePeak.measure()
            lines.append("")
            lines.append("matmul (f32, C = A·B), median of \(repetitions):")
            for (m, n, k) in [(64, 100, 100), (100, 100, 64), (64, 100, 64), (512, 512, 512)] {
                for t in threadList! {
                    let g = try Self.matmulGFLOPS(m: m, n: n, k: k, threads: t, repetitions: repetitions)
                    matmulRows.append(
                        .object([
                            ("network", .string("matmul \(m)x\(n)x\(k)")), ("threads", .int(t)), ("gflops", .double(g)),
                            ("of_isa_peak", .double(g / (peak.registerGFLOPS * Double(t)))),
                            ("of_hardware_peak", .double(g / (peak.hardwareGFLOPS * Double(t)))),
                        ]))
                    lines.append(
                        "  \(m)×\(n)×\(k), \(t) thread\(t == 1 ? " " : "s"): \(format3(g)) GFLOP/s = \(format3(100 * g / (peak.registerGFLOPS * Double(t))))% of the SSE peak, \(format3(100 * g / (peak.hardwareGFLOPS * Double(t))))% of the AVX-512 peak"
                    )
                }
            }
            lines.append(
                "nominal peak per core: \(format3(peak.registerGFLOPS)) GFLOP/s for SSE2 without FMA (the instructions the kernels are built with: 12 FLOP/cycle), \(format3(peak.hardwareGFLOPS)) GFLOP/s for the hardware (\(peak.hardwareNote))"
            )
        }
        if json {
            print(JSONValue.array(rows + matmulRows).serialized())
        } else {
            print("normlab bench simulate  (median of \(repetitions) × \(steps) steps; \(defaultKernelThreads) cores)")
            for line in lines { print(line) }
        }
    }

    /// 2·m·n·k summed over the three products of each linear layer (forward, ∂W, ∂x; no ∂x for layer 1).
    static func stepFlops(_ c: SimulationConfig, inputs: Int, outputs: Int) -> Double {
        let widths = [inputs] + c.hidden + [outputs]
        let b = Double(c.batchSize ?? 1)
        var total = 0.0
        for l in 0..<(widths.count - 1) {
            let product = 2 * b * Double(widths[l]) * Double(widths[l + 1])
            total += product * (l == 0 ? 2 : 3)
        }
        return total
    }

    static func matmulGFLOPS(m: Int, n: Int, k: Int, threads: Int, repetitions: Int) throws -> Double {
        var rng = SplitMix64(seed: 3)
        let a = (0..<(m * k)).map { _ in Float(rng.nextUnit()) }
        let b = (0..<(k * n)).map { _ in Float(rng.nextUnit()) }
        var c = [Float](repeating: 0, count: m * n)
        let inner = max(1, Int(2e8 / MatMul.flops(m: m, n: n, k: k)))
        let seconds = try a.withUnsafeBufferPointer { ap in
            try b.withUnsafeBufferPointer { bp in
                try c.withUnsafeMutableBufferPointer { cp in
                    try MatMul.multiply(a: ap, .normal, b: bp, .normal, c: cp, m: m, n: n, k: k, threads: threads)
                    return medianSeconds(repetitions: repetitions) {
                        for _ in 0..<inner {
                            try? MatMul.multiply(
                                a: ap, .normal, b: bp, .normal, c: cp, m: m, n: n, k: k, threads: threads)
                        }
                    }
                }
            }
        }
        return MatMul.flops(m: m, n: n, k: k) * Double(inner) / seconds / 1e9
    }
}

/// The machine's nominal peak floating-point rate per core, from the clock and the
/// vector units /proc/cpuinfo reports, two ways.
struct MachinePeak {
    /// The instructions the kernels are built with (baseline x86-64: SSE2, no FMA):
    /// 4-lane multiplies and adds, at most 1.5 multiply–add pairs per cycle on a core
    /// with three 128-bit FP ports of which two multiply — 12 FLOP/cycle.
    var registerGFLOPS: Double
    /// The widest FMA units the CPU reports (AVX-512: 2 units × 16 floats × 2 FLOP).
    var hardwareGFLOPS: Double
    var hardwareNote: String

    static func measure() -> MachinePeak {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let mhz =
            cpuinfo.split(separator: "\n").first { $0.hasPrefix("cpu MHz") }
            .flatMap { Double($0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces)) } ?? 0
        let flags = cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") } ?? ""
        let perCycle: Double
        let isa: String
        if flags.contains(" avx512f") {
            perCycle = 64
            isa = "AVX-512: 2 FMA units × 16 floats × 2"
        } else if flags.contains(" fma") {
            perCycle = 32
            isa = "AVX2: 2 FMA units × 8 floats × 2"
        } else {
            perCycle = 12
            isa = "SSE: 1.5 × (4-lane mul + add)"
        }
        return MachinePeak(
            registerGFLOPS: mhz * 1e6 * 12 / 1e9, hardwareGFLOPS: mhz * 1e6 * perCycle / 1e9,
            hardwareNote: "\(format3(mhz)) MHz from /proc/cpuinfo × \(Int(perCycle)) FLOP/cycle, \(isa)")
    }
}
