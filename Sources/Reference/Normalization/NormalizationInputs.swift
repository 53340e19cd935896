import Exact

/// Reading and validating the inputs and parameters of normalization cases.
/// Every error names the value and the rule (DESIGN.md "Errors").
extension CaseInput {
    /// ε: the given value or the default; never negative.
    func epsParam(default value: Rational) throws -> Rational {
        let eps = try rationalParam("eps", default: value)
        guard eps.signum >= 0 else { throw ReferenceError("eps = \(valueText(eps)) is negative; eps must be ≥ 0") }
        return eps
    }

    /// The batch-norm convention: the case's `convention` (default pytorch)
    /// with any overrides given as parameters: `running_var` = biased |
    /// unbiased | keras2, `eps_placement` = inside | outside, `averaging` =
    /// exponential | cumulative | caffe, `averaged` = variance | std.
    func batchNormConvention() throws -> BatchNormConvention {
        var convention = try BatchNormConvention.named(convention ?? "pytorch")
        convention = convention.with(
            averaging: try wordParam("averaging", default: convention.averaging),
            runningVariance: try wordParam("running_var_estimator", default: convention.runningVariance),
            epsPlacement: try wordParam("eps_placement", default: convention.epsPlacement),
            averaged: try wordParam("averaged", default: convention.averaged))
        return convention
    }

    /// The number of batches already averaged (cumulative and Caffe
    /// averaging): 0…`batchesSeenLimit`, since Caffe's exact sums grow with it.
    func batchesSeenParam() throws -> Int {
        try integerParam("batches_seen", in: 0...batchesSeenLimit, default: 0)
    }
}

/// Batches of running statistics followed exactly: seen before plus given.
let batchesSeenLimit = 1000

/// The layout (N, C, spatial…) of a normalization input, row-major with the
/// spatial positions fastest: element (n, c, s) sits at (n·C + c)·S + s.
struct ChannelLayout {
    let shape: [Int]
    let batch: Int
    let channels: Int
    let spatial: Int

    init(_ tensor: Tensor<Rational>, name: String = "x") throws {
        guard tensor.shape.count >= 2 else {
            throw ReferenceError("input \(name) has shape \(tensor.shape); it must be (N, C) or (N, C, H, W)")
        }
        guard tensor.count > 0 else {
            throw ReferenceError("input \(name) is empty (shape \(tensor.shape)): an empty batch has no statistics")
        }
        shape = tensor.shape
        batch = shape[0]
        channels = shape[1]
        spatial = shape.dropFirst(2).reduce(1, *)
    }

    var count: Int { batch * channels * spatial }
    func index(_ n: Int, _ c: Int, _ s: Int) -> Int { (n * channels + c) * spatial + s }
    var spatialText: String { shape.count > 2 ? ",h,w" : "" }
}

/// A tensor given per channel (γ, β, running statistics): shape (C) exactly
/// or absent (then `fill`).
func channelVector(_ input: CaseInput, _ name: String, channels: Int, fill: Rational) throws -> Tensor<Rational> {
    guard let tensor = input.tensor(name) else { return Tensor(vector: Array(repeating: fill, count: channels)) }
    guard tensor.count == channels, tensor.shape.count <= 1 || tensor.shape.filter({ $0 != 1 }).count <= 1 else {
        throw ReferenceError(
            "input \(name) has shape \(tensor.shape) (\(tensor.count) values); it must hold one value per channel, C = \(channels)"
        )
    }
    return Tensor(vector: tensor.values)
}

/// dy must have x's shape.
func checkSameShape(_ tensor: Tensor<Rational>, _ name: String, as x: Tensor<Rational>) throws {
    guard tensor.shape == x.shape else {
        throw ReferenceError("input \(name) has shape \(tensor.shape) but x has shape \(x.shape); they must match")
    }
}

/// Σ of values, left to right.
func sum<S: ReferenceScalar>(_ values: [S]) -> S {
    var total = S.zero
    for value in values { total += value }
    return total
}

/// An exact square root with exact errors turned into reference errors.
func squareRoot<S: ReferenceScalar>(_ value: S, what: String) throws -> S {
    do { return try value.checkedSquareRoot() } catch let error as ExactError {
        throw ReferenceError("\(what): \(error)")
    }
}
