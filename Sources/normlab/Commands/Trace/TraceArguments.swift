import ArgumentParser
import Exact
import Foundation
import OrderedJSON
import Reference

/// Options every `trace` verb shares.
struct TraceOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "A case file: {\"op\", \"params\", \"inputs\": {name: {\"shape\", \"values\"}}, \"precision\"?}.")
    var input: String?

    @Flag(help: "Print the case as JSON (the layout of a golden vector case).")
    var json = false

    @Option(help: "Target precision of the float columns and of the inputs.")
    var precision: TargetPrecision?

    @Option(parsing: .unconditional, help: "Significant digits in the table's decimal columns (1…40).")
    var digits = 10

    @Option(
        help:
            "reference: the reference computation only; simd: also run the SIMD kernel on the case and measure it against the exact values (batchnorm, layernorm, groupnorm, instancenorm, dropout)."
    )
    var engine: Engine = .reference

    enum Engine: String, ExpressibleByArgument, CaseIterable {
        case reference, simd
    }

    func validate() throws {
        guard (1...40).contains(digits) else { throw ValidationError("--digits \(digits) must be between 1 and 40") }
    }

    /// The case from --input (or an empty one for `op`), with --precision applied.
    func baseCase(op: String) throws -> CaseInput {
        var base = CaseInput(op: op)
        if let input {
            let json = try readJSONFile(input, flag: "input")
            do { base = try CaseInput(json: json, defaultOp: op) } catch let error as ReferenceError {
                throw InputError("--input \(input): \(error.message)")
            }
            guard base.op == op else {
                throw InputError("--input \(input) is a case for \(quotedInput(base.op)), not \"\(op)\"")
            }
        }
        if let precision { base.precision = precision }
        return base
    }
}

/// Reads and parses a JSON file named by a flag; errors name the flag and file.
func readJSONFile(_ path: String, flag: String) throws -> JSONValue {
    let text: String
    do { text = try WorkLimits.readInputFile(path, what: "--\(flag)") } catch let error as ReferenceError {
        throw InputError(error.message)
    }
    do { return try JSONValue(parsing: text) } catch { throw InputError("--\(flag) \(path): \(error)") }
}

extension TargetPrecision: ExpressibleByArgument {}

/// One input tensor as the command line gives it: `--x "1,2,3,4" --shape 2,2`.
struct TensorArgument {
    /// The input's name in the case ("x", "running_mean").
    let input: String
    /// The flag without dashes ("x", "running-mean").
    let flag: String
    /// The flag's text, or nil when the flag was not given.
    let values: String?
    /// The shape flag's text and name, when the verb has one.
    var shape: String? = nil
    var shapeFlag: String? = nil
    /// The shape to take when no shape flag is given.
    var defaultShape: DefaultShape = .vector
    /// A tensor read from a file the flag names (a CSV table), instead of `values`.
    var table: Tensor<Rational>? = nil

    var isGiven: Bool { values != nil || table != nil }

    enum DefaultShape {
        /// A vector.
        case vector
        /// Another input's shape, when the counts agree (dy like x).
        case like(String)
        /// A column (count × 1).
        case column
        /// Rows of another input's trailing dimensions from `axis` on.
        case rows(of: String, from: Int)
    }
}

/// The one way a `trace` verb turns its flags into a case: the --input file
/// first, then each flag over it. When no input tensor is given at all —
/// no file inputs, no tensor flag — the operation's built-in example is the
/// case (its parameters may still be overridden); otherwise the example
/// contributes nothing, and a missing input is the operation's error.
enum CaseAssembly {
    static func assemble(
        _ operation: any ReferenceOperation.Type, options: TraceOptions,
        tensors: [TensorArgument], params: [(name: String, value: String?)] = []
    ) throws -> CaseInput {
        var base = try options.baseCase(op: operation.name)
        let givenTensors = !base.inputs.isEmpty || tensors.contains(where: \.isGiven)
        if !givenTensors {
            var example = operation.example
            example.precision = base.precision
            example.convention = base.convention ?? example.convention
            for (name, value) in base.params { example.setParam(name, value) }
            base = example
        }
        for argument in tensors { try apply(argument, to: &base) }
        for (name, value) in params { if let value { base.setParam(name, value) } }
        return base
    }

