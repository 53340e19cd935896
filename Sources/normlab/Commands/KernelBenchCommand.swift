import ArgumentParser
import Exact
import Foundation
import Kernels
import OrderedJSON
import Reference

/// `normlab bench kernels`: the SIMD kernels against a memory copy of the same
/// bytes, plain scalar loops and NormLab's traced Double reference, in one run
/// on the same data.
struct KernelBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernels",
        abstract: "Throughput of the SIMD kernels against a memory copy, scalar loops and the Double reference.",
        discussion: """
            Sizes (N, C) = (256, 1024), (4096, 256) and NCHW (64, 64, 32, 32), Float and Double, batch-norm \
            forward and forward+backward, layer/group norm forward. GB/s counts the tensor bytes read and \
            written. Each figure is the median of --repetitions runs after a warm-up.
            """
    )

    @Option(help: "Runs per measurement (median reported).")
    var repetitions = 9

    @Option(help: "Thread counts for the kernels and the copy, comma-separated (default: 1 and all cores).")
    var threads: String?

    @Flag(help: "Print a JSON array of {engine, op, dtype, shape, threads, elements_per_s, gbps}.")
    var json = false

    @Flag(help: "Small shapes, for a quick look.")
    var quick = false

    @Flag(help: "Skip the traced reference (slow: it records every intermediate).")
    var noReference = false

    func validate() throws {
        guard (1...1000).contains(repetitions) else {
            throw ValidationError("--repetitions \(repetitions) must be 1…1000")
        }
        if let threads, threadList(threads) == nil {
            throw ValidationError("--threads \"\(threads)\" must be positive integers like 1,2")
        }
    }

    private func threadList(_ text: String) -> [Int]? {
        let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 1 }) else { return nil }
        return values.map { $0! }
    }

    func run() throws {
        let shapes: [NormShape] =
            quick
            ? [.nc(n: 64, c: 256), .nchw(n: 8, c: 16, h: 16, w: 16)]
            : [.nc(n: 256, c: 1024), .nc(n: 4096, c: 256), .nchw(n: 64, c: 64, h: 32, w: 32)]
        let reference: ScalarBatchNormForward? =
            noReference
            ? nil
            : {
                tracedReference(x: $0, shape: $1, gamma: $2, beta: $3, eps: $4, y: $5)
            }
        let results = runKernelBenchmarks(
            repetitions: repetitions,
            threadsList: threads.flatMap(threadList) ?? [1, defaultKernelThreads],
            scalarReference: reference, shapes: shapes)
        if json {
            print(
                JSONValue.array(
                    results.map { result -> JSONValue in
                        .object([
                            ("engine", .string(result.engine)), ("op", .string(result.op)),
                            ("dtype", .string(result.dtype)),
                            ("shape", .array(result.shape.map { .int($0) })), ("threads", .int(result.threads)),
                            ("elements_per_s", .number("\(result.elementsPerSecond)")),
                            ("gbps", .number("\(result.gbps)")),
                        ])
                    }
                ).serialized())
        } else {
            print(
                "normlab bench kernels  (median of \(repetitions); \(ProcessInfo.processInfo.activeProcessorCount) cores)"
            )
            print(formatKernelBenchTable(results))
        }
    }
}

/// NormLab's Double reference as a benchmark engine: the batch-norm operation
/// run in Double, recording every forward intermediate, on the bench's data.
private func tracedReference(
    x: UnsafeBufferPointer<Double>, shape: NormShape, gamma: [Double], beta: [Double], eps: Double,
    y: UnsafeMutableBufferPointer<Double>
) {
    let dims: [Int]
    switch shape {
    case .nc(let n, let c): dims = [n, c]
    case .nchw(let n, let c, let h, let w): dims = [n, c, h, w]
    }
    let exact = { (values: [Double]) in values.map { try! Rational(exactly: $0) } }
    let input = CaseInput(
        op: "batchnorm", params: [("eps", (try! Rational(exactly: eps)).description), ("mode", "train")],
        inputs: [
            ("x", Tensor(shape: dims, values: exact(Array(x)))),
            ("gamma", Tensor(vector: exact(gamma))), ("beta", Tensor(vector: exact(beta))),
        ])
    guard let trace = try? BatchNormOperation.run(input, as: Double.self), let output = trace["y"] else { return }
    for index in output.values.indices { y[index] = output.values[index] }
}
