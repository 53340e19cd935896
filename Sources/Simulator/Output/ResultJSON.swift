import OrderedJSON

// The machine-readable contract (DESIGN.md "Simulation results"; README
// "Simulating training"): `--json` prints {"config", "runs"}; `--metrics` writes
// one StepRecord per line. Numbers are Swift's shortest round-trip decimals (the
// same text on every platform); NaN and ±∞, which JSON lacks, are the strings
// "NaN", "inf" and "-inf" (as `normlab plot` reads them); null means "not
// measured here" (no test set, step 0's update ratio). No timings.

extension JSONValue {
    /// A finite Double as its shortest round-trip text; NaN and ±∞ as strings; nil as null.
    public static func double(_ value: Double?) -> JSONValue {
        guard let value else { return .null }
        if value.isNaN { return .string("NaN") }
        if value.isInfinite { return .string(value > 0 ? "inf" : "-inf") }
        return .number(shortestText(value))
    }
}

extension StepRecord {
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("run", .string(run)), ("step", .int(step)), ("train_loss", .double(trainLoss)),
            ("test_loss", .double(testLoss)),
        ]
        members.append(("epoch", .int(epoch)))
        members.append(("batch_loss", .double(batchLoss)))
        if trainAccuracy != nil || testAccuracy != nil {
            members.append(("train_accuracy", .double(trainAccuracy)))
            members.append(("test_accuracy", .double(testAccuracy)))
        }
        for (name, value) in extra { members.append((name, .double(value))) }
        members.append(("layers", .array(layers.map(\.json))))
        return .object(members)
    }
}

extension LayerFigures {
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("layer", .int(layer)), ("kind", .string(kind)), ("width", .int(width))]
        if kind == "hidden" {
            members.append(("act_mean", .double(activationMean)))
            members.append(("act_std", .double(activationStd)))
            members.append(("act_norm", .double(activationNorm)))
            if let deadFraction { members.append(("dead_fraction", .double(deadFraction))) }
        }
        members.append(("grad_norm", .double(gradientNorm)))
        members.append(("weight_norm", .double(weightNorm)))
        members.append(("update_ratio", .double(updateRatio)))
        members.append(("weight_drift", .double(drift)))
        if let batchMean {
            members.append(("bn_batch_mean", .double(batchMean)))
            members.append(("bn_running_mean", .double(runningMean)))
            members.append(("bn_batch_var", .double(batchVariance)))
            members.append(("bn_running_var", .double(runningVariance)))
        }
        return .object(members)
    }
}

extension RunResult {
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("name", .string(name)), ("status", .string(status.rawValue)), ("steps", .int(steps)),
            ("final_train_loss", .double(finalTrainLoss)), ("final_test_loss", .double(finalTestLoss)),
            ("test_accuracy", .double(testAccuracy)),
        ]
        if let divergence {
            members.append(("diverged_at_step", .int(divergence.step)))
            members.append(("diverged_layer", divergence.layer.map { .int($0) } ?? .null))
            members.append(("diverged_quantity", .string(divergence.quantity)))
            members.append(("diverged_value", .string(divergence.value)))
        }
        members.append(("initial_train_loss", .double(initialTrainLoss)))
        members.append(("train_accuracy", .double(trainAccuracy)))
        members.append(contentsOf: extra)
        return .object(members)
    }
}

extension SimulationConfig {
    /// Every setting that determines the run, resolved (defaults filled in).
    public func json(data: DataSplit) throws -> JSONValue {
        let spec = try modelSpec(for: data)
        var members: [(String, JSONValue)] = [
            ("dataset", .string(dataset)), ("task", .string(taskName(data.task))),
            ("train_examples", .int(data.train.count)), ("test_examples", .int(data.test.count)),
        ]
        if SyntheticData.names.contains(dataset) {
            members.append(("samples", .int(samples)))
            members.append(("noise", .double(noise ?? SyntheticData.defaultNoise(dataset))))
        }
        members.append(("test_fraction", .double(testFraction)))
        members.append(("data_seed", .number(String(dataSeed))))
        if testShiftScale != 1 || testShiftOffset != 0 {
            members.append(("test_shift", .array([.double(testShiftScale), .double(testShiftOffset)])))
        }
        members.append(("hidden", .array(hidden.map { .int($0) })))
        members.append(("activation", .string(activation.rawValue)))
        members.append(("norm", .string(normalization.rawValue)))
        if normalization != .none {
            members.append(("norm_position", .string(position.rawValue)))
            members.append(("affine", .bool(affine)))
            members.append(("eps", .double(spec.eps)))
        }
        if normalization == .batchnorm {
            members.append(("convention", .string(spec.running.convention.name)))
            members.append(("bn_momentum", .double(spec.running.momentum)))
        }
        if normalization == .groupnorm { members.append(("groups", .int(groups))) }
        members.append(("dropout", .array(dropoutPerLayer.map { .double($0) })))
        members.append(("init", .string(initialization.description)))
        members.append(("loss", .string(resolvedLoss(data.task).rawValue)))
        members.append(("optimizer", .string(optimizer.rawValue)))
        members.append(("lr", .double(learningRate)))
        if optimizer == .sgd {
            members.append(("momentum", .double(momentum)))
        } else {
            members.append(("betas", .array([.double(beta1), .double(beta2)])))
            members.append(("adam_eps", .double(adamEpsilon)))
        }
        members.append(("weight_decay", .double(weightDecay)))
        if weightDecay > 0 { members.append(("decay_on", .string(decayScope.rawValue))) }
        members.append(("batch_size", .int(resolvedBatch(trainCount: data.train.count))))
        let batch = resolvedBatch(trainCount: data.train.count)
        members.append(("steps", .int(epochs.map { $0 * max(1, data.train.count / batch) } ?? steps)))
        members.append(("log_every", .int(logEvery)))
        members.append(("seed", .number(String(seed))))
        members.append(("precision", .string(precision.rawValue)))
        return .object(members)
    }

    func taskName(_ task: Task) -> String {
        if case .classification(let k) = task { return "classification (\(k) classes)" }
        return "regression"
    }
}
