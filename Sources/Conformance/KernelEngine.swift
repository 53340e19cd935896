import Exact
import Kernels
import Reference

/// Runs NormLab's SIMD kernels on a case, in the case's precision, with
/// exactly the parameters the reference used (read from the exact trace, so
/// no default or convention is decided twice).
public enum KernelEngine {
    /// The ops the kernels implement.
    public static let supportedOps: Set<String> = [
        BatchNormOperation.name, LayerNormOperation.name, GroupNormOperation.name, InstanceNormOperation.name,
        Dropout.name,
    ]

    /// The kernel's outputs, named as the reference names them; Float results
    /// are held as the Doubles they exactly are.
    public struct Outputs: Sendable {
        public var values: [(name: String, values: [Double])] = []
        /// What the kernel could not do for this case, in words.
        public var notes: [String] = []

        public init(values: [(name: String, values: [Double])] = [], notes: [String] = []) {
            self.values = values
            self.notes = notes
        }

        public subscript(name: String) -> [Double]? { values.first { $0.name == name }?.values }

        mutating func add<T: BinaryFloatingPoint>(_ name: String, _ array: [T]) {
            values.append((name, array.map { Double($0) }))
        }
    }

    /// Runs the kernel for `input` (already snapped to its precision) given
    /// the exact trace of the same case.
    public static func run(_ input: CaseInput, exact: Trace<Surd>) throws -> Outputs {
        guard supportedOps.contains(input.op) else {
            throw ReferenceError(
                "no kernel for op \"\(input.op)\"; the kernels implement \(supportedOps.sorted().joined(separator: ", "))"
            )
        }
        switch input.precision {
        case .f64: return try run(input, exact: exact, as: Double.self)
        case .f32: return try run(input, exact: exact, as: Float.self)
        }
    }

    static func run<T: KernelScalar>(_ input: CaseInput, exact: Trace<Surd>, as _: T.Type) throws -> Outputs
    where T.RawSignificand: FixedWidthInteger, T.RawExponent: FixedWidthInteger {
        do {
            switch input.op {
            case BatchNormOperation.name: return try batchNorm(input, exact: exact, as: T.self)
            case LayerNormOperation.name: return try layerNorm(input, exact: exact, as: T.self)
            case GroupNormOperation.name, InstanceNormOperation.name:
                return try groupNorm(input, exact: exact, as: T.self)
            default: return try dropout(input, exact: exact, as: T.self)
            }
        } catch let error as KernelError {
            throw ReferenceError("kernel: \(error)")
        }
    }

    // MARK: - Reading the case

    /// An input tensor of the exact trace, rounded to T (exact: inputs are snapped).
    static func tensor<T: BinaryFloatingPoint>(_ trace: Trace<Surd>, _ name: String, as _: T.Type) -> [T]?
    where T.RawSignificand: FixedWidthInteger, T.RawExponent: FixedWidthInteger {
        trace.step(name, role: .input)?.tensor.values.map { $0.rounded(to: T.self) }
    }

    static func number(_ trace: Trace<Surd>, _ name: String) -> Rational? {
        trace.params.first { $0.name == name }?.value.rational
    }

    static func word(_ trace: Trace<Surd>, _ name: String) -> String? {
        trace.params.first { $0.name == name }.map { $0.value.description }
    }

    static func required<T>(_ value: T?, _ what: String) throws -> T {
        guard let value else { throw ReferenceError("the trace has no \(what)") }
        return value
    }

    // MARK: - Batch norm

