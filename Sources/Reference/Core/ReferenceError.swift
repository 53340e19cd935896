/// Bad input to a reference computation: the message names the value and
/// the rule it breaks (DESIGN.md "Errors").
public struct ReferenceError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
