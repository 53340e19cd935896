import Exact
import Foundation
@testable import Reference
import TestSupport
import XCTest

/// Ridge / least squares: NIST StRD linear regression digits, identities over
/// random cases, minimum-norm solutions, bad input.
final class RegressionTests: XCTestCase {
    // MARK: NIST StRD

    /// shared/data/nist-strd, found by walking up from this file until a
    /// directory has a sibling `shared/data/nist-strd`.
    static func nistFolder() throws -> URL {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("shared/data/nist-strd")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("Norris.json").path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw XCTSkip("shared/data/nist-strd not found above \(#filePath)")
    }

    struct Dataset {
        let name: String
        let input: CaseInput
        let estimates: [String]
        let sds: [String]
        let residualSD: String
        let rSquared: String
    }

    static let linearRegressionNames = ["Norris", "Pontius", "NoInt1", "NoInt2", "Filip", "Longley",
                                        "Wampler1", "Wampler2", "Wampler3", "Wampler4", "Wampler5"]

    static func load(_ name: String) throws -> Dataset {
        let url = try nistFolder().appendingPathComponent("\(name).json")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let ys = try (object["y"] as! [String]).map { try Rational(parsing: $0) }
        let intercept = object["intercept"] as! Bool
        var rows: [[Rational]] = []
        if let degree = object["polynomial_degree"] as? Int {
            let xs = try (object["x"] as! [String]).map { try Rational(parsing: $0) }
            rows = xs.map { x in (1...degree).map { try! x.power($0) } }
        } else {
            rows = try (object["x"] as! [[String]]).map { try $0.map { try Rational(parsing: $0) } }
        }
        let p = rows[0].count
        let input = CaseInput(op: "ridge", params: [("alpha", "0"), ("intercept", intercept ? "true" : "false")],
                              inputs: [("X", Tensor(shape: [rows.count, p], values: rows.flatMap { $0 })), ("y", Tensor(vector: ys))])
        let certified = object["certified"] as! [String: Any]
        let parameters = certified["parameters"] as! [[String: String]]
        return Dataset(name: name, input: input, estimates: parameters.map { $0["estimate"]! }, sds: parameters.map { $0["sd"]! },
                       residualSD: certified["residual_sd"] as! String, rSquared: certified["r_squared"] as! String)
    }

    /// Significant digits NIST printed: "0.429796848199937E-03" → 15, "760." → 3.
    static func significantDigits(_ text: String) -> Int {
        let mantissa = text.uppercased().split(separator: "E")[0]
        let all = mantissa.filter(\.isNumber)
        let digits = all.drop { $0 == "0" }
        // A certified zero ("0.000000000000000") is good to every printed place.
        return digits.isEmpty ? max(all.count - 1, 1) : digits.count
    }

    /// Whether the exact value rounds to the certified string at the digits printed.
    static func matches(_ exact: Surd, _ certified: String) throws -> Bool {
        let target = try Rational(parsing: certified.lowercased())
        if target.isZero { return exact.isZero }
        let rounded = exact.decimalString(significantDigits: significantDigits(certified))
        return try Rational(parsing: rounded) == target
    }

    /// LRE = −log₁₀(|x − c|/|c|), capped at the digits printed (−log₁₀|x| when c = 0).
    static func lre(_ value: Double, _ certified: String) throws -> Double {
        let cap = Double(significantDigits(certified))
        guard value.isFinite else { return 0 }
        let target = try Rational(parsing: certified.lowercased())
        let difference = (try Rational(exactly: value) - target).magnitude
        if difference.isZero { return cap }
        let relative = target.isZero ? difference : difference / target.magnitude
        return max(0, min(cap, -log10(relative.rounded(to: Double.self))))
    }

    struct Row { let name: String; let matched: Int; let total: Int; let minimumLRE: Double }

    static func nistRows() throws -> [Row] {
        try linearRegressionNames.map { name in
            let data = try load(name)
            let exact = try Ridge.run(data.input, as: Surd.self)
            let double = try Ridge.run(data.input, as: Double.self)
            var pairs: [(Surd?, Double?, String)] = []
            for j in data.estimates.indices {
                pairs.append((exact["w"]?[j], double["w"]?[j], data.estimates[j]))
                pairs.append((exact["w_sd"]?[j], double["w_sd"]?[j], data.sds[j]))
            }
            pairs.append((exact["residual_sd"]?[0], double["residual_sd"]?[0], data.residualSD))
            pairs.append((exact["r_squared"]?[0], double["r_squared"]?[0], data.rSquared))
            var matched = 0, minimum = Double.infinity
            for (exactValue, doubleValue, certified) in pairs {
                if let exactValue, try matches(exactValue, certified) { matched += 1 }
                minimum = min(minimum, try doubleValue.map { try lre($0, certified) } ?? 0)
            }
            return Row(name: name, matched: matched, total: pairs.count, minimumLRE: minimum)
        }
    }

    func testNISTLinearRegressionEveryCertifiedDigit() throws {
        let rows = try Self.nistRows()
        var table = "dataset    certified values matched   min LRE of the f64 run (same steps, normal equations)\n"
        for row in rows {
            table += row.name.padding(toLength: 11, withPad: " ", startingAt: 0)
                + "\(row.matched)/\(row.total)".padding(toLength: 27, withPad: " ", startingAt: 0)
                + String(format: "%.1f", row.minimumLRE) + "\n"
            XCTAssertEqual(row.matched, row.total, "\(row.name): exact fit misses certified digits")
        }
        print(table)
        XCTAssertEqual(rows.count, 11)
    }

    func testNISTNorrisValuesInDetail() throws {
        let data = try Self.load("Norris")
        let trace = try Ridge.run(data.input, as: Surd.self)
        XCTAssertEqual(trace["w"]?[0].decimalString(significantDigits: 15), "-0.262323073774029")
        XCTAssertEqual(trace.params.first { $0.name == "r_squared_form" }?.value.description, "centred")
        let noInt = try Ridge.run(Self.load("NoInt1").input, as: Surd.self)
        XCTAssertEqual(noInt.params.first { $0.name == "r_squared_form" }?.value.description, "uncentred")
    }
}
