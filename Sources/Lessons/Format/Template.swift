import Foundation

/// Prose with values in it, parsed once when the lesson file is read:
/// `Here m = {count(x[:,0])}` or `{if: eps != 0 | With ε = {eps} … | …}`.
struct Template: Sendable {
    enum Piece: Sendable {
        case text(String)
        case value(Placeholder)
        /// `{if: condition | text when it holds | text otherwise}`.
        case conditional(Expression, source: String, then: Template, otherwise: Template)
    }

    let pieces: [Piece]
    /// The text as written, for messages.
    let source: String

    /// Nested `{if: …}` levels accepted.
    static let maximumDepth = 6

    /// Every expression the template evaluates, with its text.
    var expressions: [(Expression, String)] {
        pieces.flatMap { piece -> [(Expression, String)] in
            switch piece {
            case .text: return []
            case .value(let placeholder):
                return [(placeholder.expression, placeholder.source)]
                    + (placeholder.partner.map { [($0, placeholder.source)] } ?? [])
            case .conditional(let condition, let source, let then, let otherwise):
                return [(condition, source)] + then.expressions + otherwise.expressions
            }
        }
    }

    /// The text with no placeholders at all.
    var isPlain: Bool { pieces.allSatisfy { if case .text = $0 { return true } else { return false } } }

    static func parse(_ text: String, depth: Int = 0) throws -> Template {
        guard depth <= maximumDepth else {
            throw ExpressionError("{if: …} nests deeper than \(maximumDepth) levels")
        }
        var pieces: [Piece] = []
        var literal = ""
        var rest = Substring(text)
        while let next = rest.firstIndex(where: { $0 == "{" || $0 == "}" }) {
            literal += rest[..<next]
            let after = rest.index(after: next)
            // "{{" and "}}" are literal braces: x_{{j,i}} prints x_{j,i}.
            if after < rest.endIndex, rest[after] == rest[next] {
                literal.append(rest[next])
                rest = rest[rest.index(after: after)...]
                continue
            }
            guard rest[next] == "{" else {
                throw ExpressionError("a \"}\" has no matching \"{\" in \"\(text.clipped)\" (write }} for a brace)")
            }
            // The matching brace: `{if: …}` may hold placeholders of its own.
            var level = 0
            var found: Substring.Index?
            for index in rest[next...].indices {
                if rest[index] == "{" { level += 1 }
                if rest[index] == "}" {
                    level -= 1
                    if level == 0 {
                        found = index
                        break
                    }
                }
            }
            guard let close = found else {
                throw ExpressionError("a \"{\" has no matching \"}\" in \"\(text.clipped)\" (write {{ for a brace)")
            }
            if !literal.isEmpty { pieces.append(.text(literal)) }
            literal = ""
            let inside = rest[after..<close].trimmingCharacters(in: .whitespaces)
            if inside.hasPrefix("if:") {
                pieces.append(try conditional(String(inside.dropFirst(3)), depth: depth))
            } else {
                pieces.append(.value(try Placeholder(inside)))
            }
            rest = rest[rest.index(after: close)...]
        }
        literal += rest
        if !literal.isEmpty { pieces.append(.text(literal)) }
        return Template(pieces: pieces, source: text)
    }

    /// `CONDITION | text | other`: split at the bars outside nested braces.
    private static func conditional(_ body: String, depth: Int) throws -> Piece {
        var parts: [String] = []
        var current = ""
        var level = 0
        for character in body {
            if character == "{" { level += 1 }
            if character == "}" { level -= 1 }
            if character == "|" && level == 0 {
                parts.append(current)
                current = ""
                continue
            }
            current.append(character)
        }
        parts.append(current)
        guard parts.count == 2 || parts.count == 3 else {
            throw ExpressionError(
                "{if: …} takes a condition and one or two texts separated by \"|\", found \(parts.count - 1) text(s)")
        }
        let conditionText = parts[0].trimmingCharacters(in: .whitespaces)
        return .conditional(
            try ExpressionParser.parse(conditionText), source: conditionText,
            then: try parse(parts[1].trimmingCharacters(in: .whitespaces), depth: depth + 1),
            otherwise: try parse(
                parts.count == 3 ? parts[2].trimmingCharacters(in: .whitespaces) : "", depth: depth + 1))
    }
}

/// One `{…}` value: an expression, how a list is joined, and a format.
struct Placeholder: Sendable {
    enum Joiner: String, Sendable {
        /// `{x[:,0]}`: a list in brackets, a single value alone.
        case bracketed
        /// `{list: …}`: comma-separated, no brackets.
        case list = "list:"
        /// `{sum: …}`: joined with " + ".
        case sum = "sum:"
        /// `{prod: …}`: joined with " · ".
        case product = "prod:"
        /// `{dot: a, b}`: "a₀ · b₀ + a₁ · b₁ + …", a Σ of products written out.
        case dot = "dot:"
    }

    enum Format: String, Sendable {
        /// Exact when short, else rounded with "≈".
        case auto
        /// The f64 run's value.
        case f64
        /// The f32 run's value.
        case f32
        /// The canonical exact form, however long.
        case exact
        /// Six significant digits ("≈" when rounded).
        case dec
    }

    let expression: Expression
    /// The second list of `{dot: a, b}`.
    let partner: Expression?
    let joiner: Joiner
    let format: Format
    /// The text inside the braces, for messages.
    let source: String

    init(_ text: String) throws {
        source = text
        var body = text
        var joiner = Joiner.bracketed
        for candidate in [Joiner.sum, .list, .product, .dot] where body.hasPrefix(candidate.rawValue) {
            body = String(body.dropFirst(candidate.rawValue.count)).trimmingCharacters(in: .whitespaces)
            joiner = candidate
        }
        var format = Format.auto
        if let colon = body.lastIndex(of: ":"),
            let suffix = Format(rawValue: body[body.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        {
            format = suffix
            body = String(body[..<colon]).trimmingCharacters(in: .whitespaces)
        }
        self.joiner = joiner
        self.format = format
        if joiner == .dot {
            // Two expressions, split at the comma outside brackets.
            var depth = 0
            var split: String.Index?
            for index in body.indices {
                switch body[index] {
                case "(", "[": depth += 1
                case ")", "]": depth -= 1
                case "," where depth == 0: split = index
                default: break
                }
                if split != nil { break }
            }
            guard let split else { throw ExpressionError("{dot: a, b} takes two lists separated by a comma") }
            expression = try ExpressionParser.parse(String(body[..<split]).trimmingCharacters(in: .whitespaces))
            partner = try ExpressionParser.parse(
                String(body[body.index(after: split)...]).trimmingCharacters(in: .whitespaces))
        } else {
            expression = try ExpressionParser.parse(body)
            partner = nil
        }
    }
}
