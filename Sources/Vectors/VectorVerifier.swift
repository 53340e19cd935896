import Accuracy
import Exact
import Foundation
import OrderedJSON
import Reference

/// A problem with a file given to the vector tools: the message names the
/// file, the case id and the field. Malformed input, not a failed check.
public struct VectorInputError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = oneLine(message) }
    public var description: String { message }
}

/// One output of one case, measured against its tolerance.
public struct VerificationRow: Sendable {
    public let caseID: String
    public let field: String
    public let precision: TargetPrecision
    public let error: TensorError
    public let tolerance: Tolerance
    /// Why this row is expected to fail, when it is: NormLab's naive
    /// floating-point reference on a case built to defeat naive arithmetic.
    public var expectedFailure: String? = nil
    public var passed: Bool { tolerance.accepts(error) }
    /// A failure nobody expected: what makes a verification fail.
    public var failedUnexpectedly: Bool { !passed && expectedFailure == nil }
}

/// One case of a family file, as read back: its id, flags, exact input and
/// the exact values and tolerance of each checked output.
public struct VectorFileCase: Sendable {
    public let id: String
    public let flags: [String]
    public let input: CaseInput
    public let checked: [(field: String, exact: [Surd], tolerance: Tolerance)]
}

/// Checks float results — an outside implementation's, or NormLab's own
/// floating-point reference — against the exact values in the vectors.
public enum VectorVerifier {
    /// One file the manifest lists: its path under vectors/ and SHA-256.
    public struct ManifestEntry: Sendable, Equatable {
        public let path: String
        public let sha256: String
    }

    /// The manifest's file list, checked: every entry has a relative path
    /// inside the tree (no leading "/", no ".." component) and a SHA-256 of
    /// 64 hex digits; `name` names the manifest in errors.
    public static func manifestEntries(_ manifest: JSONValue, name: String) throws -> [ManifestEntry] {
        guard let files = manifest["files"]?.arrayValue else {
            throw VectorInputError("\(name): the manifest has no \"files\" array")
        }
        return try files.enumerated().map { index, entry in
            guard let path = entry["path"]?.stringValue, !path.isEmpty else {
                throw VectorInputError("\(name): files[\(index)] has no \"path\"")
            }
            let components = path.split(separator: "/", omittingEmptySubsequences: false)
            guard !path.hasPrefix("/"), !components.contains(".."), !components.contains("") else {
                throw VectorInputError(
                    "\(name): files[\(index)] path \(quoted(path)) must be a relative path inside the vectors folder")
            }
            guard let digest = entry["sha256"]?.stringValue, digest.count == 64,
                digest.allSatisfy({ $0.isHexDigit && !$0.isUppercase })
            else {
                throw VectorInputError(
                    "\(name): files[\(index)] (\(quoted(path))) has no \"sha256\" of 64 lowercase hex digits")
            }
            return ManifestEntry(path: path, sha256: digest)
        }
    }

    /// Reads a family file from `vectorsDirectory`, refusing it if its hash
    /// does not match the manifest (a tampered or truncated file).
    public static func loadFamilyFile(_ relativePath: String, vectorsDirectory: String) throws -> JSONValue {
        let manifest = try loadManifest(vectorsDirectory: vectorsDirectory)
        let entries = try manifestEntries(manifest, name: "\(vectorsDirectory)/\(VectorTree.manifestPath)")
        guard let entry = entries.first(where: { $0.path == relativePath }) else {
            throw VectorInputError(
                "\(quoted(relativePath)) is not listed in \(vectorsDirectory)/manifest.json")
        }
        let path = URL(fileURLWithPath: vectorsDirectory).appendingPathComponent(relativePath).path
        let text: String
        do { text = try WorkLimits.readInputFile(path, what: "vector file") } catch let error as ReferenceError {
            throw VectorInputError(error.message)
        }
        let digest = VectorDigest.sha256(text)
        guard digest == entry.sha256 else {
            throw VectorInputError(
                "\(path): SHA-256 \(digest) does not match the manifest (\(entry.sha256)); the file was edited or truncated"
            )
        }
        let data = Data(text.utf8)
        do { return try JSONValue(parsing: String(decoding: data, as: UTF8.self)) } catch {
            throw VectorInputError("\(path): \(error)")
        }
    }

