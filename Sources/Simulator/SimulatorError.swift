/// Bad input to the simulator: one line naming the value and the rule it breaks.
public struct SimulatorError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
