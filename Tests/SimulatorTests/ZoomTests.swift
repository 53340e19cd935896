import Exact
import OrderedJSON
import Reference
import XCTest

@testable import Simulator

/// The exact zoom: a layer's normalization or dropout at a step, written as a case
/// the reference reads, and the kernel's live outputs held to the exact values.
final class ZoomTests: XCTestCase {
    func zoom(_ adjust: (inout SimulationConfig) -> Void, layer: Int = 2, step: Int = 4) throws -> (
        ZoomReport, String
    ) {
        var c = SimulationConfig()
        c.dataset = "spiral"
        c.samples = 120
        c.hidden = [12, 8]
        c.batchSize = 16
        c.steps = 6
        adjust(&c)
        let data = try c.loadData { _ in "" }
        let trainer = try makeTrainer(name: "z", config: c, data: data, threads: 2)
        var written = ""
        let capture = try ZoomCapture.attach(
            ZoomRequest(layer: layer, step: step, file: "case.json"), to: trainer, write: { _, text in written = text })
        try trainer.runToEnd()
        return (try XCTUnwrap(try capture.finish(trainer)), written)
    }

    func row(_ report: ZoomReport, _ name: String) throws -> ZoomReport.Row {
        try XCTUnwrap(report.rows.first { $0.name == name }, "\(report.op) has no \(name)")
    }

    func testEveryNormalizationAndDropoutInBothPrecisions() throws {
        let settings: [(String, (inout SimulationConfig) -> Void)] = [
            ("batchnorm", { $0.normalization = .batchnorm }),
            ("layernorm", { $0.normalization = .layernorm }),
            ("groupnorm", { $0.normalization = .groupnorm }),
            ("dropout", { $0.dropout = [0.3] }),
        ]
        for precision in Precision.allCases {
            for (op, setting) in settings {
                let (report, text) = try zoom({
                    setting(&$0)
                    $0.precision = precision
                })
                XCTAssertEqual(report.op, op)
                // The written case is what `normlab trace OP --input FILE` reads: parse it back and trace it.
                let input = try CaseInput(json: try JSONValue(parsing: text))
                XCTAssertEqual(input.op, op)
                XCTAssertEqual(input.precision.rawValue, precision.rawValue)
                let trace = try TraceSet(ReferenceOperations.named(op)!, input: input)
                XCTAssertEqual(trace.exact.step("x", role: .input)?.tensor.shape, [16, 8])
                // y within a few ulp of the correctly rounded exact value; the backward pass normwise.
                let u = precision == .f32 ? 0x1p-24 : 0x1p-53
                XCTAssertLessThanOrEqual(try row(report, "y").maxUlp, 4, "\(op) \(precision)")
                XCTAssertLessThan(try row(report, "dx").normwise, 64 * u, "\(op) \(precision)")
                if op != "dropout" {
                    XCTAssertLessThanOrEqual(try row(report, "mean").maxUlp, 1, "\(op) \(precision)")
                    XCTAssertLessThan(try row(report, "dgamma").normwise, 64 * u, "\(op) \(precision)")
                }
                if op == "batchnorm" {
                    XCTAssertLessThanOrEqual(try row(report, "running_mean").maxUlp, 2, "\(precision)")
                }
            }
        }
    }

    func testBadRequests() throws {
        XCTAssertThrowsError(try zoom({ _ in }, layer: 1)) {
            XCTAssertTrue(($0 as! SimulatorError).message.contains("has no normalization and no dropout"))
        }
        XCTAssertThrowsError(try zoom({ $0.normalization = .batchnorm }, step: 7)) {
            XCTAssertTrue(($0 as! SimulatorError).message.contains("past the end"))
        }
        XCTAssertThrowsError(try ZoomRequest(parsing: "3-100", file: "x"))
    }
}
