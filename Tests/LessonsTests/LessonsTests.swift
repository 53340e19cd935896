import Exact
import Foundation
import Reference
import XCTest

@testable import Lessons

/// The repository root, found from this file's path.
let repositoryRoot: URL = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
    }
    fatalError("no Package.swift above \(#filePath)")
}()

let lessonsDirectory = repositoryRoot.appendingPathComponent("lessons").path
let transcriptsDirectory = repositoryRoot.appendingPathComponent("Tests/LessonsTests/Transcripts").path

/// Every lesson of the repository, loaded and run once for all tests.
let repositoryLessons: [LessonRun] = {
    let library = LessonLibrary(directory: lessonsDirectory)
    precondition(library.broken.isEmpty, "broken lessons: \(library.broken.map(\.error.description))")
    return library.lessons.map { try! LessonRun($0) }
}()

final class LessonFilesTests: XCTestCase {
    /// Every lesson in lessons/ loads, runs its ops, and every value it refers
    /// to exists (LessonRun validates); prerequisites name real lessons.
    func testEveryLessonLoadsAndValidates() throws {
        let library = LessonLibrary(directory: lessonsDirectory)
        XCTAssertEqual(library.broken.map(\.error.description), [])
        XCTAssertGreaterThanOrEqual(library.lessons.count, 17, "no lessons found in \(lessonsDirectory)")
        // Lessons waiting in pending/ for their ops may be named as prerequisites.
        let pending = ((try? FileManager.default.contentsOfDirectory(atPath: lessonsDirectory + "/pending")) ?? [])
            .filter { $0.hasSuffix(".lesson") }.map { String($0.dropLast(".lesson".count)) }
        let ids = Set(library.lessons.map(\.id) + pending)
        for lesson in library.lessons {
            XCTAssertNoThrow(try LessonRun(lesson), lesson.id)
            for prerequisite in lesson.assumes {
                XCTAssertTrue(ids.contains(prerequisite), "\(lesson.id) assumes unknown lesson \(prerequisite)")
            }
        }
    }

    /// The full plain `--all` rendering of each lesson equals its reviewed
    /// transcript. Set NORMLAB_RECORD_TRANSCRIPTS=1 to write them afresh.
    func testTranscriptsMatch() throws {
        let record = ProcessInfo.processInfo.environment["NORMLAB_RECORD_TRANSCRIPTS"] == "1"
        var expected = Set<String>()
        for run in repositoryLessons {
            let lesson = run.lesson
            let path = transcriptsDirectory + "/\(lesson.id).txt"
            expected.insert("\(lesson.id).txt")
            let text = try LessonRenderer(run, options: .plain).renderAll()
            if record {
                try FileManager.default.createDirectory(atPath: transcriptsDirectory, withIntermediateDirectories: true)
                try text.write(toFile: path, atomically: true, encoding: .utf8)
                continue
            }
            guard let committed = try? String(contentsOfFile: path, encoding: .utf8) else {
                XCTFail(
                    "no transcript for \(lesson.id) at \(path); record with NORMLAB_RECORD_TRANSCRIPTS=1 and review it")
                continue
            }
            if committed != text {
                let a = committed.components(separatedBy: "\n")
                let b = text.components(separatedBy: "\n")
                let line = zip(a, b).enumerated().first { $1.0 != $1.1 }?.offset ?? min(a.count, b.count)
                XCTFail(
                    """
                    \(lesson.id): the rendering differs from \(path) at line \(line + 1):
                      transcript: \(line < a.count ? a[line] : "<end>")
                      now:        \(line < b.count ? b[line] : "<end>")
                    """)
            }
        }
        if !record {
            let present = Set(
                ((try? FileManager.default.contentsOfDirectory(atPath: transcriptsDirectory)) ?? []).filter {
                    $0.hasSuffix(".txt")
                })
            XCTAssertEqual(present.subtracting(expected), [], "transcripts without a lesson")
        }
    }

