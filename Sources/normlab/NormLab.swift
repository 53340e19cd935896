import ArgumentParser
import Exact
import Foundation
import Reference

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `normlab` command. Exit codes are part of the contract (DESIGN.md):
/// 0 success, 1 a check found errors, 2 bad input or usage — with one line
/// on stderr naming the value and the rule.
@main
struct NormLab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "normlab",
        abstract: "Exact reference, golden vectors and lessons for batch norm, dropout and bias–variance.",
        discussion: "With no command, or with only lesson options, runs `normlab lesson`: the lesson list.",
        version: NormLabVersion.current,
        subcommands: [
            LessonCommand.self, ExactCommand.self, TraceCommand.self, VectorsCommand.self, BenchCommand.self,
            ExerciseCommand.self, PlotCommand.self, SimulateCommand.self,
        ]
    )

    static func main() {
        do {
            var command = try parseAsRoot(try routed(Array(CommandLine.arguments.dropFirst())))
            let progress = ProgressReporter.standardError()
            defer { progress?.finish() }
            try Progress.$reporter.withValue(progress) { try command.run() }
        } catch {
            exit(withNormLabError: error)
        }
    }

    /// No arguments, or lesson options only, mean `normlab lesson`; an
    /// unknown command word is an error naming the commands, never taken as
    /// a lesson id (a typo of `vectors` must not land in the lessons).
    static func routed(_ arguments: [String]) throws -> [String] {
        let commands = configuration.subcommands.map { $0._commandName }
        var arguments = arguments
        // "--" ends the options; before a command word it changes nothing.
        if arguments.first == "--", arguments.count > 1, commands.contains(arguments[1]) { arguments.removeFirst() }
        guard let first = arguments.first else { return ["lesson"] }
        let rootFlags = ["-h", "--help", "--version", "help"]
        if rootFlags.contains(first) || first.hasPrefix("--generate-completion") || first.hasPrefix("--experimental") {
            return arguments
        }
        if first.hasPrefix("-") && first != "--" { return ["lesson"] + arguments }
        guard commands.contains(first) else {
            let word = first == "--" ? (arguments.dropFirst().first ?? "") : first
            let suggestion = nearestWord(to: word, in: commands).map { "; did you mean \"\($0)\"?" } ?? ""
            throw InputError(
                "unknown command \(quotedInput(word))\(suggestion) (commands: \(commands.joined(separator: ", ")); normlab --help)"
            )
        }
        return arguments
    }

    static func exit(withNormLabError error: Error) -> Never {
        switch error {
        case let failure as CheckFailure:
            writeToStandardError("normlab: \(oneLine(failure.message))")
            terminate(1)
        case let exact as ExactError:
            writeToStandardError("normlab: \(oneLine(exact.description))")
            terminate(2)
        case let input as InputError:
            writeToStandardError("normlab: \(input.message)")
            terminate(2)
        default:
            let code = exitCode(for: error)
            if code == .success {
                self.exit(withError: error) // help and version requests
            }
            writeToStandardError(usageLine(fullMessage(for: error), fallback: "\(error)"))
            terminate(2)
        }
    }
}

/// A usage error as one line: the parser's first line, and where help is.
func usageLine(_ message: String, fallback: String) -> String {
    let lines: [String] = message.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    guard var first = lines.first else { return "normlab: \(fallback)" }
    if first.hasPrefix("Error: ") { first.removeFirst("Error: ".count) }
    guard let see = lines.first(where: { $0.hasPrefix("See '") }) else { return "normlab: " + first }
    return "normlab: " + first + " (s" + see.dropFirst().replacingOccurrences(of: " for more information.", with: "")
        + ")"
}

enum NormLabVersion {
    static let current = "0.1.0"
}

/// Bad input or usage detected by NormLab itself (exit 2).
struct InputError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = oneLine(message) }
    var description: String { message }
}

/// A verification that ran and found errors (exit 1).
struct CheckFailure: Error {
    let message: String
}

/// The word of `words` closest to `word` by edit distance, if close enough.
func nearestWord(to word: String, in words: [String]) -> String? {
    func distance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
    let scored = words.map { ($0, distance(Array(word), Array($0))) }.min { $0.1 < $1.1 }
    guard let (best, score) = scored, score <= max(2, word.count / 3) else { return nil }
    return best
}

extension ProgressReporter {
    /// Progress on standard error, one line rewritten in place, when standard
    /// error is a terminal (or NORMLAB_PROGRESS=always); nil otherwise.
    static func standardError() -> ProgressReporter? {
        let forced = ProcessInfo.processInfo.environment["NORMLAB_PROGRESS"] == "always"
        guard forced || isatty(2) == 1 else { return nil }
        return ProgressReporter(
            show: { FileDescriptorOutput.standardError.write("\r\u{1B}[K" + $0) },
            clear: { FileDescriptorOutput.standardError.write("\r\u{1B}[K") })
    }
}

/// Writes one message to standard error, after flushing standard output so
/// the two never interleave mid-line.
func writeToStandardError(_ text: String) {
    FileDescriptorOutput.flushStandardOutput()
    var line = text
    if !line.hasSuffix("\n") { line += "\n" }
    FileDescriptorOutput.standardError.write(line)
}

func terminate(_ code: Int32) -> Never {
    FileDescriptorOutput.flushStandardOutput()
    Platform.exit(code)
}

/// Unbuffered writes to a file descriptor, without touching C's global FILE*s.
enum FileDescriptorOutput {
    case standardError

    func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes {
                Platform.write(2, $0.baseAddress! + offset, $0.count - offset)
            }
            if written <= 0 { return }
            offset += written
        }
    }

    static func flushStandardOutput() {
        fflush(nil)
    }
}
