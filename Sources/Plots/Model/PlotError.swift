/// A chart that cannot be drawn as asked: the message names the value and
/// the rule it breaks, in one line. `subject` says which setting or data the
/// rule is about, so a command line can name its own option.
public struct PlotError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Subject: Equatable, Sendable {
        /// The terminal width (`needed` columns would do).
        case width(needed: Int)
        /// A log scale met a value that is not positive.
        case logScale
        case data
        case size
    }

    public let message: String
    public let subject: Subject

    public init(_ message: String, subject: Subject = .data) {
        self.message = message
        self.subject = subject
    }

    public var description: String { message }
}
