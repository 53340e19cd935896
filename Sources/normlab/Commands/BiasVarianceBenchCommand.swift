import ArgumentParser
import Exact
import Foundation
import Reference

/// `normlab bench bias-variance`: the cost of the exact bias–variance
/// decomposition and of exact least squares on NIST's Filip design.
struct BiasVarianceBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bias-variance",
        abstract:
            "Exact bias–variance decompositions (8 outcomes, n = 6, degrees 0…4) and exact OLS on Filip (82 × 11)."
    )

    @Option(parsing: .unconditional, help: "Repetitions per measurement (the median is reported).")
    var repetitions = 3

    @Option(
        help: "Folder with the NIST StRD JSON files (default: shared/data/nist-strd found above the working directory)."
    )
    var nist: String?

    func validate() throws {
        guard (1...100).contains(repetitions) else {
            throw ValidationError("--repetitions \(repetitions) must be 1…100")
        }
    }

    func run() throws {
        // x ∈ {−1, 0, 1, 2} uniform, f(x) = x², ε = ±1: 8 (x, ε) outcomes; n = 6 draws.
        let base = CaseInput(
            op: BiasVarianceOperation.name, params: [("n", "6")],
            inputs: [
                ("x", Tensor(vector: [-1, 0, 1, 2])), ("target", Tensor(vector: [1, 0, 1, 4])),
                ("noise", Tensor(vector: [-1, 1])),
            ])
        print(
            "exact bias–variance, 8 outcomes, n = 6 (\(Multisets.count(size: 6, categories: 8)) datasets), median of \(repetitions)"
        )
        print("degree  time        bias²        variance     Bayes        risk         R − (b²+v+B)")
        for degree in 0...4 {
            var input = base
            input.setParam("degree", "\(degree)")
            var trace: Trace<Surd>?
            let seconds = medianSeconds(repetitions: repetitions) {
                trace = try! BiasVarianceOperation.run(input, as: Surd.self)
            }
            let t = trace!
            func show(_ name: String) -> String {
                t[name]![0].decimalString(significantDigits: 6).padding(toLength: 13, withPad: " ", startingAt: 0)
            }
            print(
                "\(degree)       " + formatDuration(seconds).padding(toLength: 12, withPad: " ", startingAt: 0)
                    + show("bias2") + show("variance") + show("bayes_error") + show("risk")
                    + t["decomposition_check"]![0].description)
        }
        guard let folder = nist ?? Self.findNIST() else {
            print("\nFilip: shared/data/nist-strd not found; pass --nist FOLDER")
            return
        }
        let url = URL(fileURLWithPath: folder).appendingPathComponent("Filip.json")
        guard let data = try? Data(contentsOf: url),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let xs = object["x"] as? [String], let ys = object["y"] as? [String]
        else {
            throw InputError("--nist \(folder): cannot read Filip.json")
        }
        let x = try xs.map { try Rational(parsing: $0) }
        let y = try ys.map { try Rational(parsing: $0) }
        let design = Tensor(shape: [x.count, 10], values: x.flatMap { value in (1...10).map { try! value.power($0) } })
        let input = CaseInput(
            op: Ridge.name, params: [("intercept", "true")], inputs: [("X", design), ("y", Tensor(vector: y))])
        var exact: Trace<Surd>?
        let exactSeconds = medianSeconds(repetitions: repetitions) { exact = try! Ridge.run(input, as: Surd.self) }
        var double: Trace<Double>?
        let doubleSeconds = medianSeconds(repetitions: repetitions) { double = try! Ridge.run(input, as: Double.self) }
        print(
            "\nFilip, exact OLS on the 82 × 11 design (degree 10): \(formatDuration(exactSeconds)); the same steps in f64: \(formatDuration(doubleSeconds))"
        )
        let certified =
            ((object["certified"] as? [String: Any])?["parameters"] as? [[String: String]])?.compactMap {
                $0["estimate"]
            } ?? []
        print("param  exact (15 digits)        certified                f64 normal equations")
        for (j, text) in certified.enumerated() {
            print(
                "B\(j)".padding(toLength: 7, withPad: " ", startingAt: 0)
                    + exact!["w"]![j].decimalString(significantDigits: 15).padding(
                        toLength: 25, withPad: " ", startingAt: 0)
                    + text.padding(toLength: 25, withPad: " ", startingAt: 0) + "\(double!["w"]![j])")
        }
    }

    static func findNIST() -> String? {
        var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        while directory.path != "/" {
            for candidate in ["shared/data/nist-strd", "../shared/data/nist-strd"] {
                let url = directory.appendingPathComponent(candidate)
                if FileManager.default.fileExists(atPath: url.appendingPathComponent("Filip.json").path) {
                    return url.path
                }
            }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }
}
