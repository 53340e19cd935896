import Foundation
import XCTest

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `normlab lesson` with charts: drawn in the page (ASCII with --plain,
/// braille otherwise), written as SVG files with --svg, and bad --svg input
/// refused in one line.
extension LessonCommandTests {
    func testChartsAreDrawnOnThePage() throws {
        let plain = try run([
            "lesson", "layernorm-norms", "--all", "--plain", "--step", "5", "--lessons-dir", lessonsDirectory,
        ])
        XCTAssertEqual(plain.status, 0, plain.standardError)
        XCTAssertTrue(plain.standardOutput.contains("Norm after layer norm against norm before, eps = 1e-5"))
        XCTAssertTrue(plain.standardOutput.unicodeScalars.allSatisfy(\.isASCII))
        let unicode = try run(["lesson", "layernorm-norms", "--all", "--step", "5", "--lessons-dir", lessonsDirectory])
        XCTAssertTrue(unicode.standardOutput.contains("Norm after layer norm against norm before, ε = 1e-5"))
        XCTAssertTrue(unicode.standardOutput.unicodeScalars.contains { (0x2800...0x28FF).contains($0.value) })
        // Not on a terminal: no colour.
        XCTAssertFalse(unicode.standardOutput.contains("\u{1B}"))
    }

    func testSVGFilesOfALessonsCharts() throws {
        let folder = stateHome + "/charts"
        let result = try run(["lesson", "layernorm-norms", "--svg", folder, "--lessons-dir", lessonsDirectory])
        XCTAssertEqual(result.status, 0, result.standardError)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        XCTAssertEqual(
            names,
            [
                "layernorm-norms-step-1.svg", "layernorm-norms-step-3.svg", "layernorm-norms-step-4.svg",
                "layernorm-norms-step-5.svg",
            ])
        for name in names { XCTAssertTrue(result.standardOutput.contains("wrote \(folder)/\(name)")) }
        let text = try String(contentsOfFile: folder + "/layernorm-norms-step-3.svg", encoding: .utf8)
        let parser = XMLParser(data: Data(text.utf8))
        parser.shouldResolveExternalEntities = false
        XCTAssertTrue(parser.parse(), "not well-formed: \(String(describing: parser.parserError))")
        XCTAssertTrue(text.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\""))
        XCTAssertTrue(text.contains(">Norm of each example, before and after layer norm</text>"), text)
        XCTAssertTrue(text.contains(">‖x̂_i‖</text>"), text)
        XCTAssertFalse(text.contains("<script"))
    }

    func testBadSVGArgumentsAreOneLineErrors() throws {
        try expectInputError(
            ["lesson", "bn-forward", "--svg", stateHome + "/none", "--lessons-dir", lessonsDirectory],
            saying: "--svg: lesson bn-forward draws no charts")
        try FileManager.default.createDirectory(atPath: stateHome, withIntermediateDirectories: true)
        let file = stateHome + "/a-file"
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        try expectInputError(
            ["lesson", "layernorm-norms", "--svg", file + "/sub", "--lessons-dir", lessonsDirectory],
            saying: "--svg \(file)/sub: cannot create the folder")
    }
}
