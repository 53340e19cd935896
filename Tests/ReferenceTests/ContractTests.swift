import Exact
import OrderedJSON
import TestSupport
import XCTest

@testable import Reference

/// The names consumers count on (DESIGN.md "Names"), the registry, float
/// runs of every op, agreement between operations that share a formula, and
/// cases that read back from their own JSON.
final class ContractTests: XCTestCase {
    func names(_ trace: Trace<Surd>, _ role: StepRole) -> Set<String> { Set(trace.steps(role).map(\.name)) }

    func testNamesContract() throws {
        let x = Tensor<Rational>(shape: [3, 2], values: [1, 2, 3, 5, 4, 0])
        let dy = Tensor<Rational>(shape: [3, 2], values: [1, -1, 0, 2, 1, 1])
        let bn = try BatchNormOperation.run(makeCase("batchnorm", inputs: [("x", x), ("dy", dy)]), as: Surd.self)
        XCTAssertTrue(names(bn, .input).isSuperset(of: ["x", "gamma", "beta", "dy", "running_mean", "running_var"]))
        XCTAssertTrue(names(bn, .intermediate).isSuperset(of: ["mean", "var", "xhat"]))
        XCTAssertTrue(names(bn, .output).isSuperset(of: ["y", "dx", "dgamma", "dbeta", "running_mean", "running_var"]))
        XCTAssertEqual(bn.params.map(\.name).prefix(3), ["eps", "momentum", "mode"])
        let eval = try BatchNormOperation.run(
            makeCase("batchnorm", params: [("mode", "eval")], inputs: [("x", x), ("dy", dy)]), as: Surd.self)
        XCTAssertTrue(
            names(eval, .output).isSuperset(of: ["y", "dx", "dgamma", "dbeta", "running_mean", "running_var"]))
        XCTAssertTrue(names(eval, .intermediate).isSuperset(of: ["mean", "var", "xhat"]))
        for op in [LayerNormOperation.self, GroupNormOperation.self, InstanceNormOperation.self]
            as [any ReferenceOperation.Type]
        {
            let trace = try op.run(
                makeCase(op.name, params: [("groups", "2")], inputs: [("x", x), ("dy", dy)]), as: Surd.self)
            XCTAssertTrue(names(trace, .input).isSuperset(of: ["x", "gamma", "beta", "dy"]), op.name)
            XCTAssertTrue(names(trace, .intermediate).isSuperset(of: ["mean", "var", "xhat"]), op.name)
            XCTAssertTrue(names(trace, .output).isSuperset(of: ["y", "dx", "dgamma", "dbeta"]), op.name)
            XCTAssertTrue(
                trace.params.contains { $0.name == "eps" } && trace.params.contains { $0.name == "groups" }, op.name)
        }
        let standardize = try StandardizeOperation.run(
            makeCase("standardize", inputs: [("x", Tensor(vector: [1, 2, 4]))]), as: Surd.self)
        XCTAssertEqual(names(standardize, .input), ["x"])
        XCTAssertTrue(names(standardize, .output).isSuperset(of: ["mean", "var", "std", "z", "autocorr_lag1"]))
        XCTAssertEqual(standardize.params.first?.name, "correction")
    }

    func testRegistryHasEveryOperationOnce() {
        let all = ReferenceOperations.all.map { $0.name }
        XCTAssertEqual(Set(all).count, all.count)
        for name in [
            "standardize", "batchnorm", "layernorm", "groupnorm", "instancenorm", "running-stats", "bn-fold",
            "bn-facts",
        ] {
            XCTAssertNotNil(ReferenceOperations.named(name), name)
        }
    }

