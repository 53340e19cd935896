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
    DropoutTraceCommand.self,
    DropoutRegressionTraceCommand.self,
    DropoutCommitteeTraceCommand.self,
    DropoutBNShiftTraceCommand.self,
    RidgeTraceCommand.self,
    BiasVarianceTraceCommand.self,
    BiasVarianceSweepTraceCommand.self,
    DoubleDescentTraceCommand.self,
    BaggingTraceCommand.self,
    CrossValidationTraceCommand.self,
]
