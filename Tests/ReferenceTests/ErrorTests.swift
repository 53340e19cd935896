import Exact
import TestSupport
import XCTest

@testable import Reference

/// Bad input is a ReferenceError naming the value and the rule.
final class ErrorTests: XCTestCase {
    let x42 = Tensor<Rational>(shape: [4, 2], values: [1, 2, 3, 6, 5, 4, 7, 0])

    func testBatchNormErrors() {
        assertReferenceError(
            BatchNormOperation.self, makeCase("batchnorm", inputs: []), contains: "input x is required")
        assertReferenceError(
            BatchNormOperation.self, makeCase("batchnorm", inputs: [("x", Tensor(shape: [0, 2], values: []))]),
            contains: "empty batch")
        assertReferenceError(
            BatchNormOperation.self, makeCase("batchnorm", inputs: [("x", Tensor(vector: [1, 2]))]),
            contains: "must be (N, C) or (N, C, H, W)")
        assertReferenceError(
            BatchNormOperation.self,
            makeCase("batchnorm", inputs: [("x", x42), ("gamma", Tensor(vector: [1, 2, 3]))]),
            contains: "input gamma has shape [3] (3 values); it must hold one value per channel, C = 2")
        assertReferenceError(
            BatchNormOperation.self,
            makeCase("batchnorm", inputs: [("x", x42), ("dy", Tensor(shape: [2, 4], values: x42.values))]),
            contains: "input dy has shape [2, 4] but x has shape [4, 2]")
        let constantChannel = Tensor<Rational>(shape: [3, 3], values: [1, 2, 5, 2, 3, 5, 3, 1, 5])
        assertReferenceError(
            BatchNormOperation.self, makeCase("batchnorm", params: [("eps", "0")], inputs: [("x", constantChannel)]),
            contains: "channel 2 has zero variance and eps = 0: x̂ is undefined")
        assertReferenceError(
            BatchNormOperation.self,
            makeCase("batchnorm", params: [("eps", "0")], inputs: [("x", Tensor(shape: [1, 2], values: [1, 2]))]),
            contains: "channel 0 has zero variance (a batch of one value) and eps = 0")
        assertReferenceError(
            BatchNormOperation.self, makeCase("batchnorm", params: [("eps", "-1e-5")], inputs: [("x", x42)]),
            contains: "eps = -1/100000 is negative")
        assertReferenceError(
            BatchNormOperation.self, makeCase("batchnorm", params: [("momentum", "1.5")], inputs: [("x", x42)]),
            contains: "momentum = 3/2 is outside [0, 1]")
        assertReferenceError(
            BatchNormOperation.self, makeCase("batchnorm", convention: "tensorflow", inputs: [("x", x42)]),
            contains: "convention \"tensorflow\" is unknown; known conventions: pytorch, pytorch-cma, keras")
        assertReferenceError(
            BatchNormOperation.self, makeCase("batchnorm", params: [("mode", "test")], inputs: [("x", x42)]),
            contains: "parameter mode = \"test\" must be one of train, eval")
        // A batch of one with ε > 0 normalises, but PyTorch's unbiased running variance is undefined.
        assertReferenceError(
            BatchNormOperation.self, makeCase("batchnorm", inputs: [("x", Tensor(shape: [1, 2], values: [1, 2]))]),
            contains: "a batch of one value per channel has no unbiased variance")
        XCTAssertNoThrow(
            try BatchNormOperation.run(
                makeCase("batchnorm", convention: "caffe", inputs: [("x", Tensor(shape: [1, 2], values: [1, 2]))]),
                as: Surd.self))
        assertReferenceError(
            BatchNormOperation.self,
            makeCase(
                "batchnorm", params: [("mode", "eval"), ("eps", "0")],
                inputs: [("x", x42), ("running_var", Tensor(vector: [1, 0]))]),
            contains: "channel 1 has running variance 0 and eps = 0")
        assertReferenceError(
            BatchNormOperation.self,
            makeCase("batchnorm", inputs: [("x", x42), ("running_var", Tensor(vector: [1, -1]))]),
            contains: "running_var[1] = -1 is negative")
    }

    func testGroupLayerStandardizeRunningStatsErrors() {
        assertReferenceError(
            GroupNormOperation.self, makeCase("groupnorm", params: [("groups", "3")], inputs: [("x", x42)]),
            contains: "groups = 3 must be a positive divisor of the channel count C = 2")
        assertReferenceError(
            GroupNormOperation.self, makeCase("groupnorm", inputs: [("x", x42)]),
            contains: "parameter groups is required")
        assertReferenceError(
            LayerNormOperation.self,
            makeCase(
                "layernorm", params: [("eps", "0")], inputs: [("x", Tensor(shape: [2, 2], values: [1, 2, 3, 3]))]),
            contains: "sample 1 has zero variance and eps = 0")
        assertReferenceError(
            LayerNormOperation.self,
            makeCase("layernorm", inputs: [("x", x42), ("gamma", Tensor(vector: [1, 2, 3]))]),
            contains: "input gamma has 3 values; it must have 2")
        assertReferenceError(
            StandardizeOperation.self, makeCase("standardize", inputs: [("x", Tensor(vector: [5]))]), contains: "N = 1")
        assertReferenceError(
            StandardizeOperation.self, makeCase("standardize", inputs: [("x", Tensor(vector: []))]), contains: "empty")
        assertReferenceError(
            StandardizeOperation.self, makeCase("standardize", inputs: [("x", Tensor(vector: [2, 2]))]),
            contains: "x is constant")
        assertReferenceError(
            StandardizeOperation.self,
            makeCase("standardize", params: [("correction", "2")], inputs: [("x", Tensor(vector: [1, 2]))]),
            contains: "correction = 2 must be 0")
        assertReferenceError(
            RunningStatsOperation.self, makeCase("running-stats", inputs: [("batches", x42)]),
            contains: "must be (K, N, C)")
        assertReferenceError(
            RunningStatsOperation.self,
            makeCase(
                "running-stats", convention: "keras2", inputs: [("batches", Tensor(shape: [2, 1, 1], values: [1, 2]))]),
            contains: "needs m > 1 + eps")
        assertReferenceError(
            RunningStatsOperation.self,
            makeCase(
                "running-stats", convention: "onnx", params: [("momentum", "-0.1")],
                inputs: [("batches", Tensor(shape: [1, 2, 1], values: [1, 2]))]),
            contains: "momentum = -1/10 is outside [0, 1] (in convention onnx it is the weight of the old value)")
        assertReferenceError(
            BatchNormFoldOperation.self,
            makeCase(
                "bn-fold",
                inputs: [
                    ("W", Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])),
                    ("x", Tensor(shape: [1, 2], values: [1, 2])),
                ]),
            contains: "it must be (N, 3)")
        // Notes 004 averages σ: with ε > 0 the eval root √(σ̄² + ε) of a surd σ̄ is a nested radical.
        assertReferenceError(
            RunningStatsOperation.self,
            makeCase(
                "running-stats", convention: "notes-004", params: [("eps", "1/10")],
                inputs: [
                    ("batches", Tensor(shape: [1, 3, 1], values: [0, 0, 3])),
                    ("x", Tensor(shape: [1, 1], values: [1])),
                ]),
            contains: "nested")
    }
}
