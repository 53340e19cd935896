import Accuracy
import Exact
import Foundation
import TestSupport
import XCTest

@testable import Reference

/// NIST StRD univariate summary statistics: NormLab's exact mean, standard
/// deviation (n − 1) and lag-1 autocorrelation must reproduce every digit
/// NIST certified, for all nine datasets. The Double reference's LRE is
/// printed as a table (with the one-pass E[x²] − E[x]² formula for contrast).
final class NISTTests: XCTestCase {
    static let names = ["PiDigits", "Lottery", "Lew", "Mavro", "Michelso", "NumAcc1", "NumAcc2", "NumAcc3", "NumAcc4"]

    struct Dataset {
        let name: String
        let y: [Rational]
        let certified: [String: String]
    }

    static func load(_ name: String) throws -> Dataset {
        let data = try Data(contentsOf: TestData.nistFolder.appendingPathComponent("\(name).json"))
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let y = (object["y"] as! [String]).map { try! Rational(parsing: $0) }
        let certified = (object["certified"] as! [String: Any]).compactMapValues { $0 as? String }
        XCTAssertEqual(y.count, object["n"] as? Int)
        return Dataset(name: name, y: y, certified: certified)
    }

    /// The significant digits NIST printed: "518.958715596330" → 15, "0.1" → 1, "10000002" → 8.
    static func significantDigits(_ text: String) -> Int {
        var digits = text.filter(\.isNumber)
        while digits.hasPrefix("0") { digits.removeFirst() }
        return max(1, digits.count)
    }

    /// Exact value rounded to the certified number of digits equals the certified value.
    func assertMatches(_ exact: Surd, certified text: String, _ what: String) {
        let digits = Self.significantDigits(text)
        let certified = Surd(try! Rational(parsing: text.replacingOccurrences(of: "E", with: "e")))
        XCTAssertEqual(
            exact.roundedDecimal(significantDigits: digits), certified.roundedDecimal(significantDigits: digits),
            "\(what): exact \(exact.decimalString(significantDigits: digits + 3)) vs certified \(text)")
    }

    func testEveryCertifiedDigitOfAllNineUnivariateDatasets() throws {
        var table = ["dataset    n     digits(mean/sd/r1)  LRE mean  LRE sd  LRE r1   LRE sd one-pass E[x²]−E[x]²"]
        for name in Self.names {
            let dataset = try Self.load(name)
            let input = makeCase(
                "standardize", params: [("correction", "1")], inputs: [("x", Tensor(vector: dataset.y))])
            let exact = try StandardizeOperation.run(input, as: Surd.self)
            let mean = exact["mean"]!.values[0]
            let sd = exact["std"]!.values[0]
            let r1 = exact["autocorr_lag1"]!.values[0]
            assertMatches(mean, certified: dataset.certified["mean"]!, "\(name) mean")
            assertMatches(sd, certified: dataset.certified["sd"]!, "\(name) sd")
            assertMatches(r1, certified: dataset.certified["autocorr_lag1"]!, "\(name) autocorr_lag1")

            // The Double reference (the same generic code in f64, two-pass) and the one-pass formula.
            let double = try StandardizeOperation.run(input, as: Double.self)
            let ys = dataset.y.map { $0.rounded(to: Double.self) }
            let n = Double(ys.count)
            let sum = ys.reduce(0, +)
            let sumSquares = ys.map { $0 * $0 }.reduce(0, +)
            let onePassVariance = (sumSquares - sum * sum / n) / (n - 1)
            let onePassSD = onePassVariance > 0 ? onePassVariance.squareRoot() : 0
            func lre(_ value: Double, _ reference: Surd) -> String {
                format(ErrorMeasures.logRelativeError(value, reference: reference))
            }
            let digits = ["mean", "sd", "autocorr_lag1"].map { String(Self.significantDigits(dataset.certified[$0]!)) }
                .joined(separator: "/")
            table.append(
                name.padding(toLength: 11, withPad: " ", startingAt: 0)
                    + String(ys.count).padding(toLength: 6, withPad: " ", startingAt: 0)
                    + digits.padding(toLength: 20, withPad: " ", startingAt: 0)
                    + lre(double["mean"]!.values[0], mean).padding(toLength: 10, withPad: " ", startingAt: 0)
                    + lre(double["std"]!.values[0], sd).padding(toLength: 8, withPad: " ", startingAt: 0)
                    + lre(double["autocorr_lag1"]!.values[0], r1).padding(toLength: 9, withPad: " ", startingAt: 0)
                    + lre(onePassSD, sd))
            // The two-pass Double reference keeps most digits, even on NumAcc4.
            XCTAssertGreaterThanOrEqual(
                ErrorMeasures.logRelativeError(double["mean"]!.values[0], reference: mean), 12, "\(name) Double mean")
            XCTAssertGreaterThanOrEqual(
                ErrorMeasures.logRelativeError(double["std"]!.values[0], reference: sd), 8, "\(name) Double sd")
        }
        print(table.joined(separator: "\n"))
    }

    /// The bias–variance benchmark ships its own copy of Filip (a resource of
    /// the Benchmarks target); it must be this file, byte for byte.
    func testTheBenchmarksCopyOfFilipIsTheTestData() throws {
        let tests = try Data(contentsOf: TestData.nistFolder.appendingPathComponent("Filip.json"))
        let benchmarks = try Data(
            contentsOf: TestData.folder.deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Sources/Benchmarks/Data/Filip.json"))
        XCTAssertEqual(tests, benchmarks)
    }

    func testLREOfKnownErrors() {
        XCTAssertEqual(ErrorMeasures.logRelativeError(1.0, reference: Surd(1)), 15)
        XCTAssertEqual(ErrorMeasures.logRelativeError(1.001, reference: Surd(1)), 3, accuracy: 0.01)
        XCTAssertEqual(ErrorMeasures.logRelativeError(100.1, reference: Surd(100)), 3, accuracy: 0.01)
        XCTAssertEqual(ErrorMeasures.logRelativeError(2, reference: Surd(1)), 0)
    }

    func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return "\(rounded)"
    }
}
