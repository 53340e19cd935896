/// A simulation of either float type behind one non-generic class. Every call
/// reaches `Simulation<Float>` or `Simulation<Double>` from concrete code, so the
/// compiler specializes the whole training step for the type (through a protocol
/// existential it would run the generic code, several times slower).
final class TrainerBox: Trainer, Probes, Zoomable {
    enum Storage {
        case f32(Simulation<Float>)
        case f64(Simulation<Double>)
    }
    let storage: Storage

    init(_ storage: Storage) { self.storage = storage }

    var name: String {
        switch storage {
        case .f32(let s): return s.name
        case .f64(let s): return s.name
        }
    }
    var config: SimulationConfig {
        switch storage {
        case .f32(let s): return s.config
        case .f64(let s): return s.config
        }
    }
    var data: DataSplit {
        switch storage {
        case .f32(let s): return s.data
        case .f64(let s): return s.data
        }
    }
    var step: Int {
        switch storage {
        case .f32(let s): return s.step
        case .f64(let s): return s.step
        }
    }
    var totalSteps: Int {
        switch storage {
        case .f32(let s): return s.totalSteps
        case .f64(let s): return s.totalSteps
        }
    }
    var stepsPerEpoch: Int {
        switch storage {
        case .f32(let s): return s.stepsPerEpoch
        case .f64(let s): return s.stepsPerEpoch
        }
    }
    var divergence: Divergence? {
        switch storage {
        case .f32(let s): return s.divergence
        case .f64(let s): return s.divergence
        }
    }
    var initialTrainLoss: Double {
        switch storage {
        case .f32(let s): return s.initialTrainLoss
        case .f64(let s): return s.initialTrainLoss
        }
    }
    var records: [StepRecord] {
        switch storage {
        case .f32(let s): return s.records
        case .f64(let s): return s.records
        }
    }
    var threads: Int {
        get {
            switch storage {
            case .f32(let s): return s.threads
            case .f64(let s): return s.threads
            }
        }
        set {
            switch storage {
            case .f32(let s): s.threads = newValue
            case .f64(let s): s.threads = newValue
            }
        }
    }
    var recordExtras: ((any Trainer) throws -> [(String, Double?)])? {
        get {
            switch storage {
            case .f32(let s): return s.recordExtras
            case .f64(let s): return s.recordExtras
            }
        }
        set {
            // The hook receives this box, so it can reach the probes specialized too.
            let hook = newValue.map { f in { (_: any Trainer) in try f(self) } }
            switch storage {
            case .f32(let s): s.recordExtras = hook
            case .f64(let s): s.recordExtras = hook
            }
        }
    }

    func advance() throws -> Bool {
        switch storage {
        case .f32(let s): return try s.advance()
        case .f64(let s): return try s.advance()
        }
    }

    func result() throws -> RunResult {
        switch storage {
        case .f32(let s): return try s.result()
        case .f64(let s): return try s.result()
        }
    }

    func evaluate(_ examples: Examples, batchStatistics: Bool, chunk: Int) throws -> (loss: Double, accuracy: Double?) {
        switch storage {
        case .f32(let s): return try s.evaluate(examples, batchStatistics: batchStatistics, chunk: chunk)
        case .f64(let s): return try s.evaluate(examples, batchStatistics: batchStatistics, chunk: chunk)
        }
    }

    func sharpness(iterations: Int) throws -> Double {
        switch storage {
        case .f32(let s): return try s.sharpness(iterations: iterations)
        case .f64(let s): return try s.sharpness(iterations: iterations)
        }
    }

    func outputs(of example: Int, withCompanions companions: [[Int]]) throws -> (train: [[Double]], eval: [Double]) {
        switch storage {
        case .f32(let s): return try s.outputs(of: example, withCompanions: companions)
        case .f64(let s): return try s.outputs(of: example, withCompanions: companions)
        }
    }

    func runningStatisticsGap() throws -> [(mean: Double, variance: Double)] {
        switch storage {
        case .f32(let s): return try s.runningStatisticsGap()
        case .f64(let s): return try s.runningStatisticsGap()
        }
    }

    func monteCarlo(_ examples: Examples, samples: Int) throws -> (loss: Double, accuracy: Double, difference: Double) {
        switch storage {
        case .f32(let s): return try s.monteCarlo(examples, samples: samples)
        case .f64(let s): return try s.monteCarlo(examples, samples: samples)
        }
    }

    func armZoom(layer: Int, step: Int) {
        switch storage {
        case .f32(let s): s.armZoom(layer: layer, step: step)
        case .f64(let s): s.armZoom(layer: layer, step: step)
        }
    }

    var capturedZoom: Captured? {
        switch storage {
        case .f32(let s): return s.capturedZoom
        case .f64(let s): return s.capturedZoom
        }
    }

    var modelSpec: ModelSpec {
        switch storage {
        case .f32(let s): return s.modelSpec
        case .f64(let s): return s.modelSpec
        }
    }
}
