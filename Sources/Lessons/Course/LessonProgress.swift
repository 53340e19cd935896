import Foundation

/// What a student has done, kept in `$XDG_STATE_HOME/normlab/progress.json`.
///
/// A question counts when it was answered correctly; one whose answer was
/// shown (after two wrong tries, or on request) is "revealed", not
/// answered. A lesson is done once its last step was reached with every
/// question answered or revealed.
public struct LessonProgress: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        /// The step to resume at (0-based).
        public var step: Int
        public var steps: Int
        public var done: Bool
        /// Questions answered correctly, as "step.question" (1-based).
        public var answered: [String]
        /// Questions whose answer was shown instead.
        public var revealed: [String]

        public init(step: Int = 0, steps: Int, done: Bool = false, answered: [String] = [], revealed: [String] = []) {
            self.step = step
            self.steps = steps
            self.done = done
            self.answered = answered
            self.revealed = revealed
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            step = try container.decode(Int.self, forKey: .step)
            steps = try container.decode(Int.self, forKey: .steps)
            done = try container.decode(Bool.self, forKey: .done)
            answered = try container.decodeIfPresent([String].self, forKey: .answered) ?? []
            // Version 1 files have no revealed answers.
            revealed = try container.decodeIfPresent([String].self, forKey: .revealed) ?? []
        }
    }

    public var version = 2
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

    /// Reads the file. A missing file is a fresh start; a file that cannot be
    /// read as progress is moved aside (so nothing is lost) and the warning
    /// says where to.
    public static func load(from path: String, now: Date = Date()) -> (progress: LessonProgress, warning: String?) {
        guard FileManager.default.fileExists(atPath: path) else { return (LessonProgress(), nil) }
        let reason: String
        if let data = FileManager.default.contents(atPath: path) {
            do {
                var progress = try JSONDecoder().decode(LessonProgress.self, from: data)
                progress.version = 2
                return (progress, nil)
            } catch {
                reason = "it is not a progress file NormLab can read"
            }
        } else {
            reason = "it cannot be read"
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let backup = path + ".corrupt-" + formatter.string(from: now)
        if (try? FileManager.default.moveItem(atPath: path, toPath: backup)) != nil {
            return (
                LessonProgress(),
                "warning: the progress file \(path) was set aside as \(backup) because \(reason); progress starts afresh"
            )
        }
        return (
            LessonProgress(),
            "warning: the progress file \(path) is ignored because \(reason), and it could not be moved aside; progress will not be saved over it"
        )
    }

    public func save(to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(self)
        // Written whole, then renamed over the old file.
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Questions answered correctly in a lesson (only keys that exist in it).
    public func answered(in lesson: Lesson) -> Set<QuestionKey> { keys(\.answered, in: lesson) }

    public func revealed(in lesson: Lesson) -> Set<QuestionKey> { keys(\.revealed, in: lesson) }

    private func keys(_ list: KeyPath<Entry, [String]>, in lesson: Lesson) -> Set<QuestionKey> {
        guard let entry = lessons[lesson.id] else { return [] }
        let valid = Set(lesson.questionKeys)
        return Set(entry[keyPath: list].compactMap(QuestionKey.init).filter(valid.contains))
    }

    /// "new", "step 3/7, 2/4 answered", "done, 4/4 answered".
    public func status(of lesson: Lesson) -> String {
        guard let entry = lessons[lesson.id] else { return "new" }
        let total = lesson.questionKeys.count
        let count = answered(in: lesson).count
        let questions = total == 0 ? "" : ", \(count)/\(total) answered"
        if entry.done { return "done" + questions }
        return "step \(min(entry.step, lesson.steps.count - 1) + 1)/\(lesson.steps.count)" + questions
    }

    /// Lessons done and questions answered, over the whole library.
    public func course(_ library: LessonLibrary) -> (lessonsDone: Int, lessons: Int, answered: Int, questions: Int) {
        let done = library.lessons.filter { lessons[$0.id]?.done ?? false }.count
        let answered = library.lessons.map { self.answered(in: $0).count }.reduce(0, +)
        let questions = library.lessons.map { $0.questionKeys.count }.reduce(0, +)
        return (done, library.lessons.count, answered, questions)
    }

    /// The lesson to do next: one in progress, else the first new one whose
    /// prerequisites are done, else the first new one.
    public func next(in library: LessonLibrary, after current: String? = nil) -> (lesson: Lesson, resume: Bool)? {
        let candidates = library.lessons.filter { $0.id != current }
        if let started = candidates.first(where: { lessons[$0.id].map { !$0.done } ?? false }) {
            return (started, true)
        }
        let fresh = candidates.filter { lessons[$0.id] == nil }
        if let ready = fresh.first(where: { $0.assumes.allSatisfy { lessons[$0]?.done ?? true } }) {
            return (ready, false)
        }
        return fresh.first.map { ($0, false) }
    }
}

/// A bar of `width` cells, filled in proportion: "[######----]".
public func progressBar(_ done: Int, of total: Int, width: Int, unicode: Bool) -> String {
    guard total > 0, width > 0 else { return "" }
    let filled = min(width, (done * width + total / 2) / total)
    let (full, empty) = unicode ? ("█", "░") : ("#", "-")
    return "[" + String(repeating: full, count: filled) + String(repeating: empty, count: width - filled) + "]"
}
