import Exact
import TestSupport
import XCTest

@testable import Reference

/// Each convention against a small example worked by hand (the expected
/// numbers below were derived on paper from the formulas in
/// docs/CONVENTIONS.md, not by running the code).
///
/// Data for all: one channel, K = 2 batches of m = 2 values,
/// batch 1 = [1, 3]: μ = 2, σ²_b = 1, σ²_u = 2;
/// batch 2 = [2, 6]: μ = 4, σ²_b = 4, σ²_u = 8.
/// Initial running mean 0, variance 1 (the convention's defaults).
final class ConventionTests: XCTestCase {
    /// The examples are worked by hand with each convention's nominal momentum
    /// and ε (0.1, 1e-5, …) as exact decimals, so they are given explicitly: a
    /// case's defaults are the nearest doubles to those values.
    func run(
        _ convention: String, params: [(String, String)] = [], batches: [Rational] = [1, 3, 2, 6],
        shape: [Int] = [2, 2, 1],
        extra: [(String, Tensor<Rational>)] = []
    ) throws -> Trace<Surd> {
        let preset = try BatchNormConvention.named(convention)
        var params = params
        if !params.contains(where: { $0.0 == "momentum" }) {
            params.append(("momentum", preset.defaultMomentum.description))
        }
        if !params.contains(where: { $0.0 == "eps" }) { params.append(("eps", preset.defaultEps.description)) }
        return try RunningStatsOperation.run(
            makeCase(
                "running-stats", convention: convention, params: params,
                inputs: [("batches", Tensor(shape: shape, values: batches))] + extra), as: Surd.self)
    }

    func assertRunning(
        _ convention: String, mean: String, variance: String, params: [(String, String)] = [],
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let trace = try run(convention, params: params)
        XCTAssertEqual(
            trace["running_mean"]!.values, [surd(mean)], "\(convention) running mean", file: file, line: line)
        XCTAssertEqual(
            trace["running_var"]!.values, [surd(variance)], "\(convention) running var", file: file, line: line)
    }

    func testPyTorch() throws {
        // factor 0.1 on the new batch, unbiased: RM = 0.9·0 + 0.1·2 = 0.2, then 0.9·0.2 + 0.1·4 = 0.58;
        // RV = 0.9·1 + 0.1·2 = 1.1, then 0.9·1.1 + 0.1·8 = 1.79.
        try assertRunning("pytorch", mean: "29/50", variance: "179/100")
    }

    func testPyTorchCumulative() throws {
        // factor 1/k: RM = 2, then 2 + (4 − 2)/2 = 3; RV = 2, then 2 + (8 − 2)/2 = 5.
        try assertRunning("pytorch-cma", mean: "3", variance: "5")
    }

    func testKerasAndFlax() throws {
        // decay 0.99 on the old value, biased: RM = 0.01·2 = 0.02, then 0.99·0.02 + 0.01·4 = 0.0598;
        // RV = 0.99·1 + 0.01·1 = 1, then 0.99·1 + 0.01·4 = 1.03.
        try assertRunning("keras", mean: "0.0598", variance: "1.03")
        try assertRunning("flax", mean: "0.0598", variance: "1.03")
    }

    func testKeras2() throws {
        // Fed variance σ²_b·m/(m − 1 − ε) with ε = 1e-3: 2/0.999 = 2000/999 and 8000/999.
        // RV₁ = 0.99 + 0.01·2000/999 = 0.99 + 20/999; RV₂ = 0.99·RV₁ + 0.01·8000/999
        //     = 0.9801 + 19.8/999 + 80/999 = 0.9801 + 99.8/999 = (979.1199 + 99.8)/999 = 1078.9199/999.
        try assertRunning("keras2", mean: "0.0598", variance: "10789199/9990000")
    }

    func testOnnxMxnetAndNotes001() throws {
        // decay 0.9, biased: RM = 0.2, then 0.58; RV = 0.9 + 0.1·1 = 1, then 0.9·1 + 0.1·4 = 1.3.
        try assertRunning("onnx", mean: "29/50", variance: "13/10")
        try assertRunning("mxnet", mean: "29/50", variance: "13/10")
        try assertRunning("notes-001", mean: "29/50", variance: "13/10")
    }

    func testTFFused() throws {
        // factor 1.0 on the new batch, unbiased: the last batch's statistics, 4 and 8.
        try assertRunning("tf-fused", mean: "4", variance: "8")
        // With factor 0.5: RM = 1, then 0.5 + 2 = 2.5; RV = 0.5 + 1 = 1.5, then 0.75 + 4 = 4.75.
        try assertRunning("tf-fused", mean: "5/2", variance: "19/4", params: [("momentum", "0.5")])
    }

