import Accuracy
import Exact
import Foundation
import OrderedJSON
import Reference

/// `--dump-case LAYER@STEP FILE`: the hidden layer (from 1) and the training step
/// (from 1) whose normalization — or, in a layer without one, dropout — is written
/// as a case file and measured against the exact reference.
public struct ZoomRequest: Sendable, Equatable {
    public let layer: Int
    public let step: Int
    public let file: String

    public init(layer: Int, step: Int, file: String) {
        self.layer = layer
        self.step = step
        self.file = file
    }

    public init(parsing text: String, file: String) throws {
        let parts = text.split(separator: "@")
        guard parts.count == 2, let layer = Int(parts[0]), let step = Int(parts[1]) else {
            throw SimulatorError("--dump-case \(text) must be LAYER@STEP, e.g. 3@100")
        }
        self.init(layer: layer, step: step, file: file)
    }
}

/// The kernel's error on the live batch, per output, against the exact values.
public struct ZoomReport: Sendable {
    public struct Row: Sendable {
        public let name: String
        public let maxUlp: UInt64
        public let normwise: Double
    }
    public let op: String
    public let layer: Int
    public let step: Int
    public let file: String
    public let precision: String
    public let rows: [Row]
    /// The case as written (what `normlab trace OP --input FILE` reads).
    public let caseJSON: JSONValue

    public var json: JSONValue {
        .object([
            ("op", .string(op)), ("layer", .int(layer)), ("step", .int(step)), ("file", .string(file)),
            ("precision", .string(precision)),
            (
                "errors",
                .object(
                    rows.map {
                        (
                            $0.name,
                            .object([("max_ulp", .int(Int($0.maxUlp))), ("normwise_rel_err", .double($0.normwise))])
                        )
                    })
            ),
        ])
    }
}

/// Arms a trainer to capture the requested layer at the requested step, then
/// writes the case and measures the kernel outputs.
public struct ZoomCapture {
    let request: ZoomRequest
    let write: (String, String) throws -> Void

    /// Checks the request against the run: the layer must exist and have a
    /// normalization or dropout; the step must be one the run takes.
    public static func attach(
        _ request: ZoomRequest, to trainer: any Trainer,
        write: @escaping (String, String) throws -> Void = ZoomCapture.writeFile
    ) throws -> ZoomCapture {
        let config = trainer.config
        let depth = config.hidden.count
        guard request.layer >= 1 && request.layer <= depth else {
            throw SimulatorError(
                "--dump-case layer \(request.layer) does not exist; the hidden layers are numbered 1…\(depth)")
        }
        let hasDropout = config.dropoutPerLayer[request.layer - 1] > 0
        guard config.normalization != .none || hasDropout else {
            throw SimulatorError(
                "--dump-case layer \(request.layer) has no normalization and no dropout; nothing to zoom into (use --norm or --dropout)"
            )
        }
        guard request.step >= 1 && request.step <= trainer.totalSteps else {
            throw SimulatorError(
                "--dump-case step \(request.step) is past the end; the run takes steps 1…\(trainer.totalSteps)")
        }
        guard let armed = trainer as? any Zoomable else { throw SimulatorError("this trainer cannot zoom") }
        armed.armZoom(layer: request.layer - 1, step: request.step)
        return ZoomCapture(request: request, write: write)
    }

    public static func writeFile(_ path: String, _ text: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw SimulatorError("--dump-case \(path): cannot write the file")
        }
    }

    /// After the run: the case file and the error report (nil when the run
    /// diverged before the step).
    public func finish(_ trainer: any Trainer) throws -> ZoomReport? {
        guard let armed = trainer as? any Zoomable, let captured = armed.capturedZoom else {
            if let divergence = trainer.divergence, divergence.step < request.step {
                throw SimulatorError(
                    "--dump-case step \(request.step): the run diverged at step \(divergence.step), before it")
            }
            return nil
        }
        let precision = trainer.config.precision == .f32 ? TargetPrecision.f32 : .f64
        let input = ZoomCase.caseInput(
            captured, spec: armed.modelSpec, layer: request.layer - 1, precision: precision)
        let json = ZoomCase.json(input)
        try write(request.file, json.serialized() + "\n")
        let exact: Trace<Surd>
        do { exact = try input.op.isEmpty ? Trace(op: "") : ZoomCase.exactTrace(input) } catch let e as ReferenceError {
            throw SimulatorError("--dump-case: the exact reference rejected the live batch: \(e.message)")
        }
        var rows: [ZoomReport.Row] = []
        let outputs: [(String, [Double])]
        if captured.what == "dropout" {
            outputs = [("y", captured.y), ("dx", captured.dx)]
        } else {
            var list: [(String, [Double])] = [
                ("mean", captured.mean), ("var", captured.variance), ("y", captured.y), ("dx", captured.dx),
            ]
            if trainer.config.affine {
                list.append(("dgamma", captured.dgamma))
                list.append(("dbeta", captured.dbeta))
            }
            if trainer.config.normalization == .batchnorm {
                list.append(("running_mean", captured.runningMean))
                list.append(("running_var", captured.runningVariance))
            }
            outputs = list
        }
        for (name, values) in outputs {
            guard let step = exact.step(name), step.tensor.count == values.count else { continue }
            let error: TensorError
            if precision == .f32 {
                error = TensorError(computed: values.map { Float($0) }, exact: step.tensor.values)
            } else {
                error = TensorError(computed: values, exact: step.tensor.values)
            }
            rows.append(.init(name: name, maxUlp: error.maxUlp, normwise: error.normwiseRelative))
        }
        return ZoomReport(
            op: input.op, layer: request.layer, step: request.step, file: request.file,
            precision: precision.rawValue, rows: rows, caseJSON: json)
    }
}

