import ArgumentParser
import Exact

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
        version: NormLabVersion.current,
        subcommands: [
            LessonCommand.self, ExactCommand.self, TraceCommand.self, VectorsCommand.self, BenchCommand.self,
            ExerciseCommand.self, PlotCommand.self, SimulateCommand.self,
        ],
        defaultSubcommand: LessonCommand.self
    )

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withNormLabError: error)
        }
    }

    static func exit(withNormLabError error: Error) -> Never {
        switch error {
        case let failure as CheckFailure:
            writeToStandardError("normlab: \(failure.message)")
            terminate(1)
        case let exact as ExactError:
            writeToStandardError("normlab: \(exact.description)")
            terminate(2)
        case let input as InputError:
            writeToStandardError("normlab: \(input.message)")
            terminate(2)
        default:
            let code = exitCode(for: error)
            if code == .success {
                self.exit(withError: error) // help and version requests
            }
            let message = fullMessage(for: error)
            writeToStandardError(message.isEmpty ? "normlab: \(error)" : message)
            terminate(2)
        }
    }
}

enum NormLabVersion {
    static let current = "0.1.0"
}

/// Bad input or usage detected by NormLab itself (exit 2).
struct InputError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// A verification that ran and found errors (exit 1).
struct CheckFailure: Error {
    let message: String
}

func writeToStandardError(_ text: String) {
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
