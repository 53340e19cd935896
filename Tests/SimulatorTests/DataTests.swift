import Simulator
import Vectors
import XCTest

final class DataTests: XCTestCase {
    /// The shipped digits are the source file, byte for byte (its SHA-256 was taken
    /// from scikit-learn's digits.csv.gz when the data were copied).
    func testDigitsAreTheSourceFile() {
        XCTAssertEqual(VectorDigest.sha256(Digits.sourceCSV), Digits.sourceSHA256)
        let (pixels, labels) = Digits.pixelsAndLabels
        XCTAssertEqual(labels.count, 1797)
        XCTAssertEqual(pixels.count, 1797 * 64)
        XCTAssertEqual(Set(labels), Set(0...9))
        XCTAssertEqual(pixels.max(), 16)
    }

    func testSyntheticSetsAreDeterministicAndShaped() {
        for name in SyntheticData.names {
            let (task, a) = SyntheticData.generate(name, count: 50, noise: 0.1, seed: 3)
            let (_, b) = SyntheticData.generate(name, count: 50, noise: 0.1, seed: 3)
            let (_, c) = SyntheticData.generate(name, count: 50, noise: 0.1, seed: 4)
            XCTAssertEqual(a, b, name)
            XCTAssertNotEqual(a, c, name)
            XCTAssertEqual(a.count, 50, name)
            if case .classification(let k) = task {
                XCTAssertEqual(k, 2)
                XCTAssertEqual(Set(a.labels), [0, 1], name)
            } else {
                XCTAssertEqual(a.targets.count, 50)
            }
        }
    }

    func testSplitAndShift() throws {
        var c = SimulationConfig()
        c.dataset = "digits"
        let data = try c.loadData { _ in "" }
        XCTAssertEqual(data.train.count + data.test.count, 1797)
        XCTAssertEqual(data.test.count, 360) // ⌈0.2 · 1797⌉
        c.testShiftScale = 2
        c.testShiftOffset = 0.5
        let shifted = try c.loadData { _ in "" }
        XCTAssertEqual(shifted.train, data.train)
        XCTAssertEqual(shifted.test.features, data.test.features.map { 2 * $0 + 0.5 })
    }

    func testCSV() throws {
        let (task, examples) = try CSVData.parse("a,b,label\n1,2,0\n3,4,1\n\n5,6,2\n", name: "t.csv")
        XCTAssertEqual(task, .classification(classes: 3))
        XCTAssertEqual(examples.features, [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(examples.labels, [0, 1, 2])
        let (regression, r) = try CSVData.parse("0.5;1.5\n1;2.25\n", name: "r.csv")
        XCTAssertEqual(regression, .regression(outputs: 1))
        XCTAssertEqual(r.targets, [1.5, 2.25])
        XCTAssertThrowsError(try CSVData.parse("1,2,0\n3,4\n", name: "x.csv")) {
            XCTAssertEqual(
                ($0 as? SimulatorError)?.message,
                "x.csv: row 2 has 2 cells but row 1 has 3; every row must have the same number of cells")
        }
        XCTAssertThrowsError(try CSVData.parse("1,2,0\n3,oops,1\n", name: "x.csv")) {
            XCTAssertEqual(
                ($0 as? SimulatorError)?.message,
                "x.csv: row 2, column 2 is \"oops\"; every cell must be a finite number")
        }
        XCTAssertThrowsError(try CSVData.parse("1,0\n", name: "x.csv"))
        XCTAssertThrowsError(try CSVData.parse("1,0.5\n2,1\n", name: "x.csv", task: "classification"))
    }
}
