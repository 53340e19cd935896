import Dispatch
import Foundation
import OrderedJSON
import Reference

/// The whole vectors/ tree: every family file, every schema, and the
/// manifest — generated deterministically (byte-identical on every run and
/// machine: ordered JSON, no timestamps, no unordered collections).
public struct VectorTree: Sendable {
    /// Relative path → contents, sorted by path.
    public let files: [(path: String, contents: String)]
    /// Seconds spent per family, for the report.
    public let timings: [(family: String, seconds: Double, cases: Int)]

    public static let manifestPath = "manifest.json"

    public init(
        families: [VectorFamily] = VectorCatalog.families,
        lookup: @escaping @Sendable (String) -> (any ReferenceOperation.Type)? = ReferenceOperations.named
    ) throws {
        let results = ResultSlots<(GeneratedFamily, Double)>(count: families.count)
        DispatchQueue.concurrentPerform(iterations: families.count) { index in
            let clock = ContinuousClock()
            let start = clock.now
            let generated = Result { try families[index].generate(lookup: lookup) }
            let elapsed = start.duration(to: clock.now)
            results.store(
                index,
                generated.map {
                    ($0, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
                })
        }
        var files: [(String, String)] = []
        var timings: [(String, Double, Int)] = []
        var manifestEntries: [JSONValue] = []
        for index in families.indices {
            let (generated, seconds) = try results.value(index).get()
            let family = generated.family
            files.append((family.path, generated.contents))
            files.append((family.schemaPath, generated.schema))
            timings.append((family.name, seconds, generated.caseCount))
            manifestEntries.append(
                .object([
                    ("path", .string(family.path)),
                    ("family", .string(family.name)),
                    ("op", .string(family.op)),
                    ("numberOfTests", .int(generated.caseCount)),
                    ("sha256", .string(VectorDigest.sha256(generated.contents))),
                    ("schema", .string(family.schemaPath)),
                    ("schemaSha256", .string(VectorDigest.sha256(generated.schema))),
                ]))
        }
        let manifest = JSONValue.object([
            ("formatVersion", .int(VectorFormat.formatVersion)),
            ("generator", VectorFormat.generatorJSON),
            ("numberOfFiles", .int(families.count)),
            ("numberOfTests", .int(timings.reduce(0) { $0 + $1.2 })),
            ("files", .array(manifestEntries)),
        ])
        files.append((VectorTree.manifestPath, manifest.serialized() + "\n"))
        self.files = files.sorted { $0.0 < $1.0 }
        self.timings = timings
    }

    /// Writes every file under `directory`, creating folders as needed. A
    /// failure names the file and the system's reason.
    public func write(to directory: String) throws {
        let manager = FileManager.default
        for (path, contents) in files {
            let url = URL(fileURLWithPath: directory).appendingPathComponent(path)
            do {
                try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(contents.utf8).write(to: url)
            } catch {
                throw VectorInputError("cannot write \(url.path): \(systemReason(error))")
            }
        }
    }

    /// Differences between this tree and the files under `directory`: each
    /// message names the file and, where it can, the first differing case id.
    public func differences(from directory: String) -> [String] {
        var problems: [String] = []
        for (path, contents) in files {
            let url = URL(fileURLWithPath: directory).appendingPathComponent(path)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                problems.append("\(path): missing (run 'normlab vectors generate')")
                continue
            }
            let onDisk = String(decoding: data, as: UTF8.self)
            if onDisk != contents {
                problems.append(
                    "\(path): differs from a fresh generation\(VectorTree.firstDifference(onDisk, contents))")
            }
        }
        let generated = Set(files.map(\.path))
        for path in VectorTree.filesOnDisk(under: directory) where !generated.contains(path) {
            problems.append(
                "\(path): not part of a fresh generation (an added file; remove it or add it to the catalog)")
        }
        return problems
    }

    /// Every regular file under `directory`, as sorted relative paths; the
    /// README and hidden files (.DS_Store, editor backups) excepted.
    static func filesOnDisk(under directory: String) -> [String] {
        let root = URL(fileURLWithPath: directory).standardizedFileURL
        guard
            let enumerator = FileManager.default.enumerator(
                at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
        else { return [] }
        var paths: [String] = []
        for case let url as URL in enumerator {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let full = url.standardizedFileURL.path
            guard full.hasPrefix(root.path + "/") else { continue }
            let relative = String(full.dropFirst(root.path.count + 1))
            if relative != "README.md" { paths.append(relative) }
        }
        return paths.sorted()
    }

    /// Where two versions of a family file first differ, by case id.
    static func firstDifference(_ old: String, _ new: String) -> String {
        guard let oldJSON = try? JSONValue(parsing: old) else {
            return " (the committed file is not valid JSON: truncated or edited?)"
        }
        guard let newJSON = try? JSONValue(parsing: new) else { return "" }
        let oldCases = VectorTree.cases(of: oldJSON)
        let newCases = VectorTree.cases(of: newJSON)
        for (id, newCase) in newCases {
            guard let oldCase = oldCases.first(where: { $0.0 == id })?.1 else { return " (case \(id) is new)" }
            if oldCase != newCase {
                for (field, value) in newCase.objectValue ?? [] where oldCase[field] != value {
                    return " (first at case \(id), field \"\(field)\")"
                }
                return " (first at case \(id))"
            }
        }
        if oldCases.count != newCases.count { return " (case count \(oldCases.count) vs \(newCases.count))" }
        return " (outside the cases: header, notes or formatting)"
    }

    static func cases(of file: JSONValue) -> [(String, JSONValue)] {
        (file["testGroups"]?.arrayValue ?? []).flatMap { $0["tests"]?.arrayValue ?? [] }
            .compactMap { test in test["id"]?.stringValue.map { ($0, test) } }
    }
}

/// Slots that concurrent workers fill by index.
final class ResultSlots<T>: @unchecked Sendable {
    private var slots: [Result<T, Error>?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func store(_ index: Int, _ result: Result<T, Error>) {
        lock.lock()
        slots[index] = result
        lock.unlock()
    }

    func value(_ index: Int) -> Result<T, Error> {
        lock.lock()
        defer { lock.unlock() }
        return slots[index]!
    }
}

/// The operating system's reason behind a Foundation file error ("Not a
/// directory"), not Foundation's wrapper.
func systemReason(_ error: Error) -> String {
    var current = error as NSError
    while let underlying = current.userInfo[NSUnderlyingErrorKey] as? Error { current = underlying as NSError }
    if current.domain == NSPOSIXErrorDomain, let code = Int32(exactly: current.code) {
        return String(cString: strerror(code))
    }
    return current.localizedDescription
}
