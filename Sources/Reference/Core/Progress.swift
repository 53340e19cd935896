import Foundation

/// Progress of work that may take seconds: the exact trace of a large case,
/// an enumeration over many datasets or masks. Algorithms report through the
/// task-local `Progress.reporter`; with none installed (tests, libraries)
/// reporting costs one task-local read. The command-line tool installs one
/// that writes to standard error.
public enum Progress {
    @TaskLocal public static var reporter: ProgressReporter?
}

/// Receives progress and passes it, at most a few times a second and only
/// once the work has run for `delay` seconds, to `show`; `finish` clears it.
public final class ProgressReporter: @unchecked Sendable {
    private let show: @Sendable (String) -> Void
    private let clear: @Sendable () -> Void
    private let delay: Double
    private let start = ContinuousClock.now
    private var lastShown: ContinuousClock.Instant?
    private var shownAnything = false
    private let lock = NSLock()

    public init(
        delay: Double = 1, show: @escaping @Sendable (String) -> Void, clear: @escaping @Sendable () -> Void = {}
    ) {
        self.show = show
        self.clear = clear
        self.delay = delay
    }

    /// `done` of `total` units of `task` (total 0: unknown).
    public func update(_ task: String, done: Int, total: Int = 0) {
        let now = ContinuousClock.now
        lock.lock()
        defer { lock.unlock() }
        guard seconds(start.duration(to: now)) >= delay else { return }
        if let lastShown, seconds(lastShown.duration(to: now)) < 0.25 { return }
        lastShown = now
        shownAnything = true
        let elapsed = String(format: "%.0f s", seconds(start.duration(to: now)))
        if total > 0 {
            let percent = String(format: "%.0f%%", 100 * Double(done) / Double(total))
            show("\(task): \(done) of \(total) (\(percent), \(elapsed))")
        } else {
            show("\(task) (\(elapsed))")
        }
    }

    /// Clears what was shown, if anything.
    public func finish() {
        lock.lock()
        defer { lock.unlock() }
        if shownAnything { clear() }
        shownAnything = false
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}

/// Counts units of a loop and reports every `stride` of them.
public struct ProgressCounter {
    private let reporter: ProgressReporter?
    private let task: String
    private let total: Int
    private let stride: Int
    private var done = 0

    public init(_ task: String, total: Int, stride: Int = 64) {
        reporter = Progress.reporter
        self.task = task
        self.total = total
        self.stride = max(1, stride)
    }

    public mutating func step() {
        done += 1
        if let reporter, done % stride == 0 { reporter.update(task, done: done, total: total) }
    }
}
