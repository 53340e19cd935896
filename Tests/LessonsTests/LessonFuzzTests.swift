import Foundation
import SplitMix
import XCTest

@testable import Lessons

/// Mutated lesson files, parsed and (for the cheap ops) run and rendered:
/// every outcome must be a lesson or a `LessonFileError` — no crash, no
/// other error type. The mutants come from a fixed seed, so a failure
/// reproduces; a crash found here becomes a case in LessonFileLimitsTests.
final class LessonFuzzTests: XCTestCase {
    /// Text a mutation may insert: the hostile inputs of the lesson format.
    static let fragments = [
        "{", "}", "{{", "{if: 1 |", "(", ")", "[", "]", "[:,", "^64", "^65", "1e400", "1e-99999", "0x1p-99999",
        "9999999999999999999999", "-", "--", "not ", " and ", "|", ":", "\n  ", "\n", "\t", "step: X\n",
        "run extra:\n  op: dropout\n", "question: q\n  answer: 1\n", "choice: a | 1\n", "input x [2,2]: 1, 2\n",
        "param eps: 1/0\n", "x[99]", "mean(", "sqrt(-1)", "1/0", "pow2(200)", "é", "√", "∂ℓ", "\u{0}", "ones(",
        "sum(x, 5)", "exercise: E\n  function: f(x)\n", "check a: b = x\n",
    ]

    /// Ops cheap enough to run on every mutant.
    static let cheapOps: Set<String> = ["batchnorm", "standardize", "dropout", "bn-facts", "bn-fold", "layernorm"]

    func testMutatedLessonFilesFailCleanly() throws {
        let sources = try FileManager.default.contentsOfDirectory(atPath: lessonsDirectory)
            .filter { $0.hasSuffix(".lesson") }.sorted()
            .map { try String(contentsOfFile: lessonsDirectory + "/" + $0, encoding: .utf8) }
        var generator = SplitMix64(seed: 14)
        var parsed = 0
        var ran = 0
        var refused = 0
        for round in 0..<800 {
            var characters = Array(sources[Int(generator.next() % UInt64(sources.count))])
            for _ in 0..<(1 + Int(generator.next() % 4)) {
                guard !characters.isEmpty else { break }
                let at = Int(generator.next() % UInt64(characters.count))
                switch generator.next() % 5 {
                case 0: characters.remove(at: at)
                case 1:
                    let fragment = Self.fragments[Int(generator.next() % UInt64(Self.fragments.count))]
                    characters.insert(contentsOf: fragment, at: at)
                case 2:
                    let length = min(characters.count - at, Int(generator.next() % 40))
                    characters.removeSubrange(at..<(at + length))
                case 3:
                    let length = min(characters.count - at, Int(generator.next() % 30))
                    characters.insert(contentsOf: characters[at..<(at + length)], at: at)
                default:
                    characters[at] = Character(UnicodeScalar(UInt8(32 + generator.next() % 95)))
                }
            }
            let text = String(characters)
            do {
                let lesson = try LessonParser.parse(text, id: "fuzz\(round)", file: "fuzz.lesson")
                parsed += 1
                guard lesson.runs.allSatisfy({ Self.cheapOps.contains($0.op) || $0.op.isEmpty }) else { continue }
                // Loading a run evaluates every value the lesson shows.
                _ = try LessonRun(lesson)
                ran += 1
            } catch let error as LessonFileError {
                refused += 1
                XCTAssertFalse(error.reason.isEmpty, "an error with no reason for:\n\(text)")
                XCTAssertFalse(error.description.contains("\n"), "a two-line error: \(error)")
            } catch {
                XCTFail("round \(round): \(type(of: error)) \(error) is not a LessonFileError for:\n\(text)")
            }
        }
        XCTAssertGreaterThan(refused, 150, "the mutations should break many files")
        XCTAssertGreaterThan(parsed, 50, "and leave many parseable")
        XCTAssertGreaterThan(ran, 10, "some mutants should run to the end")
    }
}
