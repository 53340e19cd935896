import OrderedJSON
import XCTest

@testable import Simulator

/// Each preset's outcome — the notes' claim — not its exact numbers. The presets
/// run here at a reduced size (fewer steps, sometimes narrower layers), said in
/// each test, chosen so the outcome still shows; `normlab simulate --preset NAME`
/// runs the full size, whose figures the README and BENCHMARKS.md quote.
final class PresetOutcomeTests: XCTestCase {
    func run(_ preset: Preset, _ adjust: @escaping (inout SimulationConfig) -> Void) throws -> ExperimentOutcome {
        let experiment = try Experiment(
            preset: preset,
            adjust: { config in
                var c = config
                adjust(&c)
                return c
            })
        return try experiment.run(threads: 2, readFile: { _ in "" })
    }

    func number(_ result: RunResult?, _ key: String) -> Double? { result?.extra(key)?.numberText.flatMap(Double.init) }

    func numbers(_ result: RunResult?, _ key: String) -> [Double] {
        result?.extra(key)?.arrayValue?.compactMap { $0.numberText.flatMap(Double.init) } ?? []
    }

    /// Notes 003, "Initialization vs. optimization": c = 3 NaN, c = 2 works, c = 1 no progress.
    /// Reduced: 30 layers of width 48 (not 100), 300 steps (not 600).
    func testInitScale() throws {
        let outcome = try run(Presets.initScale) {
            $0.hidden = Array(repeating: 48, count: 30)
            $0.steps = 300
        }
        XCTAssertEqual(outcome.result("c=3")?.status, .diverged)
        XCTAssertNotNil(outcome.result("c=3")?.divergence?.layer)
        XCTAssertEqual(outcome.result("c=2")?.status, .trained)
        XCTAssertEqual(outcome.result("c=1")?.status, .stalled)
        // The activation norms at initialization grow with depth for c = 3 and shrink for c = 1.
        let norms = outcome.findings.first { $0.0 == "act_norm_at_init" }!.1
        func ratio(_ run: String) -> Double {
            let values = norms[run]!.arrayValue!.compactMap { $0.numberText.flatMap(Double.init) }
            return values.last! / values.first!
        }
        XCTAssertGreaterThan(ratio("c=3"), 20)
        XCTAssertLessThan(ratio("c=1"), 0.01)
        XCTAssertGreaterThan(ratio("c=2"), 0.1)
        XCTAssertLessThan(ratio("c=2"), 10)
    }

    /// Notes 003: the weights of a trained net stay near their initial values.
    /// Reduced: 600 steps (not 1500).
    func testInitPersists() throws {
        let outcome = try run(Presets.initPersists) { $0.steps = 600 }
        let result = outcome.results[0]
        XCTAssertEqual(result.status, .trained)
        XCTAssertLessThan(result.finalTrainLoss, 0.1 * result.initialTrainLoss)
        let drift = try XCTUnwrap(number(result, "max_hidden_weight_drift"))
        XCTAssertLessThan(drift, 0.3)
        XCTAssertGreaterThan(drift, 0)
    }

    /// Notes 003, "Normalization": at c = 1 the plain deep net makes no progress, with BN it trains.
    /// Reduced: 30 layers of width 48 (not 100), 300 steps (not 600).
    func testBatchnormVsPlain() throws {
        let outcome = try run(Presets.batchnormVsPlain) {
            $0.hidden = Array(repeating: 48, count: 30)
            $0.steps = 300
        }
        XCTAssertEqual(outcome.result("plain")?.status, .stalled)
        XCTAssertEqual(outcome.result("batchnorm")?.status, .trained)
        XCTAssertLessThan(
            outcome.result("batchnorm")!.finalTrainLoss, 0.5 * outcome.result("plain")!.finalTrainLoss)
    }

    /// Notes 003, "LayerNorm illustration": layer norm trains the MLP to a higher loss than batch norm.
    /// Reduced: 500 steps (not 1000).
    func testLayernormVsBatchnorm() throws {
        let outcome = try run(Presets.layernormVsBatchnorm) { $0.steps = 500 }
        let bn = try XCTUnwrap(outcome.result("batchnorm"))
        let ln = try XCTUnwrap(outcome.result("layernorm"))
        XCTAssertEqual(bn.status, .trained)
        XCTAssertEqual(ln.status, .trained)
        XCTAssertGreaterThan(ln.finalTrainLoss, 1.2 * bn.finalTrainLoss)
    }

