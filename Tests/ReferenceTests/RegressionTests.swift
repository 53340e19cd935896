import Exact
import Foundation
import TestSupport
import XCTest

@testable import Reference

/// Ridge / least squares: NIST StRD linear regression digits, identities over
/// random cases, minimum-norm solutions, bad input.
final class RegressionTests: XCTestCase {
    // MARK: NIST StRD

    struct Dataset {
        let name: String
        let input: CaseInput
        let estimates: [String]
        let sds: [String]
        let residualSD: String
        let rSquared: String
    }

    static let linearRegressionNames = [
        "Norris", "Pontius", "NoInt1", "NoInt2", "Filip", "Longley",
        "Wampler1", "Wampler2", "Wampler3", "Wampler4", "Wampler5",
    ]

    static func load(_ name: String) throws -> Dataset {
        let url = TestData.nistFolder.appendingPathComponent("\(name).json")
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
        let input = CaseInput(
            op: "ridge", params: [("alpha", "0"), ("intercept", intercept ? "true" : "false")],
            inputs: [("X", Tensor(shape: [rows.count, p], values: rows.flatMap { $0 })), ("y", Tensor(vector: ys))])
        let certified = object["certified"] as! [String: Any]
        let parameters = certified["parameters"] as! [[String: String]]
        return Dataset(
            name: name, input: input, estimates: parameters.map { $0["estimate"]! }, sds: parameters.map { $0["sd"]! },
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

    struct Row {
        let name: String
        let matched: Int
        let total: Int
        let minimumLRE: Double
    }

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
            var matched = 0
            var minimum = Double.infinity
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
            table +=
                row.name.padding(toLength: 11, withPad: " ", startingAt: 0)
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

/// Ridge identities over random cases, and bad input.
final class RidgeIdentityTests: XCTestCase {
    func randomCase(_ generator: inout SplitMix64, n: Int, p: Int, alpha: String, intercept: Bool) -> CaseInput {
        let x = Tensor(shape: [n, p], values: (0..<(n * p)).map { _ in generator.rational(bits: 5) })
        let y = Tensor(vector: (0..<n).map { _ in generator.rational(bits: 5) })
        let w0 = Tensor(vector: (0..<(p + (intercept ? 1 : 0))).map { _ in generator.rational(bits: 4) })
        return CaseInput(
            op: "ridge",
            params: [("alpha", alpha), ("intercept", intercept ? "true" : "false"), ("sigma2", "3/2"), ("eta", "1/8")],
            inputs: [("X", x), ("y", y), ("w0", w0)])
    }

    func testChecksAreExactlyZeroOverRandomCases() throws {
        var generator = SplitMix64(seed: 99)
        for trial in 0..<60 {
            let n = Int(generator.next() % 5) + 1
            let p = Int(generator.next() % 3) + 1
            let alpha = ["0", "1/3", "2"][trial % 3]
            let intercept = trial % 2 == 0
            let trace = try Ridge.run(
                randomCase(&generator, n: n, p: p, alpha: alpha, intercept: intercept), as: Surd.self)
            for step in trace.steps(.check) {
                XCTAssertTrue(
                    step.tensor.values.allSatisfy(\.isZero), "trial \(trial): \(step.name) = \(step.tensor.values)")
            }
            if alpha != "0" { XCTAssertNotNil(trace["map_check"], "trial \(trial)") }
            XCTAssertNotNil(trace["sgd_check"])
        }
    }

    func testRidgeSolvesThePenalisedNormalEquationsAndShrinks() throws {
        var generator = SplitMix64(seed: 3)
        for _ in 0..<20 {
            let input = randomCase(&generator, n: 6, p: 2, alpha: "0", intercept: false)
            var norms: [Surd] = []
            for alpha in ["0", "1", "10", "100"] {
                var copy = input
                copy.setParam("alpha", alpha)
                let w = try Ridge.run(copy, as: Surd.self)["w"]!.values
                norms.append(w.reduce(Surd.zero) { $0 + $1 * $1 })
            }
            for i in 0..<3 { XCTAssertGreaterThanOrEqual(norms[i], norms[i + 1]) }
        }
    }

    func testInterceptIsNotDecayedUnlessAsked() throws {
        // y = 10 everywhere, X = 0: with no decay on the intercept, b = 10 for any α.
        let input = CaseInput(
            op: "ridge", params: [("alpha", "5"), ("intercept", "true")],
            inputs: [("X", Tensor(shape: [3, 1], values: [0, 0, 0])), ("y", Tensor(vector: [10, 10, 10]))])
        XCTAssertEqual(try Ridge.run(input, as: Surd.self)["w"]?.values, [Surd(10), .zero])
        var decayed = input
        decayed.setParam("decay_intercept", "true")
        // (3 + 5)b = 30.
        XCTAssertEqual(try Ridge.run(decayed, as: Surd.self)["w"]?.values, [Surd(try Rational(30, 8)), .zero])
    }

    func testDoubleRunTakesTheSameStepsOnWellConditionedData() throws {
        var generator = SplitMix64(seed: 17)
        for _ in 0..<20 {
            let input = randomCase(&generator, n: 8, p: 3, alpha: "1/2", intercept: true)
            let exact = try Ridge.run(input, as: Surd.self)
            let double = try Ridge.run(input, as: Double.self)
            XCTAssertEqual(exact.steps.map(\.name), double.steps.map(\.name))
            for (e, d) in zip(exact["w"]!.values, double["w"]!.values) {
                XCTAssertEqual(d, e.rounded(to: Double.self), accuracy: 1e-9 * max(1, abs(d)))
            }
        }
    }

    func testBadInput() {
        func message(_ input: CaseInput) -> String {
            do {
                _ = try Ridge.run(input, as: Surd.self)
                return ""
            } catch { return "\(error)" }
        }
        let x = Tensor(shape: [2, 1], values: [Rational(1), Rational(2)])
        XCTAssertTrue(
            message(
                CaseInput(op: "ridge", params: [("alpha", "-1")], inputs: [("X", x), ("y", Tensor(vector: [1, 2]))])
            ).contains("alpha = -1 must be ≥ 0"))
        XCTAssertTrue(
            message(CaseInput(op: "ridge", inputs: [("X", x), ("y", Tensor(vector: [1]))])).contains(
                "y has 1 values but X has 2 rows"))
        XCTAssertTrue(
            message(CaseInput(op: "ridge", inputs: [("X", Tensor(vector: [1, 2])), ("y", Tensor(vector: [1, 2]))]))
                .contains("must be a matrix"))
        XCTAssertTrue(
            message(
                CaseInput(
                    op: "ridge", params: [("intercept", "maybe")], inputs: [("X", x), ("y", Tensor(vector: [1, 2]))])
            ).contains("intercept = \"maybe\" must be true or false"))
    }
}
