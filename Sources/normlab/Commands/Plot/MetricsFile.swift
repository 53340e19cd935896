import Foundation
import OrderedJSON

/// A JSON-lines file as `normlab plot` reads it: one JSON object per
/// non-blank line, each remembered with its line number for messages.
struct MetricsFile {
    struct Record {
        let line: Int
        let value: JSONValue
    }

    let path: String
    let records: [Record]

    init(path: String) throws {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            throw InputError(
                "\(path): cannot read the file (\(exists ? (isDirectory.boolValue ? "it is a folder" : "permission denied") : "no such file"))"
            )
        }
        let text = String(decoding: data, as: UTF8.self)
        var records: [Record] = []
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\r")))
            if trimmed.isEmpty { continue }
            let value: JSONValue
            do { value = try JSONValue(parsing: trimmed) } catch let error as JSONParseError {
                throw InputError(
                    "\(path) line \(offset + 1): not JSON (column \(error.column): \(error.reason)); a metrics file holds one JSON object per line"
                )
            }
            guard case .object = value else {
                throw InputError(
                    "\(path) line \(offset + 1): \(MetricsFile.kind(of: value)), not an object; a metrics file holds one JSON object per line"
                )
            }
            records.append(Record(line: offset + 1, value: value))
        }
        guard !records.isEmpty else {
            throw InputError("\(path): the file is empty; a metrics file holds one JSON object per line")
        }
        self.records = records
    }

    /// The top-level field names in order of first appearance.
    var fieldNames: [String] {
        var seen: [String] = []
        for record in records {
            for (key, _) in record.value.objectValue ?? [] where !seen.contains(key) { seen.append(key) }
        }
        return seen
    }

    /// Top-level fields holding a number (or a NaN/∞ spelling) in some record.
    var numericFieldNames: [String] {
        fieldNames.filter { name in
            records.contains { record in
                guard let value = record.value[name] else { return false }
                if case .number = value { return true }
                if case .string(let text) = value { return MetricsFile.nonFinite(text) != nil }
                return false
            }
        }
    }

    static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string(let text): return "the string \"\(text.count > 30 ? String(text.prefix(30)) + "…" : text)\""
        case .array: return "a JSON array"
        case .object: return "a JSON object"
        }
    }

    /// How writers spell values JSON has no number for.
    static func nonFinite(_ text: String) -> Double? {
        switch text.lowercased() {
        case "nan", "-nan": return .nan
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: return nil
        }
    }

    enum Reading {
        case number(Double)
        /// null: not logged at this step.
        case missing
        case notNumeric(String)
    }

    /// A value as a number: JSON numbers (beyond Double's range: ±∞), the
    /// strings "NaN", "inf", "-inf", "Infinity"; null is missing.
    static func reading(_ value: JSONValue) -> Reading {
        switch value {
        case .number(let text): return Double(text).map(Reading.number) ?? .notNumeric(text)
        case .string(let text):
            if let special = nonFinite(text) { return .number(special) }
            return .notNumeric(kind(of: value))
        case .null: return .missing
        default: return .notNumeric(kind(of: value))
        }
    }
}