    func testEveryOperationRunsInF64AndF32WithTheSameSteps() throws {
        let cases: [CaseInput] =
            [
                makeCase("standardize", inputs: [("x", Tensor(vector: [1, 2, 4, 8]))]),
                makeCase(
                    "batchnorm",
                    inputs: [
                        ("x", Tensor(shape: [2, 2, 1, 2], values: [1, 2, 3, 5, 4, 0, 1, 1])),
                        ("dy", Tensor(shape: [2, 2, 1, 2], values: [1, 0, 2, 1, 0, -1, 1, 1])),
                    ]),
                makeCase(
                    "layernorm",
                    inputs: [
                        ("x", Tensor(shape: [2, 3], values: [1, 2, 4, 0, 3, 3])),
                        ("dy", Tensor(shape: [2, 3], values: [1, 0, 2, 1, 0, -1])),
                    ]),
                makeCase(
                    "groupnorm", params: [("groups", "2")],
                    inputs: [
                        ("x", Tensor(shape: [1, 4], values: [1, 2, 4, 0])),
                        ("dy", Tensor(shape: [1, 4], values: [1, 0, 2, 1])),
                    ]),
                makeCase("instancenorm", inputs: [("x", Tensor(shape: [1, 2, 1, 2], values: [1, 2, 4, 0]))]),
                makeCase(
                    "running-stats", convention: "keras",
                    inputs: [
                        ("batches", Tensor(shape: [2, 2, 1], values: [1, 3, 2, 6])),
                        ("x", Tensor(shape: [1, 1], values: [1])),
                    ]),
                makeCase(
                    "bn-fold",
                    inputs: [
                        ("W", Tensor(shape: [1, 2], values: [1, 2])), ("x", Tensor(shape: [1, 2], values: [3, 4])),
                    ]),
                makeCase(
                    "bn-facts", params: [("eps", "1/10")],
                    inputs: [
                        ("x", Tensor(shape: [3, 1], values: [1, 2, 6])),
                        ("dy", Tensor(shape: [3, 1], values: [1, -2, 0])),
                    ]),
                makeCase("naive-variance", inputs: [("x", Tensor(vector: [1, 2, 4, 8]))]),
                makeCase(
                    "dropout", params: [("p", "1/2")],
                    inputs: [("x", Tensor(vector: [1, -2, 3, 4])), ("mask", Tensor(vector: [1, 0, 1, 1]))]),
                makeCase(
                    "dropout-regression", params: [("p", "1/2")],
                    inputs: [
                        ("X", Tensor(shape: [3, 2], values: [1, 2, 3, -1, 0, 2])),
                        ("y", Tensor(vector: [1, 0, 2])), ("w", Tensor(vector: [1, -1])),
                    ]),
                makeCase(
                    "dropout-committee", params: [("p", "1/2")],
                    inputs: [
                        ("x", Tensor(vector: [1, -1, 2])), ("S", Tensor(shape: [3, 2], values: [1, -1, 1, 1, 0, 1])),
                        ("v", Tensor(vector: [1, 2])),
                    ]),
                makeCase("dropout-bn-shift", params: [("p", "1/2")], inputs: [("x", Tensor(vector: [1, 2, 3, 6]))]),
                makeCase(
                    "ridge", params: [("intercept", "true")],
                    inputs: [
                        ("X", Tensor(shape: [4, 1], values: [0, 1, 2, 3])), ("y", Tensor(vector: [1, 2, 3, 5])),
                    ]),
                makeCase("double-descent", params: [("n", "3"), ("max_features", "6")], inputs: []),
            ] + Self.worldCases
        XCTAssertEqual(Set(cases.map(\.op)), Set(ReferenceOperations.all.map { $0.name }))
        for var input in cases {
            input.precision = .f32
            let op = ReferenceOperations.named(input.op)!
            let set = try TraceSet(op, input: input)
            XCTAssertEqual(set.exact.steps.map(\.name), set.f64.steps.map(\.name), input.op)
            XCTAssertEqual(set.exact.steps.map(\.name), set.f32!.steps.map(\.name), input.op)
            // Inputs are exactly representable in the target precision.
            for step in set.exact.steps(.input) {
                for value in step.tensor.values {
                    XCTAssertEqual(Surd(try Rational(exactly: value.rounded(to: Float.self))), value)
                }
            }
        }
    }

