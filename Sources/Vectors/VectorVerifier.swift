import Exact
import Foundation
import OrderedJSON
import Reference

/// A problem with a file given to the vector tools: the message names the
/// file, the case id and the field. Malformed input, not a failed check.
public struct VectorInputError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One output of one case, measured against its tolerance.
public struct VerificationRow: Sendable {
    public let caseID: String
    public let field: String
    public let precision: TargetPrecision
    public let error: TensorError
    public let tolerance: Tolerance
    public var passed: Bool { tolerance.accepts(error) }
}

/// Checks float results — an outside implementation's, or NormLab's own
/// floating-point reference — against the exact values in the vectors.
public enum VectorVerifier {
    /// Reads a family file from `vectorsDirectory`, refusing it if its hash
    /// does not match the manifest (a tampered or truncated file).
    public static func loadFamilyFile(_ relativePath: String, vectorsDirectory: String) throws -> JSONValue {
        let manifest = try loadManifest(vectorsDirectory: vectorsDirectory)
        guard let entry = manifest["files"]?.arrayValue?.first(where: { $0["path"]?.stringValue == relativePath })
        else {
            throw VectorInputError("\(relativePath): not listed in \(vectorsDirectory)/manifest.json")
        }
        let path = URL(fileURLWithPath: vectorsDirectory).appendingPathComponent(relativePath).path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VectorInputError("\(path): cannot read the file")
        }
        let digest = SHA256.hexDigest(Array(data))
        guard digest == entry["sha256"]?.stringValue else {
            throw VectorInputError(
                "\(path): SHA-256 \(digest) does not match the manifest (\(entry["sha256"]?.stringValue ?? "none")); the file was edited or truncated"
            )
        }
        do { return try JSONValue(parsing: String(decoding: data, as: UTF8.self)) } catch {
            throw VectorInputError("\(path): \(error)")
        }
    }

    public static func loadManifest(vectorsDirectory: String) throws -> JSONValue {
        let path = URL(fileURLWithPath: vectorsDirectory).appendingPathComponent(VectorTree.manifestPath).path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VectorInputError("\(path): cannot read the manifest (is --dir the vectors folder?)")
        }
        do { return try JSONValue(parsing: String(decoding: data, as: UTF8.self)) } catch {
            throw VectorInputError("\(path): \(error)")
        }
    }

    /// Verifies an implementation's results file:
    /// `{"vectors": "<family path>", "fields"?: [names], "results": [{"id", "outputs": {name: [floats]}}]}`.
    public static func verify(resultsFile: String, vectorsDirectory: String) throws -> [VerificationRow] {
        guard let data = FileManager.default.contents(atPath: resultsFile) else {
            throw VectorInputError("\(resultsFile): cannot read the file")
        }
        let results: JSONValue
        do { results = try JSONValue(parsing: String(decoding: data, as: UTF8.self)) } catch {
            throw VectorInputError("\(resultsFile): \(error)")
        }
        guard let familyPath = results["vectors"]?.stringValue else {
            throw VectorInputError(
                "\(resultsFile): missing \"vectors\" (the family file, e.g. \"normalization/batchnorm_train_2d.json\")")
        }
        let family = try loadFamilyFile(familyPath, vectorsDirectory: vectorsDirectory)
        var casesByID: [String: (JSONValue, TargetPrecision)] = [:]
        for group in family["testGroups"]?.arrayValue ?? [] {
            let precision = TargetPrecision(rawValue: group["precision"]?.stringValue ?? "f64") ?? .f64
            for test in group["tests"]?.arrayValue ?? [] {
                if let id = test["id"]?.stringValue { casesByID[id] = (test, precision) }
            }
        }
        let fields = results["fields"]?.arrayValue?.compactMap(\.stringValue)
        guard let entries = results["results"]?.arrayValue else {
            throw VectorInputError("\(resultsFile): missing \"results\" array")
        }
        var rows: [VerificationRow] = []
        for (position, entry) in entries.enumerated() {
            guard let id = entry["id"]?.stringValue else {
                throw VectorInputError("\(resultsFile): results[\(position)] has no \"id\"")
            }
            guard let (test, precision) = casesByID[id] else {
                throw VectorInputError("\(resultsFile): unknown case id \"\(id)\" (not in \(familyPath))")
            }
            guard let outputs = entry["outputs"] else {
                throw VectorInputError("\(resultsFile): case \(id) has no \"outputs\" object")
            }
            for (field, toleranceJSON) in test["tolerance"]?.objectValue ?? [] {
                if let fields, !fields.contains(field) { continue }
                guard let values = outputs[field]?.arrayValue else {
                    throw VectorInputError("\(resultsFile): case \(id) is missing output \"\(field)\"")
                }
                let exact = try exactValues(test, field: field, file: familyPath, id: id)
                guard values.count == exact.count else {
                    throw VectorInputError(
                        "\(resultsFile): case \(id) output \"\(field)\" has \(values.count) values, expected \(exact.count)"
                    )
                }
                let tolerance = try readTolerance(toleranceJSON, file: familyPath, id: id, field: field)
                let floats: [Double] = try values.enumerated().map { index, value in
                    guard let text = value.numberText, let number = parseFloat(text) else {
                        throw VectorInputError(
                            "\(resultsFile): case \(id) output \"\(field)\"[\(index)] is not a float (hex like 0x1.8p+1 or decimal)"
                        )
                    }
                    return number
                }
                let error: TensorError =
                    precision == .f32
                    ? TensorError(computed: floats.map { Float($0) }, exact: exact, as: Float.self)
                    : TensorError(computed: floats, exact: exact, as: Double.self)
                rows.append(
                    VerificationRow(caseID: id, field: field, precision: precision, error: error, tolerance: tolerance))
            }
        }
        return rows
    }

    /// NormLab's own floating-point reference on every case of every family.
    public static func verifySelf(
        families: [VectorFamily] = VectorCatalog.families,
        lookup: (String) -> (any ReferenceOperation.Type)? = ReferenceOperations.named
    ) throws -> [VerificationRow] {
        var rows: [VerificationRow] = []
        for family in families {
            guard let operation = lookup(family.op) else {
                throw VectorInputError("family \(family.name): unknown op \(family.op)")
            }
            for vectorCase in family.cases {
                let traces = try TraceSet(operation, input: vectorCase.input)
                for (field, tolerance) in family.tolerances(traces.input, traces.exact) {
                    guard let exact = traces.exact[field]?.values else { continue }
                    // The Double reference on every case; for an f32 case its
                    // results are rounded to float32, as a careful f32
                    // implementation accumulating in double would deliver them.
                    guard let values = traces.f64[field]?.values else { continue }
                    let error =
                        traces.input.precision == .f32
                        ? TensorError(computed: values.map { Float($0) }, exact: exact, as: Float.self)
                        : TensorError(computed: values, exact: exact, as: Double.self)
                    rows.append(
                        VerificationRow(
                            caseID: family.caseID(vectorCase), field: field,
                            precision: traces.input.precision, error: error, tolerance: tolerance))
                }
            }
        }
        return rows
    }

    static func exactValues(_ test: JSONValue, field: String, file: String, id: String) throws -> [Surd] {
        guard let strings = (test["outputs"]?[field] ?? test["intermediates"]?[field])?["exact"]?.arrayValue else {
            throw VectorInputError("\(file): case \(id) has no exact values for \"\(field)\"")
        }
        return try strings.enumerated().map { index, value in
            guard let text = value.stringValue, let surd = try? Surd(parsing: text) else {
                throw VectorInputError(
                    "\(file): case \(id) field \"\(field)\"[\(index)] is not a canonical exact value")
            }
            return surd
        }
    }

    static func readTolerance(_ json: JSONValue, file: String, id: String, field: String) throws -> Tolerance {
        guard let metricName = json["metric"]?.stringValue, let metric = ToleranceMetric(rawValue: metricName),
            let boundText = json["bound"]?.numberText, let bound = Double(boundText)
        else {
            throw VectorInputError("\(file): case \(id) has a malformed tolerance for \"\(field)\"")
        }
        return Tolerance(metric: metric, bound: bound, rule: json["rule"]?.stringValue ?? "")
    }

    /// Hex floats, decimals, inf and nan.
    static func parseFloat(_ text: String) -> Double? {
        switch text.lowercased() {
        case "inf", "+inf", "infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan": return .nan
        default: return Double(text)
        }
    }
}
