import ArgumentParser
import Exact
import OrderedJSON

/// `normlab exact VALUE…`: the canonical exact form of each value and its
/// correctly rounded f64 and f32, with their rounding errors.
struct ExactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exact",
        abstract: "Show exact values and their correctly rounded f64 and f32.",
        discussion: """
            Each VALUE is an integer, a fraction p/q, a decimal (1.25e-5), a C99 hex float \
            (0x1.8p+1), or a sum of rational multiples of square roots in NormLab's canonical \
            form (1/2+3/4*sqrt(5/2)).
            """
    )

    @Argument(parsing: .allUnrecognized, help: "Values to show (negative values need no \"--\").")
    var values: [String]

    @Flag(help: "Print a JSON array of {input, exact, f64, f32} objects (floats as C99 hex).")
    var json = false

    @Option(help: "Significant digits for the decimal display of errors.")
    var digits = 4

    func validate() throws {
        guard !values.isEmpty else {
            throw ValidationError("give at least one value, e.g. normlab exact 1/3 \"sqrt(2)\"")
        }
        guard (1...60).contains(digits) else { throw ValidationError("--digits \(digits) must be between 1 and 60") }
    }

    func run() throws {
        let parsed = try values.map { (input: $0, value: try Surd(parsing: $0)) }
        if json {
            let array = JSONValue.array(
                parsed.map { item in
                    .object([
                        ("input", .string(item.input)),
                        ("exact", .string(item.value.description)),
                        ("f64", .string(hexString(item.value.rounded(to: Double.self)))),
                        ("f32", .string(hexString(item.value.rounded(to: Float.self)))),
                    ])
                })
            print(array.serialized())
            return
        }
        for (index, item) in parsed.enumerated() {
            if index > 0 { print("") }
            print("input  \(item.input)")
            print("exact  \(item.value)")
            print("≈      \(item.value.decimalString(significantDigits: 25))")
            let double = item.value.rounded(to: Double.self)
            let float = item.value.rounded(to: Float.self)
            print(row("f64", hex: hexString(double), shortest: "\(double)", rounded: double, exact: item.value))
            print(row("f32", hex: hexString(float), shortest: "\(float)", rounded: float, exact: item.value))
        }
    }

    private func row<F: BinaryFloatingPoint>(_ label: String, hex: String, shortest: String, rounded: F, exact: Surd)
        -> String
    where F.RawSignificand: FixedWidthInteger, F.RawExponent: FixedWidthInteger {
        let error = RoundingError(rounded: rounded, exact: exact)
        return "\(label)    \(hex.padding(to: 24))\(shortest.padding(to: 26))\(error.summary(digits: digits))"
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