    static func batchNorm<T: KernelScalar>(_ input: CaseInput, exact: Trace<Surd>, as _: T.Type) throws -> Outputs
    where T.RawSignificand: FixedWidthInteger, T.RawExponent: FixedWidthInteger {
        var outputs = Outputs()
        if word(exact, "eps_placement") == "outside" {
            outputs.notes.append("ε outside the root is not a kernel option")
            return outputs
        }
        let shape = try required(exact.step("x", role: .input)?.tensor.shape, "x")
        let normShape: NormShape =
            shape.count == 2
            ? .nc(n: shape[0], c: shape[1])
            : .nchw(n: shape[0], c: shape[1], h: shape[2], w: shape[3...].reduce(1, *))
        let x = try required(tensor(exact, "x", as: T.self), "x")
        let gamma = try required(tensor(exact, "gamma", as: T.self), "gamma")
        let beta = try required(tensor(exact, "beta", as: T.self), "beta")
        let eps = T(try required(number(exact, "eps"), "eps").rounded(to: Double.self))
        var runningMean = try required(tensor(exact, "running_mean", as: T.self), "running_mean")
        var runningVar = try required(tensor(exact, "running_var", as: T.self), "running_var")
        var y = [T](repeating: 0, count: x.count)
        if word(exact, "mode") == "eval" {
            try x.withUnsafeBufferPointer { xp in
                try gamma.withUnsafeBufferPointer { gp in
                    try beta.withUnsafeBufferPointer { bp in
                        try runningMean.withUnsafeBufferPointer { rm in
                            try runningVar.withUnsafeBufferPointer { rv in
                                try y.withUnsafeMutableBufferPointer { yp in
                                    try BatchNorm.forwardEval(
                                        x: xp, shape: normShape, gamma: gp, beta: bp, runningMean: rm,
                                        runningVariance: rv, epsilon: eps, y: yp)
                                }
                            }
                        }
                    }
                }
            }
            outputs.add("y", y)
            outputs.notes.append("eval mode: the kernels implement the forward pass only")
            return outputs
        }
        let update = runningUpdate(exact)
        var xhat = [T](repeating: 0, count: x.count)
        let saved: SavedStatistics<T> = try x.withUnsafeBufferPointer { xp in
            try gamma.withUnsafeBufferPointer { gp in
                try beta.withUnsafeBufferPointer { bp in
                    try y.withUnsafeMutableBufferPointer { yp in
                        try xhat.withUnsafeMutableBufferPointer { xhp in
                            try runningMean.withUnsafeMutableBufferPointer { rm in
                                try runningVar.withUnsafeMutableBufferPointer { rv in
                                    try BatchNorm.forwardTraining(
                                        x: xp, shape: normShape, gamma: gp, beta: bp, epsilon: eps, y: yp, xhat: xhp,
                                        runningMean: update == nil ? nil : rm,
                                        runningVariance: update == nil ? nil : rv,
                                        update: update ?? .pytorch)
                                }
                            }
                        }
                    }
                }
            }
        }
        outputs.add("mean", saved.mean)
        outputs.add("var", saved.variance)
        outputs.add("xhat", xhat)
        outputs.add("y", y)
        if update != nil {
            outputs.add("running_mean", runningMean)
            outputs.add("running_var", runningVar)
        } else {
            outputs.notes.append(
                "running statistics: convention \(word(exact, "convention") ?? "?") is not a kernel option")
        }
        if let dy = tensor(exact, "dy", as: T.self) {
            var dx = [T](repeating: 0, count: x.count)
            var dgamma = [T](repeating: 0, count: gamma.count)
            var dbeta = dgamma
            try dy.withUnsafeBufferPointer { dyp in
                try x.withUnsafeBufferPointer { xp in
                    try gamma.withUnsafeBufferPointer { gp in
                        try dx.withUnsafeMutableBufferPointer { dxp in
                            try dgamma.withUnsafeMutableBufferPointer { dgp in
                                try dbeta.withUnsafeMutableBufferPointer { dbp in
                                    try BatchNorm.backward(
                                        dy: dyp, source: .x(xp, saved), shape: normShape, gamma: gp, dx: dxp,
                                        dgamma: dgp, dbeta: dbp)
                                }
                            }
                        }
                    }
                }
            }
            outputs.add("dx", dx)
            outputs.add("dgamma", dgamma)
            outputs.add("dbeta", dbeta)
        }
        return outputs
    }

    /// The kernel's running-statistics rule for the trace's convention, or nil
    /// when the kernels do not implement it (Keras 2's m/(m − 1 − ε), Caffe's
    /// sums, averages of σ).
    static func runningUpdate(_ exact: Trace<Surd>) -> RunningStatUpdate? {
        guard let name = word(exact, "convention"), let convention = try? BatchNormConvention.named(name),
            let momentum = number(exact, "momentum")?.rounded(to: Double.self), convention.averaged == .variance
        else { return nil }
        let variance: RunningStatUpdate.VarianceEstimator
        switch convention.runningVariance {
        case .biased: variance = .biased
        case .unbiased: variance = .unbiased
        default: return nil
        }
        switch convention.averaging {
        case .exponential:
            return RunningStatUpdate(
                momentum: convention.momentumMeaning == .factorOnNew ? .factorOnNew(momentum) : .decayOnOld(momentum),
                variance: variance)
        case .cumulative:
            let seen = number(exact, "batches_seen")?.numerator.exactInt ?? 0
            return RunningStatUpdate(momentum: .cumulative(count: seen + 1), variance: variance)
        case .caffeNormalizedSum:
            return nil
        }
    }

