import Foundation

/// Every lesson in a folder: each `*.lesson` file, its id the file name.
public struct LessonLibrary: Sendable {
    public let directory: String
    public let lessons: [Lesson]

    public static let fileExtension = "lesson"

    /// Reads every lesson file in `directory`. A malformed file throws its
    /// `LessonFileError` (file, line, reason).
    public init(directory: String) throws {
        self.directory = directory
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var lessons: [Lesson] = []
        for name in names.sorted() where name.hasSuffix("." + Self.fileExtension) {
            let path = (directory as NSString).appendingPathComponent(name)
            let id = String(name.dropLast(Self.fileExtension.count + 1))
            guard let data = FileManager.default.contents(atPath: path) else {
                throw LessonFileError(file: path, line: 0, reason: "cannot read the file")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw LessonFileError(file: path, line: 0, reason: "the file is not UTF-8 text")
            }
            lessons.append(try LessonParser.parse(text, id: id, file: path))
        }
        self.lessons = lessons.sorted { ($0.order, $0.id) < ($1.order, $1.id) }
    }

    public static func exists(_ directory: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    public func lesson(_ id: String) -> Lesson? { lessons.first { $0.id == id } }

    /// The id closest to `id` by edit distance, for "did you mean".
    public func nearest(to id: String) -> String? {
        lessons.map(\.id).min { editDistance($0, id) < editDistance($1, id) }
    }
}

/// Levenshtein distance over characters.
public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
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

// MARK: - LessonProgress

/// What a student has done, kept in `$XDG_STATE_HOME/normlab/progress.json`.
public struct LessonProgress: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        /// The step to resume at (0-based).
        public var step: Int
        public var steps: Int
        public var done: Bool
        /// Answered questions as "step.question", 1-based.
        public var answered: [String]

        public init(step: Int = 0, steps: Int, done: Bool = false, answered: [String] = []) {
            self.step = step
            self.steps = steps
            self.done = done
            self.answered = answered
        }
    }

    public var version = 1
    public var lessons: [String: Entry] = [:]

    public init() {}

    /// The file's location: $XDG_STATE_HOME/normlab/progress.json, or
    /// ~/.local/state/normlab/progress.json.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let state = environment["XDG_STATE_HOME"], !state.isEmpty {
            return state + "/normlab/progress.json"
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.local/state/normlab/progress.json"
    }

    /// Reads the file; a missing or unreadable file is a fresh start.
    public static func load(from path: String) -> LessonProgress {
        guard let data = FileManager.default.contents(atPath: path),
            let progress = try? JSONDecoder().decode(LessonProgress.self, from: data)
        else { return LessonProgress() }
        return progress
    }

    public func save(to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(self)
        let temporary = path + ".tmp"
        try data.write(to: URL(fileURLWithPath: temporary))
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
    }

    /// "new", "step 3/7" or "done".
    public func status(of lesson: Lesson) -> String {
        guard let entry = lessons[lesson.id] else { return "new" }
        if entry.done { return "done" }
        return "step \(min(entry.step, lesson.steps.count - 1) + 1)/\(lesson.steps.count)"
    }

    /// The lesson to do next: one in progress, else the first new one whose
    /// prerequisites are done, else the first new one.
    public func next(in library: LessonLibrary) -> (lesson: Lesson, resume: Bool)? {
        if let started = library.lessons.first(where: { lessons[$0.id].map { !$0.done } ?? false }) {
            return (started, true)
        }
        let fresh = library.lessons.filter { lessons[$0.id] == nil }
        if let ready = fresh.first(where: { $0.assumes.allSatisfy { lessons[$0]?.done ?? true } }) {
            return (ready, false)
        }
        return fresh.first.map { ($0, false) }
    }
}