    static func apply(_ argument: TensorArgument, to base: inout CaseInput) throws {
        if let table = argument.table {
            base.setInput(argument.input, table)
            return
        }
        let shapeFlag = argument.shapeFlag ?? "shape"
        let explicitShape = try argument.shape.map { try parseShape($0, flag: shapeFlag) }
        guard let text = argument.values else {
            // A shape flag alone reshapes the file's tensor.
            if let explicitShape, let existing = base.tensor(argument.input) {
                try checkCount(explicitShape, holds: existing.count, shapeFlag: shapeFlag, what: argument.input)
                base.setInput(argument.input, Tensor(shape: explicitShape, values: existing.values))
            }
            return
        }
        let values = try parseValueList(text, flag: argument.flag)
        let shape: [Int]
        if let explicitShape {
            try checkCount(explicitShape, holds: values.count, shapeFlag: shapeFlag, what: "--\(argument.flag)")
            shape = explicitShape
        } else if let existing = base.tensor(argument.input), existing.count == values.count {
            shape = existing.shape
        } else {
            shape = defaultShape(argument.defaultShape, count: values.count, in: base)
        }
        base.setInput(argument.input, Tensor(shape: shape, values: values))
    }

    static func defaultShape(_ rule: TensorArgument.DefaultShape, count: Int, in base: CaseInput) -> [Int] {
        switch rule {
        case .vector:
            return [count]
        case .column:
            return [count, 1]
        case .like(let other):
            guard let shape = base.tensor(other)?.shape, WorkLimits.product(shape) == count else { return [count] }
            return shape
        case .rows(let other, let axis):
            guard let shape = base.tensor(other)?.shape, shape.count > axis,
                let trailing = WorkLimits.product(Array(shape[axis...])), trailing > 0, count % trailing == 0
            else { return [count] }
            return [count / trailing] + shape[axis...]
        }
    }

    static func checkCount(_ shape: [Int], holds count: Int, shapeFlag: String, what: String) throws {
        let product = WorkLimits.product(shape)
        guard product == count else {
            let holds = product.map(String.init) ?? "more than \(Int.max)"
            throw InputError(
                "--\(shapeFlag) \(shape.map(String.init).joined(separator: ",")) holds \(holds) values but \(what) gives \(count)"
            )
        }
    }
}

/// Parses "1,2,3/4,0x1p-3" into exact values; the flag name goes into errors.
func parseValueList(_ text: String, flag: String) throws -> [Rational] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: .whitespaces)
    }
    guard !(parts.count == 1 && parts[0].isEmpty) else {
        throw InputError("--\(flag) is empty; give comma-separated numbers")
    }
    guard parts.count <= WorkLimits.caseValues else {
        throw InputError("--\(flag) gives \(parts.count) values; a case holds at most \(WorkLimits.caseValues)")
    }
    return try parts.enumerated().map { index, part in
        do { return try Rational(parsing: part) } catch let error as ExactError {
            throw InputError("--\(flag) value \(index + 1): \(error)")
        }
    }
}

/// Parses "2,3" or "2x3" into a shape.
func parseShape(_ text: String, flag: String) throws -> [Int] {
    let parts = text.split(whereSeparator: { $0 == "," || $0 == "x" })
    let dims = parts.compactMap { Int($0) }
    guard dims.count == parts.count, !dims.isEmpty, dims.allSatisfy({ $0 >= 0 }) else {
        throw InputError("--\(flag) \(quotedInput(text)) must be non-negative integers like 4,3 or 2x3x2x2")
    }
    return dims
}

/// Batch-norm convention flags shared by the batch-norm verbs.
struct ConventionOptions: ParsableArguments {
    @Option(
        help: "Convention (default pytorch): \(BatchNormConvention.presetNames.joined(separator: ", ")).",
        transform: ConventionName.init(parsing:))
    var convention: ConventionName?

    @Option(
        parsing: .unconditional,
        help:
            "Momentum, in the convention's meaning (weight of the new batch for pytorch, of the old value for keras/onnx/flax/mxnet/caffe)."
    )
    var momentum: String?

    @Option(parsing: .unconditional, help: "Epsilon (default: the convention's).")
    var eps: String?

    @Flag(help: "Feed the running variance the unbiased m/(m-1) batch variance.")
    var unbiasedRunningVar = false

    @Flag(help: "Feed the running variance the biased batch variance.")
    var biasedRunningVar = false