    // MARK: - Layer and group norm

    static func layerNorm<T: KernelScalar>(_ input: CaseInput, exact: Trace<Surd>, as _: T.Type) throws -> Outputs
    where T.RawSignificand: FixedWidthInteger, T.RawExponent: FixedWidthInteger {
        let x = try required(tensor(exact, "x", as: T.self), "x")
        let gamma = try required(tensor(exact, "gamma", as: T.self), "gamma")
        let beta = try required(tensor(exact, "beta", as: T.self), "beta")
        // The reference's grouping: each row of `features` values is one group.
        let features = try required(exact.layout?.groupSize, "layout")
        let rows = x.count / max(features, 1)
        let eps = T(try required(number(exact, "eps"), "eps").rounded(to: Double.self))
        return try normalize(
            x: x, gamma: gamma, beta: beta, dy: tensor(exact, "dy", as: T.self),
            forward: { xp, gp, bp, yp, xhp in
                try LayerNorm.forward(
                    x: xp, rows: rows, features: features, gamma: gp, beta: bp, epsilon: eps, y: yp, xhat: xhp)
            },
            backward: { dyp, source, gp, dxp, dgp, dbp in
                try LayerNorm.backward(
                    dy: dyp, source: source, rows: rows, features: features, gamma: gp, dx: dxp, dgamma: dgp, dbeta: dbp
                )
            })
    }