/// A trainer that can capture a layer at a step.
public protocol Zoomable: AnyObject {
    func armZoom(layer: Int, step: Int)
    var capturedZoom: Captured? { get }
    var modelSpec: ModelSpec { get }
}

extension Simulation: Zoomable {
    public func armZoom(layer: Int, step: Int) { zoomTarget = (layer, step) }
    public var modelSpec: ModelSpec { network.spec }
    public var capturedZoom: Captured? {
        guard let target = zoomTarget, step >= target.step, !network.captured.what.isEmpty else { return nil }
        return network.captured
    }
}

/// The case of a captured layer, in the contract's input form.
enum ZoomCase {
    static func hex(_ value: Double, _ precision: TargetPrecision) -> String {
        precision == .f32 ? hexString(Float(value)) : hexString(value)
    }

    static func tensor(_ values: [Double], shape: [Int], _ precision: TargetPrecision) -> Tensor<Rational> {
        Tensor(shape: shape, values: values.map { try! Rational(exactly: $0) })
    }

    static func caseInput(_ c: Captured, spec: ModelSpec, layer: Int, precision: TargetPrecision) -> CaseInput {
        let shape = [c.batch, c.width]
        var input = CaseInput(op: "", precision: precision)
        if c.what == "dropout" {
            input.op = "dropout"
            let p = spec.dropout[layer]
            input.params = [
                ("p", hex(precision == .f32 ? Double(Float(p)) : p, precision)), ("mode", "train"),
                ("variant", "inverted"),
            ]
            input.inputs = [
                ("x", tensor(c.x, shape: shape, precision)),
                ("mask", tensor(c.mask.map { Double($0) }, shape: shape, precision)),
                ("dy", tensor(c.dy, shape: shape, precision)),
            ]
            return input
        }
        let eps = spec.eps
        let epsT = precision == .f32 ? Double(Float(eps)) : eps
        var tensors: [(String, Tensor<Rational>)] = [
            ("x", tensor(c.x, shape: shape, precision)),
            ("gamma", tensor(c.gamma, shape: [c.width], precision)),
            ("beta", tensor(c.beta, shape: [c.width], precision)),
            ("dy", tensor(c.dy, shape: shape, precision)),
        ]
        switch spec.normalization {
        case .batchnorm:
            input.op = "batchnorm"
            let running = spec.running
            input.convention = running.convention.name
            input.params = [
                ("eps", hex(epsT, precision)), ("momentum", hex(running.momentum, .f64)), ("mode", "train"),
            ]
            if running.convention.averaging != .exponential {
                input.params.append(("batches_seen", String(c.batchesSeen)))
            }
            tensors.append(("running_mean", tensor(c.runningMeanBefore, shape: [c.width], precision)))
            tensors.append(("running_var", tensor(c.runningVarianceBefore, shape: [c.width], precision)))
        case .layernorm:
            input.op = "layernorm"
            input.params = [("eps", hex(epsT, precision))]
        default:
            input.op = "groupnorm"
            input.params = [("eps", hex(epsT, precision)), ("groups", String(spec.groups))]
        }
        input.inputs = tensors
        return input
    }

    /// The case as JSON: inputs as exact hex floats (every value is a float of the
    /// target precision, so nothing is snapped away).
    static func json(_ input: CaseInput) -> JSONValue {
        var members: [(String, JSONValue)] = [("op", .string(input.op))]
        if let convention = input.convention { members.append(("convention", .string(convention))) }
        members.append(("precision", .string(input.precision.rawValue)))
        members.append(("params", .object(input.params.map { ($0.name, .string($0.value)) })))
        members.append(
            (
                "inputs",
                .object(
                    input.inputs.map { name, tensor in
                        (
                            name,
                            .object([
                                ("shape", .array(tensor.shape.map { .int($0) })),
                                (
                                    "values",
                                    .array(
                                        tensor.values.map {
                                            .string(
                                                input.precision == .f32
                                                    ? hexString($0.rounded(to: Float.self))
                                                    : hexString($0.rounded(to: Double.self)))
                                        })
                                ),
                            ])
                        )
                    })
            ))
        return .object(members)
    }

    /// The exact trace of the case, read back from its own JSON as `normlab trace` would.
    static func exactTrace(_ input: CaseInput) throws -> Trace<Surd> {
        let reread = try CaseInput(json: json(input))
        guard let operation = ReferenceOperations.named(reread.op) else {
            throw ReferenceError("no reference operation \(reread.op)")
        }
        return try TraceSet(operation, input: reread).exact
    }
}
