import Foundation

/// Every lesson in a folder: each `*.lesson` file, its id the file name. A
/// file that does not parse is kept aside with its error, so one malformed
/// lesson does not hide the others.
public struct LessonLibrary: Sendable {
    public let directory: String
    public let lessons: [Lesson]
    /// Files that could not be read, with the reason (file, line).
    public let broken: [(id: String, error: LessonFileError)]

    public static let fileExtension = "lesson"

    public init(directory: String) {
        self.directory = directory
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var lessons: [Lesson] = []
        var broken: [(id: String, error: LessonFileError)] = []
        for name in names.sorted() where name.hasSuffix("." + Self.fileExtension) {
            let path = (directory as NSString).appendingPathComponent(name)
            let id = String(name.dropLast(Self.fileExtension.count + 1))
            do {
                lessons.append(try Self.read(path: path, id: id))
            } catch let error as LessonFileError {
                broken.append((id, error))
            } catch {
                broken.append((id, LessonFileError(file: path, line: 0, reason: "\(error)")))
            }
        }
        self.lessons = lessons.sorted { ($0.order, $0.id) < ($1.order, $1.id) }
        self.broken = broken
    }

    static func read(path: String, id: String) throws -> Lesson {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = attributes[.size] as? NSNumber
        else { throw LessonFileError(file: path, line: 0, reason: "cannot read the file") }
        guard size.intValue <= LessonParser.maximumFileSize else {
            throw LessonFileError(
                file: path, line: 0,
                reason:
                    "the file is \(size.intValue) bytes; a lesson file may hold at most \(LessonParser.maximumFileSize)"
            )
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LessonFileError(file: path, line: 0, reason: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw LessonFileError(file: path, line: 0, reason: "the file is not UTF-8 text")
        }
        return try LessonParser.parse(text, id: id, file: path)
    }

    public static func exists(_ directory: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    public func lesson(_ id: String) -> Lesson? { lessons.first { $0.id == id } }

    public func brokenLesson(_ id: String) -> LessonFileError? { broken.first { $0.id == id }?.error }

    /// The id closest to `id` by edit distance, for "did you mean".
    public func nearest(to id: String) -> String? {
        (lessons.map(\.id) + broken.map(\.id)).min { editDistance($0, id) < editDistance($1, id) }
    }
}

/// Levenshtein distance over characters.
public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.prefix(200))
    let b = Array(b.prefix(200))
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