    static func groupNorm<T: KernelScalar>(_ input: CaseInput, exact: Trace<Surd>, as _: T.Type) throws -> Outputs
    where T.RawSignificand: FixedWidthInteger, T.RawExponent: FixedWidthInteger {
        let shape = try required(exact.step("x", role: .input)?.tensor.shape, "x")
        guard shape.count >= 3 else {
            throw ReferenceError("the group-norm kernel takes NCHW input; x has shape \(shape)")
        }
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3...].reduce(1, *))
        // Instance norm records G = C itself.
        let groups = try required(number(exact, "groups")?.numerator.exactInt, "groups")
        let x = try required(tensor(exact, "x", as: T.self), "x")
        let gamma = try required(tensor(exact, "gamma", as: T.self), "gamma")
        let beta = try required(tensor(exact, "beta", as: T.self), "beta")
        let eps = T(try required(number(exact, "eps"), "eps").rounded(to: Double.self))
        return try normalize(
            x: x, gamma: gamma, beta: beta, dy: tensor(exact, "dy", as: T.self),
            forward: { xp, gp, bp, yp, xhp in
                try GroupNorm.forward(
                    x: xp, n: n, c: c, h: h, w: w, groups: groups, gamma: gp, beta: bp, epsilon: eps, y: yp, xhat: xhp)
            },
            backward: { dyp, source, gp, dxp, dgp, dbp in
                try GroupNorm.backward(
                    dy: dyp, source: source, n: n, c: c, h: h, w: w, groups: groups, gamma: gp,
                    dx: dxp, dgamma: dgp, dbeta: dbp)
            })
    }

    /// The common shape of a layer- or group-norm kernel run.
    static func normalize<T: KernelScalar>(
        x: [T], gamma: [T], beta: [T], dy: [T]?,
        forward: (
            UnsafeBufferPointer<T>, UnsafeBufferPointer<T>, UnsafeBufferPointer<T>, UnsafeMutableBufferPointer<T>,
            UnsafeMutableBufferPointer<T>
        ) throws -> SavedStatistics<T>,
        backward: (
            UnsafeBufferPointer<T>, NormalizedSource<T>, UnsafeBufferPointer<T>, UnsafeMutableBufferPointer<T>,
            UnsafeMutableBufferPointer<T>, UnsafeMutableBufferPointer<T>
        ) throws -> Void
    ) throws -> Outputs {
        var outputs = Outputs()
        var y = [T](repeating: 0, count: x.count)
        var xhat = y
        let saved: SavedStatistics<T> = try x.withUnsafeBufferPointer { xp in
            try gamma.withUnsafeBufferPointer { gp in
                try beta.withUnsafeBufferPointer { bp in
                    try y.withUnsafeMutableBufferPointer { yp in
                        try xhat.withUnsafeMutableBufferPointer { xhp in try forward(xp, gp, bp, yp, xhp) }
                    }
                }
            }
        }
        outputs.add("mean", saved.mean)
        outputs.add("var", saved.variance)
        outputs.add("xhat", xhat)
        outputs.add("y", y)
        if let dy {
            var dx = [T](repeating: 0, count: x.count)
            var dgamma = [T](repeating: 0, count: gamma.count)
            var dbeta = dgamma
            try dy.withUnsafeBufferPointer { dyp in
                try x.withUnsafeBufferPointer { xp in
                    try gamma.withUnsafeBufferPointer { gp in
                        try dx.withUnsafeMutableBufferPointer { dxp in
                            try dgamma.withUnsafeMutableBufferPointer { dgp in
                                try dbeta.withUnsafeMutableBufferPointer { dbp in
                                    try backward(dyp, .x(xp, saved), gp, dxp, dgp, dbp)
                                }
                            }
                        }
                    }
                }
            }
            outputs.add("dx", dx)
            outputs.add("dgamma", dgamma)
            outputs.add("dbeta", dbeta)
        }
        return outputs
    }

    // MARK: - Dropout

    static func dropout<T: KernelScalar>(_ input: CaseInput, exact: Trace<Surd>, as _: T.Type) throws -> Outputs
    where T.RawSignificand: FixedWidthInteger, T.RawExponent: FixedWidthInteger {
        var outputs = Outputs()
        let x = try required(tensor(exact, "x", as: T.self), "x")
        let p = T(try required(number(exact, "p"), "p").rounded(to: Double.self))
        let scaling: DropoutScaling = word(exact, "variant") == "plain" ? .plain : .inverted
        let dy = tensor(exact, "dy", as: T.self) ?? [T](repeating: 1, count: x.count)
        var y = [T](repeating: 0, count: x.count)
        var dx = y
        if word(exact, "mode") == "eval" {
            try x.withUnsafeBufferPointer { xp in
                try y.withUnsafeMutableBufferPointer { try Dropout.forwardEval(x: xp, p: p, scaling: scaling, y: $0) }
            }
            try dy.withUnsafeBufferPointer { dyp in
                try dx.withUnsafeMutableBufferPointer { try Dropout.forwardEval(x: dyp, p: p, scaling: scaling, y: $0) }
            }
        } else {
            let mask = try expandedMask(
                input, count: x.count, shape: try required(exact.step("x", role: .input)?.tensor.shape, "x"))
            try x.withUnsafeBufferPointer { xp in
                try mask.withUnsafeBufferPointer { mp in
                    try y.withUnsafeMutableBufferPointer {
                        try Dropout.forwardTraining(x: xp, mask: mp, p: p, scaling: scaling, y: $0)
                    }
                }
            }
            try dy.withUnsafeBufferPointer { dyp in
                try mask.withUnsafeBufferPointer { mp in
                    try dx.withUnsafeMutableBufferPointer {
                        try Dropout.backward(dy: dyp, mask: mp, p: p, scaling: scaling, dx: $0)
                    }
                }
            }
        }
        outputs.add("y", y)
        outputs.add("dx", dx)
        return outputs
    }

    /// The case's mask as one byte per element; a channel mask (N, C) is
    /// repeated over the spatial positions of x (N, C, H, W, …).
    static func expandedMask(_ input: CaseInput, count: Int, shape: [Int]) throws -> [UInt8] {
        let mask = try input.requiredTensor("mask").values.map { $0.isZero ? UInt8(0) : UInt8(1) }
        if mask.count == count { return mask }
        let spatial = shape.count > 2 ? shape[2...].reduce(1, *) : 1
        guard mask.count * spatial == count else {
            throw ReferenceError("mask has \(mask.count) values for x of shape \(shape)")
        }
        return (0..<count).map { mask[$0 / spatial] }
    }
}