    func testTFKerasFusedCudnnOneDNNAndThePaper() throws {
        // tf-keras-fused: decay 0.99, unbiased: RM as keras (0.0598);
        // RV = 0.99·1 + 0.01·2 = 1.01, then 0.99·1.01 + 0.01·8 = 0.9999 + 0.08 = 1.0799.
        try assertRunning("tf-keras-fused", mean: "0.0598", variance: "1.0799")
        // cudnn: factor 1 on the new batch, unbiased: the last batch's 4 and 8.
        try assertRunning("cudnn", mean: "4", variance: "8")
        // onednn-graph: decay 0.5, biased: RM = 1, then 0.5 + 2 = 2.5; RV = 0.5 + 0.5 = 1, then 0.5 + 2 = 2.5.
        try assertRunning("onednn-graph", mean: "5/2", variance: "5/2")
        // The paper's Algorithm 2 (as notes 002): 3 and m/(m − 1)·(1 + 4)/2 = 5.
        try assertRunning("ioffe-szegedy", mean: "3", variance: "5")
    }

    func testCaffe() throws {
        // d = 0.999, c = m/(m − 1) = 2. Sums: s₀ = 2, s₁ = 2·1 = 2, s₂ = 1 → (2, 2);
        // then s₀ = 4 + 0.999·2 = 5.998, s₁ = 8 + 0.999·2 = 9.998, s₂ = 1.999
        // → RM = 5998/1999, RV = 9998/1999.
        try assertRunning("caffe", mean: "5998/1999", variance: "9998/1999")
        let trace = try run("caffe")
        XCTAssertEqual(trace["caffe_scale"]!.values, [surd("1"), surd("1999/1000")])
    }

    func testNotes002Algorithm2() throws {
        // E[x] = (2 + 4)/2 = 3; Var[x] = m/(m − 1)·(1 + 4)/2 = 2·5/2 = 5.
        try assertRunning("notes-002", mean: "3", variance: "5")
    }

    func testNotes000AveragesStandardDeviations() throws {
        // σ₁ = 1, σ₂ = 2: mean σ = 3/2, Var = 9/4; E = 3.
        try assertRunning("notes-000", mean: "3", variance: "9/4")
        // m = 3: batch [0, 0, 3]: μ = 1, σ² = (1 + 1 + 4)/3 = 2, σ = √2;
        // batch [0, 1, 2]: μ = 1, σ² = 2/3, σ = √6/3. Mean σ = (√2 + √6/3)/2, so
        // Var = (2 + 2·√2·√6/3 + 6/9)/4 = (8/3 + (4/3)√3)/4 = 2/3 + √3/3 — two radicands, exactly.
        let trace = try run("notes-000", batches: [0, 0, 3, 0, 1, 2], shape: [2, 3, 1])
        XCTAssertEqual(trace["running_mean"]!.values, [surd("1")])
        XCTAssertEqual(trace["running_var"]!.values, [surd("2/3+1/3*sqrt(3)")])
        XCTAssertEqual(trace["running_std_history"]!.values.last, surd("1/2*sqrt(2)+1/6*sqrt(6)"))
    }

    func testNotes004MovingAverageOfStandardDeviations() throws {
        // α = 0.9 on the old σ, initial σ = √1 = 1: σ̄ = 0.9 + 0.1·1 = 1, then 0.9 + 0.1·2 = 1.1;
        // Var = 1.21. RM: 0.2, 0.58.
        try assertRunning("notes-004", mean: "29/50", variance: "121/100")
    }

    func testPyTorchSingleStepInBatchNormAndEvalOutput() throws {
        // One batchnorm training step on batch 1 gives the pytorch numbers of the
        // first batch: RM = 0.2, RV = 1.1.
        let trace = try BatchNormOperation.run(
            makeCase(
                "batchnorm", params: [("momentum", "1/10")],
                inputs: [("x", Tensor(shape: [2, 1], values: [1, 3]))]), as: Surd.self)
        XCTAssertEqual(trace.step("running_mean", role: .output)!.tensor.values, [surd("1/5")])
        XCTAssertEqual(trace.step("running_var", role: .output)!.tensor.values, [surd("11/10")])
        XCTAssertEqual(trace.step("running_var", role: .input)!.tensor.values, [surd("1")])
        // Eval after pytorch with ε = 0: a = 1/√1.79, b = −0.58/√1.79; x = 0.58 → y = 0.
        let eval = try run(
            "pytorch", params: [("eps", "0")],
            extra: [("x", Tensor(shape: [2, 1], values: [rational("0.58"), rational("2.37")]))])
        XCTAssertEqual(eval["y"]!.values[0], .zero)
        // 1.79/√1.79 = √1.79
        XCTAssertEqual(eval["y"]!.values[1], Surd(rational("1.79")) / (try Surd.squareRoot(of: rational("1.79"))))
    }

    func testMomentumMeaningAndOverridesAreData() throws {
        XCTAssertEqual(BatchNormConvention.pytorch.momentumMeaning, .factorOnNew)
        XCTAssertEqual(BatchNormConvention.keras.momentumMeaning, .decayOnOld)
        XCTAssertEqual(BatchNormConvention.keras.defaultEps, rational("1e-3"))
        XCTAssertEqual(BatchNormConvention.notes001.epsPlacement, .outsideRoot)
        XCTAssertEqual(Set(BatchNormConvention.presetNames).count, BatchNormConvention.presets.count)
        // pytorch with the running variance fed the biased variance: RV = 0.9·1 + 0.1·1 = 1, then 0.9 + 0.4 = 1.3.
        try assertRunning("pytorch", mean: "29/50", variance: "13/10", params: [("running_var_estimator", "biased")])
    }
}