    public static func loadManifest(vectorsDirectory: String) throws -> JSONValue {
        let path = URL(fileURLWithPath: vectorsDirectory).appendingPathComponent(VectorTree.manifestPath).path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VectorInputError("\(path): cannot read the manifest (is --dir the vectors folder?)")
        }
        let manifest: JSONValue
        do { manifest = try JSONValue(parsing: String(decoding: data, as: UTF8.self)) } catch {
            throw VectorInputError("\(path): \(error)")
        }
        _ = try manifestEntries(manifest, name: path)
        return manifest
    }

    /// The family files the manifest lists, in its order.
    public static func familyPaths(vectorsDirectory: String) throws -> [String] {
        let manifest = try loadManifest(vectorsDirectory: vectorsDirectory)
        return try manifestEntries(manifest, name: "\(vectorsDirectory)/\(VectorTree.manifestPath)").map(\.path)
    }

    /// Every case of a family file, with its exact inputs and checked outputs.
    public static func cases(of family: JSONValue, file: String) throws -> [VectorFileCase] {
        guard let op = family["op"]?.stringValue else { throw VectorInputError("\(file): no \"op\"") }
        guard let groups = family["testGroups"]?.arrayValue else {
            throw VectorInputError("\(file): no \"testGroups\" array")
        }
        var result: [VectorFileCase] = []
        for (groupIndex, group) in groups.enumerated() {
            guard let precisionName = group["precision"]?.stringValue,
                let precision = TargetPrecision(rawValue: precisionName)
            else {
                throw VectorInputError("\(file): testGroups[\(groupIndex)] has no precision \"f64\" or \"f32\"")
            }
            for (testIndex, test) in (group["tests"]?.arrayValue ?? []).enumerated() {
                guard let id = test["id"]?.stringValue else {
                    throw VectorInputError("\(file): testGroups[\(groupIndex)].tests[\(testIndex)] has no \"id\"")
                }
                var input: CaseInput
                do { input = try CaseInput(json: test, defaultOp: op) } catch let error as ReferenceError {
                    throw VectorInputError("\(file): case \(id): \(error.message)")
                }
                input.op = op
                input.precision = precision
                guard let tolerances = test["tolerance"]?.objectValue else {
                    throw VectorInputError("\(file): case \(id) has no \"tolerance\" object")
                }
                // A tolerance may name an output this case does not have (w_sd of a
                // singular system is undefined): it checks nothing here.
                let present = tolerances.filter { field, _ in
                    (test["outputs"]?[field] ?? test["intermediates"]?[field]) != nil
                }
                let checked = try present.map { field, json in
                    (
                        field: field, exact: try exactValues(test, field: field, file: file, id: id),
                        tolerance: try readTolerance(json, file: file, id: id, field: field)
                    )
                }
                let flags = test["flags"]?.arrayValue?.compactMap(\.stringValue) ?? []
                result.append(VectorFileCase(id: id, flags: flags, input: input, checked: checked))
            }
        }
        return result
    }

    /// Verifies an implementation's results file:
    /// `{"vectors": "<family path>", "fields"?: [names], "results": [{"id", "outputs": {name: [floats]}}]}`.
    /// A file that checks nothing — no results, or only fields no case has —
    /// is an error, not a pass.
    public static func verify(resultsFile: String, vectorsDirectory: String) throws -> [VerificationRow] {
        let text: String
        do { text = try WorkLimits.readInputFile(resultsFile, what: "results file") } catch let error as ReferenceError
        {
            throw VectorInputError(error.message)
        }
        let results: JSONValue
        do { results = try JSONValue(parsing: text) } catch {
            throw VectorInputError("\(resultsFile): \(error)")
        }
        return try verify(results: results, name: resultsFile, vectorsDirectory: vectorsDirectory)
    }

    /// `verify(resultsFile:)` on parsed JSON; `name` names it in errors.
    public static func verify(results: JSONValue, name resultsFile: String, vectorsDirectory: String) throws
        -> [VerificationRow]
    {
        guard case .object = results else { throw VectorInputError("\(resultsFile): must be a JSON object") }
        guard let familyPath = results["vectors"]?.stringValue else {
            throw VectorInputError(
                "\(resultsFile): missing \"vectors\" (the family file, e.g. \"normalization/batchnorm_train_2d.json\")")
        }
        let family = try loadFamilyFile(familyPath, vectorsDirectory: vectorsDirectory)
        return try verify(
            results: results, name: resultsFile, familyPath: familyPath,
            cases: try cases(of: family, file: familyPath))
    }

    /// `verify(results:name:vectorsDirectory:)` against the already-read
    /// cases of the family file `familyPath`.
    public static func verify(results: JSONValue, name resultsFile: String, familyPath: String, cases: [VectorFileCase])
        throws -> [VerificationRow]
    {
        guard results["vectors"]?.stringValue == familyPath else {
            throw VectorInputError("\(resultsFile): \"vectors\" must name \(familyPath)")
        }
        var casesByID: [String: (VectorFileCase, TargetPrecision)] = [:]
        for fileCase in cases {
            casesByID[fileCase.id] = (fileCase, fileCase.input.precision)
        }
        let knownFields = Set(casesByID.values.flatMap { $0.0.checked.map(\.field) })
        var fields: Set<String>? = nil
        if let fieldsJSON = results["fields"] {
            guard let names = fieldsJSON.arrayValue?.map(\.stringValue), names.allSatisfy({ $0 != nil }) else {
                throw VectorInputError("\(resultsFile): \"fields\" must be an array of output names")
            }
            for name in names.compactMap({ $0 }) where !knownFields.contains(name) {
                throw VectorInputError(
                    "\(resultsFile): field \(quoted(name)) is not a checked output of \(familyPath) (its outputs: \(knownFields.sorted().joined(separator: ", ")))"
                )
            }
            fields = Set(names.compactMap { $0 })
        }
        guard let entries = results["results"]?.arrayValue else {
            throw VectorInputError("\(resultsFile): missing \"results\" array")
        }
        guard !entries.isEmpty else {
            throw VectorInputError("\(resultsFile): \"results\" is empty; a verification must check something")
        }
        var rows: [VerificationRow] = []
        for (position, entry) in entries.enumerated() {
            guard let id = entry["id"]?.stringValue else {
                throw VectorInputError("\(resultsFile): results[\(position)] has no \"id\"")
            }
            guard let (fileCase, precision) = casesByID[id] else {
                throw VectorInputError("\(resultsFile): unknown case id \(quoted(id)) (not in \(familyPath))")
            }
            guard let outputs = entry["outputs"]?.objectValue else {
                throw VectorInputError("\(resultsFile): case \(id) has no \"outputs\" object")
            }
            let checkedFields = Set(fileCase.checked.map(\.field))
            for (name, _) in outputs where !checkedFields.contains(name) {
                throw VectorInputError(
                    "\(resultsFile): case \(id) output \(quoted(name)) is not one of its checked outputs (\(fileCase.checked.map(\.field).joined(separator: ", ")))"
                )
            }
            for (field, exact, tolerance) in fileCase.checked {
                if let fields, !fields.contains(field) { continue }
                guard let values = entry["outputs"]?[field]?.arrayValue else {
                    throw VectorInputError("\(resultsFile): case \(id) is missing output \"\(field)\"")
                }
                guard values.count == exact.count else {
                    throw VectorInputError(
                        "\(resultsFile): case \(id) output \"\(field)\" has \(values.count) values, expected \(exact.count)"
                    )
                }
                let floats: [Double] = try values.enumerated().map { index, value in
                    guard let text = value.numberText, let number = parseFloat(text) else {
                        throw VectorInputError(
                            "\(resultsFile): case \(id) output \"\(field)\"[\(index)] is not a float (hex like 0x1.8p+1, decimal, inf or nan)"
                        )
                    }
                    return number
                }
                rows.append(
                    VerificationRow(
                        caseID: id, field: field, precision: precision,
                        error: measure(floats, exact, precision: precision), tolerance: tolerance))
            }
        }
        guard !rows.isEmpty else {
            throw VectorInputError("\(resultsFile): no output was checked; a verification must check something")
        }
        return rows
    }

    /// NormLab's own floating-point reference, run on the inputs of every case
    /// of every family file under `vectorsDirectory` (each checked against
    /// the manifest's hash) and held to the file's tolerances. The Double
    /// reference evaluates the formulas naively, so on the cases flagged to
    /// defeat naive arithmetic (`VectorFlags.defeatsNaiveArithmetic`) its
    /// failures are expected and labelled so.
    public static func verifySelf(
        vectorsDirectory: String,
        lookup: (String) -> (any ReferenceOperation.Type)? = ReferenceOperations.named
    ) throws -> [VerificationRow] {
        var rows: [VerificationRow] = []
        for path in try familyPaths(vectorsDirectory: vectorsDirectory) {
            let family = try loadFamilyFile(path, vectorsDirectory: vectorsDirectory)
            for fileCase in try cases(of: family, file: path) {
                guard let operation = lookup(fileCase.input.op) else {
                    throw VectorInputError("\(path): case \(fileCase.id): unknown op \(quoted(fileCase.input.op))")
                }
                let trace: Trace<Double>
                do { trace = try operation.run(fileCase.input, as: Double.self) } catch let error as ReferenceError {
                    throw VectorInputError("\(path): case \(fileCase.id): \(error.message)")
                }
                let naive = fileCase.flags.filter { VectorFlags.named($0)?.defeatsNaiveArithmetic ?? false }
                for (field, exact, tolerance) in fileCase.checked {
                    // For an f32 case the Double results are rounded to float32,
                    // as a careful f32 implementation accumulating in double
                    // would deliver them.
                    guard let values = trace[field]?.values, values.count == exact.count else { continue }
                    var row = VerificationRow(
                        caseID: fileCase.id, field: field, precision: fileCase.input.precision,
                        error: measure(values, exact, precision: fileCase.input.precision), tolerance: tolerance)
                    if !row.passed && !naive.isEmpty {
                        row.expectedFailure = "naive arithmetic on a \(naive.joined(separator: ", ")) case"
                    }
                    rows.append(row)
                }
            }
        }
        return rows
    }

    /// The error of Double results in the case's precision.
    static func measure(_ values: [Double], _ exact: [Surd], precision: TargetPrecision) -> TensorError {
        precision == .f32
            ? TensorError(computed: values.map { Float($0) }, exact: exact, as: Float.self)
            : TensorError(computed: values, exact: exact, as: Double.self)
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
            let boundText = json["bound"]?.numberText, let bound = Double(boundText), bound >= 0
        else {
            throw VectorInputError("\(file): case \(id) has a malformed tolerance for \"\(field)\"")
        }
        return Tolerance(metric: metric, bound: bound, rule: json["rule"]?.stringValue ?? "")
    }

    /// Hex floats, decimals, inf and nan.
    static func parseFloat(_ text: String) -> Double? {
        switch text.lowercased() {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan", "+nan", "-nan": return .nan
        default:
            // A decimal or hex float beyond the range reads as ±∞, as C's strtod does.
            return Double(text)
        }
    }

    static func quoted(_ text: String) -> String { quotedInput(text) }
}