    /// Plain output is ASCII only and fits 80 columns, value tables included,
    /// and no symbol of a lesson folds to "?" (every one has a spelling).
    func testPlainRenderingIsAsciiAndFits() throws {
        for run in repositoryLessons {
            let text = try LessonRenderer(run, options: .plain).renderAll()
            XCTAssertTrue(text.allSatisfy(\.isASCII), "\(run.lesson.id) has non-ASCII characters in plain mode")
            for line in text.components(separatedBy: "\n") where line.count > 80 {
                XCTFail("\(run.lesson.id): a line is \(line.count) columns wide:\n\(line)")
            }
            let renderer = LessonRenderer(run, options: RenderOptions(unicode: true))
            var unicode = try renderer.renderAll()
            // A chart is drawn again in ASCII, not folded: only its words need spellings.
            for (place, _, chart) in run.orderedCharts {
                guard case .plot(let plot) = run.lesson.steps[place.step].blocks[place.block] else { continue }
                var words: [String] = []
                _ = chart.mapText {
                    words.append($0)
                    return $0
                }
                unicode = unicode.replacingOccurrences(
                    of: try renderer.chartText(plot, at: place), with: words.joined(separator: " "))
            }
            for character in Set(unicode) where !character.isASCII {
                XCTAssertFalse(
                    String(character).asciiFolded.contains("?"), "\(run.lesson.id): no ASCII spelling for \(character)")
            }
        }
    }

    /// `--plain` writes subscripts and superscripts the way one types them.
    func testPlainTransliteratesSubscripts() {
        XCTAssertEqual("c'ⱼ = aⱼ·(cⱼ − Eⱼ)".asciiFolded, "c'_j = a_j*(c_j - E_j)")
        XCTAssertEqual("x₁₀ + σ⁻¹ + x⁽ᵏ⁾ + 10¹⁶".asciiFolded, "x_10 + sigma^-1 + x^(k) + 10^16")
        XCTAssertEqual("Wᵀx̂".asciiFolded, "W^Txhat")
    }

    /// A wide exact value: rounded on the row (correctly, to what fits) with
    /// the canonical form on continuation lines; `wide` keeps it on the row;
    /// collapsed (a terminal, until e) only the rounded row and a note.
    func testWideExactValues() throws {
        let run = try XCTUnwrap(repositoryLessons.first { $0.lesson.id == "bn-forward" })
        let canonical = "-17179869184/140546902607220564077*sqrt(120468773663331912066)"
        let fitted = try LessonRenderer(run, options: .plain).renderAll()
        XCTAssertTrue(
            fitted.contains(
                "    [0,0]  ~-1.3416394448610998   -1.3416394448610998  +0.065 ulp\n           = \(canonical)\n"),
            fitted)
        XCTAssertTrue(fitted.contains("~ rounded to fit 80 columns"), fitted)
        let wide = try LessonRenderer(run, options: RenderOptions(wide: true)).renderAll()
        XCTAssertTrue(wide.contains("    [0,0]  \(canonical)  -1.3416394448610998  +0.065 ulp\n"), wide)
        XCTAssertFalse(wide.contains("rounded to fit"))
        let collapsed = try LessonRenderer(run, options: RenderOptions(expandExact: false)).renderAll()
        XCTAssertFalse(collapsed.contains(canonical), "collapsed values show no canonical form")
        XCTAssertTrue(collapsed.contains("(e shows the exact values)"), collapsed)
        // Narrower: fewer digits on the row, the exact form broken at "*" and "/".
        let narrow = try LessonRenderer(run, options: RenderOptions(width: 60)).renderAll()
        XCTAssertTrue(
            narrow.contains(
                "           = -17179869184/140546902607220564077*\n             sqrt(120468773663331912066)\n"), narrow)
        let breaking = ValueTable.breakCanonical(
            "1/3*sqrt(2)-12345678901234567890/7*sqrt(3)", first: "= ", indent: 2, width: 30)
        XCTAssertEqual(breaking, "  = 1/3*sqrt(2)\n    -12345678901234567890/7*\n    sqrt(3)")
    }
}