    @Option(help: "Where eps goes: inside (sqrt(var+eps)) or outside (sqrt(var)+eps).")
    var epsPlacement: BatchNormConvention.EpsPlacement?

    @Option(help: "How batches are averaged.")
    var averaging: BatchNormConvention.Averaging?

    @Option(help: "What is averaged.")
    var averaged: BatchNormConvention.AveragedStatistic?

    func validate() throws {
        if unbiasedRunningVar && biasedRunningVar {
            throw ValidationError("--unbiased-running-var and --biased-running-var exclude each other")
        }
    }

    var params: [(name: String, value: String?)] {
        [
            ("momentum", momentum), ("eps", eps),
            ("running_var_estimator", unbiasedRunningVar ? "unbiased" : biasedRunningVar ? "biased" : nil),
            ("eps_placement", epsPlacement?.word), ("averaging", averaging?.word), ("averaged", averaged?.word),
        ]
    }

    func apply(to base: inout CaseInput) {
        if let convention { base.convention = convention.name }
    }
}

/// A batch-norm convention preset, by name. Help lists them; an unknown
/// name is one line naming it and the known ones.
struct ConventionName {
    let name: String

    init(parsing text: String) throws {
        guard BatchNormConvention.presetNames.contains(text) else {
            let suggestion = nearestWord(to: text, in: BatchNormConvention.presetNames).map { "did you mean \($0)? " }
            throw ValidationError(
                "\(suggestion ?? "")known conventions: \(BatchNormConvention.presetNames.joined(separator: ", "))")
        }
        name = text
    }
}

/// Word parameters parse as their words (`ParameterWord`); help lists them
/// and a typo is the parser's error.
extension BatchNormConvention.EpsPlacement: ExpressibleByArgument {
    public init?(argument: String) { self.init(word: argument) }
    public static var allValueStrings: [String] { words }
    public var defaultValueDescription: String { word }
}

extension BatchNormConvention.Averaging: ExpressibleByArgument {
    public init?(argument: String) { self.init(word: argument) }
    public static var allValueStrings: [String] { words }
    public var defaultValueDescription: String { word }
}

extension BatchNormConvention.AveragedStatistic: ExpressibleByArgument {
    public init?(argument: String) { self.init(word: argument) }
    public static var allValueStrings: [String] { words }
    public var defaultValueDescription: String { word }
}

extension Mode: ExpressibleByArgument {
    public init?(argument: String) { self.init(word: argument) }
    public static var allValueStrings: [String] { words }
    public var defaultValueDescription: String { word }
}

extension Dropout.Variant: ExpressibleByArgument {
    public init?(argument: String) { self.init(word: argument) }
    public static var allValueStrings: [String] { words }
    public var defaultValueDescription: String { word }
}

extension DropoutCommittee.Activation: ExpressibleByArgument {
    public init?(argument: String) { self.init(word: argument) }
    public static var allValueStrings: [String] { words }
    public var defaultValueDescription: String { word }
}

extension DropoutCommittee.Site: ExpressibleByArgument {
    public init?(argument: String) { self.init(word: argument) }
    public static var allValueStrings: [String] { words }
    public var defaultValueDescription: String { word }
}

/// `--monte-carlo N --seed S`: the sampled estimate several verbs offer next
/// to their exact value.
struct MonteCarloOptions: ParsableArguments {
    @Option(
        name: .customLong("monte-carlo"), parsing: .unconditional,
        help: "Also estimate by Monte Carlo in f64 with this many samples (a 99.9% interval is shown).")
    var samples: String?

    @Option(parsing: .unconditional, help: "SplitMix64 seed for --monte-carlo, 0…2^63−1 (default 1).")
    var seed: String?

    var params: [(name: String, value: String?)] { [("samples", samples), ("seed", seed)] }
}

/// The text an example's tensors are shown as in help: "x (4×2) = 1,2,…".
func exampleDescription(_ operation: any ReferenceOperation.Type) -> String {
    let example = operation.example
    let tensors = example.inputs.map { name, tensor in
        let shape = tensor.shape.count > 1 ? " (\(tensor.shape.map(String.init).joined(separator: "×")))" : ""
        return "\(name)\(shape) = \(tensor.values.map(\.description).joined(separator: ","))"
    }
    let params = example.params.map { "\($0.name) = \($0.value)" }
    return "Without input tensors, runs the built-in example: " + (tensors + params).joined(separator: "; ") + "."
}
