import ArgumentParser

/// The `trace` verbs, one per reference operation.
let traceSubcommands: [ParsableCommand.Type] = [
    BatchNormTrace.self,
]
