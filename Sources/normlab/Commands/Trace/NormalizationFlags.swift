import ArgumentParser
import Exact
import Reference

/// Puts a tensor given on the command line (`--x "1,2,3,4" --shape 2,2`) into
/// a case, over the file's value; with no flag, keeps the file's tensor or
/// else the built-in example `fallback`.
func setTensor(
    _ base: inout CaseInput, name: String, flag: String, values: String?, shape: String?,
    shapeFlag: String? = nil, fallback: (shape: [Int], values: [Rational])?
) throws {
    if let values {
        let parsed = try parseValueList(values, flag: flag)
        var dims = [parsed.count]
        if let shape {
            dims = try parseShape(shape, flag: shapeFlag ?? "\(flag)-shape")
            guard dims.reduce(1, *) == parsed.count else {
                throw InputError(
                    "--\(shapeFlag ?? "\(flag)-shape") \(shape) holds \(dims.reduce(1, *)) values but --\(flag) gives \(parsed.count)"
                )
            }
        }
        base.setInput(name, Tensor(shape: dims, values: parsed))
    } else if base.tensor(name) == nil, let fallback {
        base.setInput(name, Tensor(shape: fallback.shape, values: fallback.values))
    } else if let shape, let existing = base.tensor(name) {
        let dims = try parseShape(shape, flag: shapeFlag ?? "\(flag)-shape")
        guard dims.reduce(1, *) == existing.count else {
            throw InputError(
                "--\(shapeFlag ?? "\(flag)-shape") \(shape) holds \(dims.reduce(1, *)) values but \(name) has \(existing.count)"
            )
        }
        base.setInput(name, Tensor(shape: dims, values: existing.values))
    }
}

/// Sets a parameter given on the command line.
func setParam(_ base: inout CaseInput, _ name: String, _ value: String?) {
    if let value { base.setParam(name, value) }
}

/// Batch-norm convention flags shared by the batch-norm verbs.
struct ConventionOptions: ParsableArguments {
    @Option(help: "Convention: \(BatchNormConvention.presetNames.joined(separator: ", ")) (default pytorch).")
    var convention: String?

    @Option(
        help:
            "Momentum, in the convention's meaning (weight of the new batch for pytorch, of the old value for keras/onnx/flax/mxnet/caffe)."
    )
    var momentum: String?

    @Option(help: "Epsilon (default: the convention's).")
    var eps: String?

    @Flag(help: "Feed the running variance the unbiased m/(m-1) batch variance.")
    var unbiasedRunningVar = false

    @Flag(help: "Feed the running variance the biased batch variance.")
    var biasedRunningVar = false

    @Option(help: "Where eps goes: inside (sqrt(var+eps)) or outside (sqrt(var)+eps).")
    var epsPlacement: String?

    @Option(help: "How batches are averaged: exponential, cumulative or caffe.")
    var averaging: String?

    @Option(help: "What is averaged: variance or std.")
    var averaged: String?

    func apply(to base: inout CaseInput) throws {
        if let convention {
            guard BatchNormConvention.presetNames.contains(convention) else {
                throw InputError(
                    "--convention \(convention) is unknown; known conventions: \(BatchNormConvention.presetNames.joined(separator: ", "))"
                )
            }
            base.convention = convention
        }
        guard !(unbiasedRunningVar && biasedRunningVar) else {
            throw InputError("--unbiased-running-var and --biased-running-var exclude each other")
        }
        setParam(&base, "momentum", momentum)
        setParam(&base, "eps", eps)
        if unbiasedRunningVar { base.setParam("running_var_estimator", "unbiased") }
        if biasedRunningVar { base.setParam("running_var_estimator", "biased") }
        setParam(&base, "eps_placement", epsPlacement)
        setParam(&base, "averaging", averaging)
        setParam(&base, "averaged", averaged)
    }
}

func rationals(_ values: [Int]) -> [Rational] { values.map { Rational($0) } }
