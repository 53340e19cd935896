/// The registry of reference operations. Add an operation here to make it
/// available to `normlab trace`, the vectors and the lessons.
let registered: [any ReferenceOperation.Type] = [
    StandardizeOperation.self,
    BatchNormOperation.self,
    Ridge.self,
    Dropout.self,
    DropoutRegression.self,
    DropoutCommittee.self,
    DropoutBNShift.self,
    NaiveVarianceOperation.self,
    BiasVarianceOperation.self,
    BiasVarianceSweep.self,
    DoubleDescent.self,
    BaggingOperation.self,
    CrossValidation.self,
    LayerNormOperation.self,
    GroupNormOperation.self,
    InstanceNormOperation.self,
    RunningStatsOperation.self,
    BatchNormFoldOperation.self,
    BatchNormFactsOperation.self,
]