    /// Notes 003, "Minibatch dependence". Reduced: 200 steps (not 400).
    func testMinibatchDependence() throws {
        let outcome = try run(Presets.minibatchDependence) { $0.steps = 200 }
        let result = outcome.results[0]
        XCTAssertGreaterThan(try XCTUnwrap(number(result, "train_mode_logit_spread")), 0.01)
        XCTAssertEqual(result.extra("eval_mode_depends_on_batch"), .bool(false))
        let first = try XCTUnwrap(number(result, "running_mean_gap_first"))
        let last = try XCTUnwrap(number(result, "running_mean_gap_last"))
        XCTAssertLessThan(last, 0.25 * first, "running statistics approach the population's")
    }

    /// Notes 001 §7.3: dropout narrows the gap; weight scaling ≈ the Monte-Carlo committee.
    /// Reduced: 300 steps (not 500).
    func testDropout() throws {
        let outcome = try run(Presets.dropout) { $0.steps = 300 }
        let plain = try XCTUnwrap(number(outcome.result("p=0"), "generalization_gap"))
        let dropped = try XCTUnwrap(number(outcome.result("p=0.5"), "generalization_gap"))
        XCTAssertLessThan(dropped, plain)
        let mc = try XCTUnwrap(number(outcome.result("p=0.5"), "monte_carlo_test_accuracy"))
        let scaled = try XCTUnwrap(number(outcome.result("p=0.5"), "weight_scaled_test_accuracy"))
        XCTAssertLessThan(abs(mc - scaled), 0.02)
        XCTAssertLessThan(try XCTUnwrap(number(outcome.result("p=0.5"), "mean_abs_probability_difference")), 0.05)
    }

    /// Notes 003 / 001 §7.2: weight decay gives smaller weights (and here a lower test loss).
    /// Reduced: 300 steps (not 500).
    func testWeightDecay() throws {
        let outcome = try run(Presets.weightDecay) { $0.steps = 300 }
        let free = numbers(outcome.result("lambda=0"), "weight_norms")
        let decayed = numbers(outcome.result("lambda=0.005"), "weight_norms")
        XCTAssertEqual(free.count, 3)
        for (a, b) in zip(free, decayed) { XCTAssertLessThan(b, a) }
        XCTAssertLessThan(
            outcome.result("lambda=0.005")!.finalTestLoss!, outcome.result("lambda=0")!.finalTestLoss!)
        XCTAssertEqual(number(outcome.result("lambda=0.005"), "shrink_factor"), 1 - 0.1 * 0.005)
    }

    /// Notes 003 (Cohen et al.): the sharpness reaches 2/η and hovers there.
    /// Reduced: 400 steps (not 800).
    func testEdgeOfStability() throws {
        let outcome = try run(Presets.edgeOfStability) { $0.steps = 400 }
        for result in outcome.results {
            XCTAssertEqual(result.status, .trained, result.name)
            let ratio = try XCTUnwrap(number(result, "late_median_sharpness_over_two_over_eta"), result.name)
            XCTAssertGreaterThan(ratio, 0.8, result.name)
            XCTAssertLessThan(ratio, 1.25, result.name)
        }
    }

    /// Notes 003 (TENT): on shifted data, batch statistics beat running statistics.
    /// Reduced: 300 steps (not 1000).
    func testTestTimeBN() throws {
        let outcome = try run(Presets.testTimeBN) { $0.steps = 300 }
        let result = outcome.results[0]
        let running = try XCTUnwrap(number(result, "shifted_accuracy_running_stats"))
        let batch = try XCTUnwrap(number(result, "shifted_accuracy_batch_stats"))
        XCTAssertGreaterThan(batch, running + 0.2)
        let clean = try XCTUnwrap(number(result, "clean_accuracy_running_stats"))
        XCTAssertGreaterThan(clean, 0.9)
    }
}
