import Exact
import Foundation
import OrderedJSON
import Reference

/// One degree of `normlab bench bias-variance`: the time of the exact
/// decomposition and its values.
public struct BiasVarianceBenchRow: Sendable {
    public let degree: Int
    public let seconds: Double
    public let trace: Trace<Surd>
}

/// The exact bias–variance decomposition of polynomial fits of degree
/// 0…4 in the world x ∈ {−1, 0, 1, 2} uniform, f(x) = x², noise ±1 (8
/// outcomes), over every dataset of n = 6 draws.
public func runBiasVarianceBenchmark(repetitions: Int) throws -> (datasets: BigInt, rows: [BiasVarianceBenchRow]) {
    var input = BiasVarianceOperation.example
    input.setParam("n", "6")
    var rows: [BiasVarianceBenchRow] = []
    for degree in 0...4 {
        input.setParam("degree", "\(degree)")
        var trace = try BiasVarianceOperation.run(input, as: Surd.self)
        let seconds = medianSeconds(repetitions: repetitions) {
            if let again = try? BiasVarianceOperation.run(input, as: Surd.self) { trace = again }
        }
        rows.append(BiasVarianceBenchRow(degree: degree, seconds: seconds, trace: trace))
    }
    return (Multisets.count(size: 6, categories: 8), rows)
}

/// Exact least squares on NIST's Filip (82 observations, a degree-10
/// polynomial with intercept: an 82 × 11 design), against the same
/// elimination in Double, with NIST's certified estimates to compare. The
/// data ships in this module's resources (public domain, see
/// Tests/Data/nist-strd/README.md).
public struct FilipBenchResult: Sendable {
    public let exactSeconds: Double
    public let doubleSeconds: Double
    public let exact: [Surd]
    public let double: [Double]
    public let certified: [String]
}

public func runFilipBenchmark(repetitions: Int) throws -> FilipBenchResult {
    guard let url = Bundle.module.url(forResource: "Filip", withExtension: "json", subdirectory: "Data"),
        let data = try? Data(contentsOf: url)
    else { throw BenchmarkError("the Filip data is missing from the Benchmarks resources") }
    let json = try JSONValue(parsing: String(decoding: data, as: UTF8.self))
    guard let xs = json["x"]?.arrayValue?.compactMap(\.stringValue),
        let ys = json["y"]?.arrayValue?.compactMap(\.stringValue)
    else { throw BenchmarkError("Filip.json has no x and y arrays") }
    let x = try xs.map { try Rational(parsing: $0) }
    let y = try ys.map { try Rational(parsing: $0) }
    let design = Tensor(
        shape: [x.count, 10], values: try x.flatMap { value in try (1...10).map { try value.power($0) } })
    let input = CaseInput(
        op: Ridge.name, params: [("intercept", "true")], inputs: [("X", design), ("y", Tensor(vector: y))])
    var exact = try Ridge.run(input, as: Surd.self)
    let exactSeconds = medianSeconds(repetitions: repetitions) {
        if let trace = try? Ridge.run(input, as: Surd.self) { exact = trace }
    }
    var double = try Ridge.run(input, as: Double.self)
    let doubleSeconds = medianSeconds(repetitions: repetitions) {
        if let trace = try? Ridge.run(input, as: Double.self) { double = trace }
    }
    let certified =
        json["certified"]?["parameters"]?.arrayValue?.compactMap { $0["estimate"]?.stringValue } ?? []
    return FilipBenchResult(
        exactSeconds: exactSeconds, doubleSeconds: doubleSeconds, exact: exact["w"]?.values ?? [],
        double: double["w"]?.values ?? [], certified: certified)
}