    /// K training steps of `batchnorm` (batches_seen = 0, 1, …, feeding each
    /// step's running statistics to the next) end where `running-stats` does.
    func testRunningStatsAgreesWithRepeatedBatchNormSteps() throws {
        var generator = SplitMix64(seed: 41)
        var compared = 0
        defer { XCTAssertGreaterThanOrEqual(compared, 9) }
        for convention in BatchNormConvention.presetNames {
            let k = 3
            let shape = [2, 2, 1, 2]
            let batches = (0..<k).map { _ in generator.tensor(shape) }
            if batches.contains(where: { !groupsVary($0, .batchNorm(try! ChannelLayout($0))) }) { continue }
            let convention0 = try BatchNormConvention.named(convention)
            var mean = Tensor(vector: Array(repeating: convention0.initialRunningMean, count: 2))
            var variance = Tensor(vector: Array(repeating: convention0.initialRunningVar, count: 2))
            var lastMean: [Surd] = []
            var lastVar: [Surd] = []
            for (index, batch) in batches.enumerated() {
                let trace = try BatchNormOperation.run(
                    makeCase(
                        "batchnorm", convention: convention, params: [("batches_seen", "\(index)")],
                        inputs: [("x", batch), ("running_mean", mean), ("running_var", variance)]), as: Surd.self)
                lastMean = trace.step("running_mean", role: .output)!.tensor.values
                lastVar = trace.step("running_var", role: .output)!.tensor.values
                let m = lastMean.compactMap(\.rationalValue)
                let v = lastVar.compactMap(\.rationalValue)
                guard m.count == 2, v.count == 2 else { break }
                mean = Tensor(vector: m)
                variance = Tensor(vector: v)
            }
            // σ-averaging: the single-step op needs a rational Var to continue
            guard lastVar.allSatisfy(\.isRational) else { continue }
            let all = Tensor(shape: [k] + shape, values: batches.flatMap(\.values))
            let sequence = try RunningStatsOperation.run(
                makeCase("running-stats", convention: convention, inputs: [("batches", all)]), as: Surd.self)
            XCTAssertEqual(sequence.step("running_mean", role: .output)!.tensor.values, lastMean, convention)
            XCTAssertEqual(sequence.step("running_var", role: .output)!.tensor.values, lastVar, convention)
            compared += 1
        }
    }

    func testCaseJSONReadsBackAsInput() throws {
        let input = makeCase(
            "batchnorm", convention: "onnx", params: [("eps", "1e-3")],
            inputs: [
                ("x", Tensor(shape: [3, 1], values: [1, rational("1/3"), rational("0.1")])),
                ("dy", Tensor(shape: [3, 1], values: [1, 0, -1])),
            ])
        let set = try TraceSet(BatchNormOperation.self, input: input)
        let json = set.exact.caseJSON(precision: .f64, convention: "onnx")
        let again = try CaseInput(json: try JSONValue(parsing: json.serialized()))
        let rerun = try BatchNormOperation.run(again, as: Surd.self)
        XCTAssertEqual(rerun["dx"], set.exact["dx"])
        XCTAssertEqual(
            rerun.step("running_var", role: .output)?.tensor, set.exact.step("running_var", role: .output)?.tensor)
    }

    /// The finite world of the bias–variance ops: x uniform on {−1, 0, 1, 2}, target x², noise ±1.
    static var worldCases: [CaseInput] {
        let world: [(String, Tensor<Rational>)] = [
            ("x", Tensor(vector: [-1, 0, 1, 2])),
            ("x_probs", Tensor(vector: [rational("1/4"), rational("1/4"), rational("1/4"), rational("1/4")])),
            ("target", Tensor(vector: [1, 0, 1, 4])), ("noise", Tensor(vector: [-1, 1])),
            ("noise_probs", Tensor(vector: [rational("1/2"), rational("1/2")])),
        ]
        return [
            makeCase("bias-variance", params: [("n", "2"), ("degree", "1")], inputs: world),
            makeCase("bias-variance-sweep", params: [("n", "2"), ("max_degree", "1")], inputs: world),
            makeCase("bagging", params: [("n", "2"), ("degree", "1"), ("models", "2")], inputs: world),
            makeCase(
                "cross-validation", params: [("degree", "1"), ("folds", "3")],
                inputs: [("x", Tensor(vector: [0, 1, 2, 3, 4, 5])), ("y", Tensor(vector: [1, 0, 2, 5, 7, 12]))]),
        ]
    }
}
