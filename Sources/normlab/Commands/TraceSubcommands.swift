import ArgumentParser

/// The `trace` verbs, one per reference operation.
let traceSubcommands: [ParsableCommand.Type] = [
    StandardizeTrace.self,
    BatchNormTrace.self,
    LayerNormTrace.self,
    GroupNormTrace.self,
    InstanceNormTrace.self,
    RunningStatsTrace.self,
    BatchNormFoldTrace.self,
    BatchNormFactsTrace.self,
    DropoutTrace.self,
    DropoutRegressionTrace.self,
    DropoutCommitteeTrace.self,
    DropoutBNShiftTrace.self,
    RidgeTrace.self,
    BiasVarianceTrace.self,
    BiasVarianceSweepTrace.self,
    DoubleDescentTrace.self,
    BaggingTrace.self,
    CrossValidationTrace.self,
]
