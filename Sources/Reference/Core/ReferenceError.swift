import Exact

/// Bad input to a reference computation: the message names the value and
/// the rule it breaks (DESIGN.md "Errors"), on one line — a line break that
/// came with the input (or with a wrapped error) is shown escaped.
public struct ReferenceError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = oneLine(message) }
    public var description: String { message }
}
