import Foundation
import OrderedJSON
import Simulator

/// Steps a run on a terminal: one step, one epoch, to the end, back (by replaying
/// from step 0: runs are deterministic, so the replay is the same run), zoom (the
/// exact zoom of a layer at the current step), quit. Every step is logged.
struct InteractiveStepper {
    let experiment: Experiment
    let threads: Int
    let readFile: (String) throws -> String
    let zoom: ZoomRequest?
    let plain: Bool

    func makeTrainer() throws -> any Trainer {
        var config = experiment.runs[0].config
        config.logEvery = 1
        let data = try config.loadData(readFile: readFile)
        return try Simulator.makeTrainer(name: experiment.runs[0].name, config: config, data: data, threads: threads)
    }

    func run() throws {
        var trainer = try makeTrainer()
        let report = SimulationReport(plain: plain, layers: "every")
        guard let keyboard = StepperKeyboard() else { return }
        defer { keyboard.restore() }
        print(report.header(trainer), terminator: "")
        show(trainer, report)
        print(help)
        while true {
            let command = StepperCommand.decode(keyboard.readKey())
            switch command {
            case .quit:
                print("quit at step \(trainer.step); resume with --steps and the same options (runs are deterministic)")
                return
            case .help: print(help)
            case .step: try trainer.advance()
            case .epoch:
                let target = min(trainer.totalSteps, (trainer.step / trainer.stepsPerEpoch + 1) * trainer.stepsPerEpoch)
                while trainer.step < target, try trainer.advance() {}
            case .runToEnd: try trainer.runToEnd()
            case .back:
                let target = max(0, trainer.step - 1)
                trainer = try makeTrainer()
                while trainer.step < target, try trainer.advance() {}
                print("(back: replayed from step 0 to step \(target), the same run bit for bit)")
            case .zoom:
                try zoomHere(trainer, keyboard)
                continue
            case .unknown(let key):
                print("unknown key \(key); h for help")
                continue
            }
            show(trainer, report)
            if let d = trainer.divergence { print("the run \(d.sentence); b goes back, q quits") }
        }
    }

    var help: String {
        "keys: n/space/→ one step · e one epoch · r run to the end · b/← back one step · z exact zoom of a layer at this step · q quit"
    }

    func show(_ trainer: any Trainer, _ report: SimulationReport) {
        guard let record = trainer.records.last else { return }
        print(report.line(record), terminator: "")
    }

    /// Replays to the current step with the layer armed, writes the case and shows the errors.
    func zoomHere(_ trainer: any Trainer, _ keyboard: StepperKeyboard) throws {
        guard trainer.step >= 1 else {
            print("zoom needs a training step: press n first")
            return
        }
        guard let text = keyboard.readLine(prompt: "zoom into hidden layer (1…\(trainer.config.hidden.count)): "),
            let layer = Int(text.trimmingCharacters(in: .whitespaces))
        else { return }
        let file = "zoom-layer\(layer)-step\(trainer.step).json"
        do {
            let replay = try makeTrainer()
            let capture = try ZoomCapture.attach(ZoomRequest(layer: layer, step: trainer.step, file: file), to: replay)
            while replay.step < trainer.step, try replay.advance() {}
            if let zoom = try capture.finish(replay) {
                var outcome = ExperimentOutcome(preset: nil)
                outcome.zoom = zoom
                print(SimulationReport(plain: plain, layers: "none").summary(outcome), terminator: "")
            }
        } catch let error as SimulatorError {
            print("zoom: \(error.message)")
        }
    }
}
