import OrderedJSON
import Simulator
import XCTest

/// A run is a function of its configuration: the same bytes on every repetition
/// and at every thread count (README "Determinism").
final class DeterminismTests: XCTestCase {
    /// Every feature the loop has: batch norm, dropout, momentum, weight decay, shuffling.
    static func config(_ precision: Precision) -> SimulationConfig {
        var c = SimulationConfig()
        // Wide enough that every matmul is split among the workers (above the kernel's
        // one-thread threshold), so the thread counts really differ.
        c.dataset = "digits"
        c.hidden = [128, 96]
        c.normalization = .batchnorm
        c.dropout = [0.2]
        c.momentum = 0.9
        c.weightDecay = 1e-3
        c.learningRate = 0.05
        c.batchSize = 64
        c.steps = 30
        c.logEvery = 5
        c.seed = 7
        c.precision = precision
        return c
    }

    static func transcript(_ config: SimulationConfig, threads: Int) throws -> String {
        let data = try config.loadData { _ in "" }
        let trainer = try makeTrainer(name: "run", config: config, data: data, threads: threads)
        try trainer.runToEnd()
        var lines = trainer.records.map { $0.json.compact() }
        lines.append(try trainer.result().json.compact())
        return lines.joined(separator: "\n")
    }

    func testSameBytesOnRepetitionAndAtEveryThreadCount() throws {
        for precision in Precision.allCases {
            let c = Self.config(precision)
            let once = try Self.transcript(c, threads: 1)
            XCTAssertEqual(try Self.transcript(c, threads: 1), once, "\(precision) repeated")
            XCTAssertEqual(try Self.transcript(c, threads: 2), once, "\(precision) on 2 threads")
            XCTAssertEqual(try Self.transcript(c, threads: 3), once, "\(precision) on 3 threads")
            // The transcript is not trivially constant: another seed changes it.
            var other = c
            other.seed = 8
            XCTAssertNotEqual(try Self.transcript(other, threads: 1), once)
        }
    }
}
