import OrderedJSON
import Simulator

/// The tables `simulate` prints when it is not stepping interactively: a line per
/// logged step, per-layer tables, the run's status, and a preset's findings.
struct SimulationReport {
    let plain: Bool
    let layers: String

    func number(_ value: Double?, _ digits: Int = 4) -> String {
        guard let value else { return "–" }
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+inf" : "-inf" }
        return format3(value)
    }

    func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }

    func header(_ trainer: any Trainer) -> String {
        let c = trainer.config
        let d = trainer.data
        var out =
            "\n== run \(trainer.name): \(d.name), \(d.train.count) train / \(d.test.count) test; hidden \(c.hidden.count == 1 ? "\(c.hidden[0])" : c.hidden.count > 6 ? "\(c.hidden.count)×\(c.hidden[0])" : c.hidden.map(String.init).joined(separator: ","))"
        out += ", \(c.activation.rawValue), norm \(c.normalization.rawValue)"
        if c.normalization != .none { out += " (\(c.position.rawValue))" }
        out += ", init \(c.initialization), lr \(shortestText(c.learningRate)), \(trainer.totalSteps) steps\n"
        out += columns(["step", "epoch", "train loss", "test loss", "train acc", "test acc", "batch loss"]) + "\n"
        return out
    }

    func columns(_ cells: [String]) -> String { cells.map { pad($0, 11) }.joined() }

    func line(_ r: StepRecord) -> String {
        var out = columns([
            String(r.step), String(r.epoch), number(r.trainLoss), number(r.testLoss), number(r.trainAccuracy),
            number(r.testAccuracy), number(r.batchLoss),
        ])
        for (name, value) in r.extra { out += "  \(name) \(number(value))" }
        out += "\n"
        if layers == "every" { out += layerTable(r) }
        return out
    }

    func layerTable(_ r: StepRecord) -> String {
        let hasBN = r.layers.contains { $0.batchMean != nil }
        var head = ["layer", "act mean", "act std", "act norm", "dead", "‖∇W‖", "‖W‖", "‖ΔW‖/‖W‖", "drift"]
        if hasBN { head += ["μ batch", "μ running", "σ² batch", "σ² running"] }
        var out = "  per layer at step \(r.step) (drift = ‖W − W₀‖/‖W₀‖; μ, σ²: batch norm, channel means):\n"
        out += columns(head) + "\n"
        for f in r.layers {
            var row = [
                f.kind == "output" ? "out \(f.layer)" : String(f.layer), number(f.activationMean),
                number(f.activationStd), number(f.activationNorm), number(f.deadFraction), number(f.gradientNorm),
                number(f.weightNorm), number(f.updateRatio), number(f.drift),
            ]
            if hasBN {
                row += [number(f.batchMean), number(f.runningMean), number(f.batchVariance), number(f.runningVariance)]
            }
            out += columns(row) + "\n"
        }
        return out
    }

    func footer(_ trainer: any Trainer, _ result: RunResult) -> String {
        var out = ""
        if layers == "ends", let first = trainer.records.first {
            out += layerTable(first)
            if let last = trainer.records.last, last.step != first.step { out += layerTable(last) }
        }
        out += "run \(result.name): \(result.status.rawValue) after \(result.steps) steps"
        if let d = result.divergence {
            out += " — \(d.sentence)"
        } else {
            out += " — train loss \(number(result.initialTrainLoss)) → \(number(result.finalTrainLoss))"
            if let t = result.testAccuracy { out += ", test accuracy \(number(t))" }
        }
        out += "\n"
        for (name, value) in result.extra { out += "  \(name): \(value.compact())\n" }
        return out
    }

    func summary(_ outcome: ExperimentOutcome) -> String {
        var out = ""
        if let preset = outcome.preset {
            out += "\n== preset \(preset.name) (\(preset.source))\n   claim: \(preset.claim)\n"
            for r in outcome.results { out += "   \(r.name): \(r.status.rawValue)\n" }
            for (name, value) in outcome.findings { out += "   \(name): \(value.compact())\n" }
        }
        if let zoom = outcome.zoom {
            out +=
                "\n== exact zoom: \(zoom.op) of layer \(zoom.layer) at step \(zoom.step) (\(zoom.precision)), case written to \(zoom.file)\n"
            out += "   the kernel's outputs on this live batch against the exact values:\n"
            out += columns(["output", "max ulp", "normwise"]) + "\n"
            for row in zoom.rows { out += columns([row.name, String(row.maxUlp), number(row.normwise)]) + "\n" }
            out += "   trace it: normlab trace \(zoom.op) --input \(zoom.file)\n"
        }
        return out
    }
}
