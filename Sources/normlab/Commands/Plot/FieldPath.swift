import OrderedJSON

/// A way into a JSON-lines record: `train_loss`, `layers.act_std`,
/// `layers[2].grad_norm`. Segments are separated by dots; `[k]` picks the
/// k-th element of an array, counting from 1 (the simulator numbers hidden
/// layers from 1); an array reached without `[k]` fans out into one value
/// per element, each named with its index (`layers[1].act_std`, …).
struct FieldPath: Equatable, CustomStringConvertible {
    struct Segment: Equatable {
        let name: String
        let index: Int?
    }

    let segments: [Segment]
    let text: String

    var description: String { text }

    /// Parses a path; the error says what is wrong with it.
    init(_ text: String) throws {
        self.text = text
        var segments: [Segment] = []
        for part in text.split(separator: ".", omittingEmptySubsequences: false) {
            var name = Substring(part)
            var index: Int? = nil
            if let open = part.firstIndex(of: "[") {
                guard part.hasSuffix("]"),
                    let number = Int(part[part.index(after: open)..<part.index(before: part.endIndex)])
                else { throw FieldPathError("\"\(part)\" is not name[k] with a whole number k") }
                guard number >= 1 else {
                    throw FieldPathError("index \(number) in \"\(part)\" must be at least 1 (elements count from 1)")
                }
                name = part[..<open]
                index = number
            }
            guard !name.isEmpty else { throw FieldPathError("\"\(text)\" has an empty segment; write a.b or a[2].b") }
            segments.append(Segment(name: String(name), index: index))
        }
        self.segments = segments
    }

    /// The values this path reaches in a record, each with the concrete
    /// path that reached it (indices filled in where an array fanned out).
    /// Missing members give nothing.
    func values(in record: JSONValue) -> [(String, JSONValue)] {
        var results: [(String, JSONValue)] = []
        walk(record, segment: 0, prefix: "", into: &results)
        return results
    }

    private func walk(_ value: JSONValue, segment: Int, prefix: String, into results: inout [(String, JSONValue)]) {
        guard segment < segments.count else {
            // A path ending on an array of numbers fans out too.
            if case .array(let items) = value {
                for (offset, item) in items.enumerated() { results.append(("\(prefix)[\(offset + 1)]", item)) }
            } else {
                results.append((prefix, value))
            }
            return
        }
        let step = segments[segment]
        guard let member = value[step.name] else { return }
        let name = prefix.isEmpty ? step.name : prefix + "." + step.name
        if let index = step.index {
            guard let items = member.arrayValue, index <= items.count else { return }
            walk(items[index - 1], segment: segment + 1, prefix: "\(name)[\(index)]", into: &results)
        } else if case .array(let items) = member, segment + 1 < segments.count {
            for (offset, item) in items.enumerated() {
                walk(item, segment: segment + 1, prefix: "\(name)[\(offset + 1)]", into: &results)
            }
        } else {
            walk(member, segment: segment + 1, prefix: name, into: &results)
        }
    }
}

struct FieldPathError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
