/// Bad input to a reference computation: the message names the value and
/// the rule it breaks (DESIGN.md "Errors"), on one line — a line break that
/// came with the input (or with a wrapped error) is shown escaped.
public struct ReferenceError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = oneLine(message) }
    public var description: String { message }
}

/// `text` with line breaks, tabs and other control characters escaped.
public func oneLine(_ text: String) -> String {
    guard text.contains(where: { $0.isNewline || ($0.asciiValue.map { $0 < 32 } ?? false) }) else { return text }
    let quoted = quotedInput(text, limit: Int.max)
    return String(quoted.dropFirst().dropLast())
}
