import Exact

/// The built-in example of every operation: a complete case, small enough
/// to follow by hand. `normlab trace OP` runs it when no input tensor is
/// given at all; tests and the simulator share it. An example is never
/// mixed with given inputs: a case either brings its tensors or takes the
/// example whole.
extension StandardizeOperation {
    public static var example: CaseInput { .example(name, [("x", [8], "2,4,4,4,5,5,7,9")]) }
}

extension BatchNormOperation {
    public static var example: CaseInput {
        .example(name, [("x", [4, 2], "1,2,3,6,5,4,7,0"), ("dy", [4, 2], "1,0,2,1,0,-1,-1,2")])
    }
}

extension LayerNormOperation {
    public static var example: CaseInput {
        .example(name, [("x", [2, 4], "1,2,3,6,0,4,4,8"), ("dy", [2, 4], "1,-1,0,2,2,0,-1,1")])
    }
}

extension GroupNormOperation {
    public static var example: CaseInput {
        .example(
            name, params: [("groups", "2")], [("x", [2, 4], "1,2,3,6,0,4,4,8"), ("dy", [2, 4], "1,-1,0,2,2,0,-1,1")])
    }
}

extension InstanceNormOperation {
    public static var example: CaseInput {
        .example(name, [("x", [2, 2, 1, 2], "1,2,3,6,0,4,4,8"), ("dy", [2, 2, 1, 2], "1,-1,0,2,2,0,-1,1")])
    }
}

extension RunningStatsOperation {
    public static var example: CaseInput {
        .example(name, [("batches", [2, 2, 1], "1,3,2,6"), ("x", [2, 1], "0,4")])
    }
}

extension BatchNormFoldOperation {
    public static var example: CaseInput {
        .example(
            name,
            [
                ("W", [2, 3], "1,-2,3,0,4,-1"), ("x", [2, 3], "1,0,2,-1,3,1"), ("bias", [2], "1,-1"),
                ("gamma", [2], "2,1"), ("beta", [2], "0,3"), ("running_mean", [2], "1,2"), ("running_var", [2], "4,2"),
            ])
    }
}

extension BatchNormFactsOperation {
    public static var example: CaseInput { .example(name, [("x", [3, 1], "1,2,6"), ("dy", [3, 1], "1,-2,0")]) }
}

extension NaiveVarianceOperation {
    public static var example: CaseInput { .example(name, [("x", [4], "10000.1,10000.2,10000.3,10000.5")]) }
}

extension Dropout {
    public static var example: CaseInput {
        .example(name, params: [("p", "1/2")], [("x", [4], "1,-2,3,4"), ("mask", [4], "1,0,1,1")])
    }
}

extension DropoutRegression {
    public static var example: CaseInput {
        .example(
            name, params: [("p", "1/2")], [("X", [3, 2], "1,2,3,-1,0,2"), ("y", [3], "1,0,2"), ("w", [2], "1/2,-1")])
    }
}

extension DropoutCommittee {
    public static var example: CaseInput {
        .example(
            name, params: [("p", "1/2")], [("x", [3], "1,-1,2"), ("S", [3, 2], "1,-1,1,1,-1/2,1"), ("v", [2], "1,2")])
    }
}

extension DropoutBNShift {
    public static var example: CaseInput { .example(name, params: [("p", "1/2")], [("x", [4], "1,2,3,6")]) }
}

extension Ridge {
    public static var example: CaseInput {
        // A line through four points, with an intercept.
        .example(name, params: [("intercept", "true")], [("X", [4, 1], "0,1,2,3"), ("y", [4], "1,3/2,7/2,4")])
    }
}

/// The finite world of the bias–variance examples: x ∈ {−1, 0, 1, 2}
/// uniform, f(x) = x², noise ±1.
private let exampleWorld: [(String, [Int], String)] = [
    ("x", [4], "-1,0,1,2"), ("target", [4], "1,0,1,4"), ("noise", [2], "-1,1"),
]

extension BiasVarianceOperation {
    public static var example: CaseInput { .example(name, exampleWorld) }
}

extension BiasVarianceSweep {
    /// The world whose exact risk is U-shaped over degree (UCurveWorld.swift).
    public static var example: CaseInput { uCurveWorld }
}

extension BaggingOperation {
    public static var example: CaseInput { .example(name, exampleWorld) }
}

extension DoubleDescent {
    /// Its data are generated from parameters (`RandomFeatureProblem`): the
    /// example names the defaults (max_features follows n: 4n).
    public static var example: CaseInput {
        .example(
            name,
            params: [
                ("n", String(RandomFeatureProblem.defaultN)), ("seed", String(RandomFeatureProblem.defaultSeed)),
                ("noise", RandomFeatureProblem.defaultNoise.description),
            ], [])
    }
}

extension CrossValidation {
    public static var example: CaseInput { .example(name, [("x", [6], "0,1,2,3,4,5"), ("y", [6], "1,0,2,5,7,12")]) }
}

extension CaseInput {
    /// A case written as a person would type it. The values are constants of
    /// this source file, so a malformed one fails every test that runs it.
    static func example(_ op: String, params: [(String, String)] = [], _ inputs: [(String, [Int], String)])
        -> CaseInput
    {
        CaseInput(
            op: op, params: params.map { (name: $0.0, value: $0.1) },
            inputs: inputs.map { name, shape, text in
                let values = text.split(separator: ",").map { part -> Rational in
                    guard let value = try? Rational(parsing: String(part)) else {
                        preconditionFailure("example \(op): \(part) is not a number")
                    }
                    return value
                }
                return (name: name, tensor: Tensor(shape: shape, values: values))
            })
    }
}
