import ArgumentParser

/// The `trace` verbs, one per reference operation.
let traceSubcommands: [ParsableCommand.Type] = [
    DropoutTraceCommand.self,
    DropoutRegressionTraceCommand.self,
    DropoutCommitteeTraceCommand.self,
    DropoutBNShiftTraceCommand.self,
    RidgeTraceCommand.self,
    BiasVarianceTraceCommand.self,
    BiasVarianceSweepTraceCommand.self,
    BaggingTraceCommand.self,
    CrossValidationTraceCommand.self,
]
