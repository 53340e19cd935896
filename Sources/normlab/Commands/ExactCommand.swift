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
            form (1/2+3/4*sqrt(5/2)). Negative values need no "--" (normlab exact -3/7); "--" ends \
            the options (normlab exact -- 1/3). Values read from text are limited to exponents of \
            ±\(ExactLimits.decimalExponent) (decimal) and ±\(ExactLimits.binaryExponent) (binary), \
            \(ExactLimits.bitsPerValue) bits in all and \(ExactLimits.radicands) distinct square roots.
            """
    )

    /// Collected with `.allUnrecognized` so that a negative value ("-3/7")
    /// is a value, not an unknown option; that also keeps a "--" marker,
    /// which `operands` drops.
    @Argument(parsing: .allUnrecognized, help: "Values to show (negative values need no \"--\").")
    var values: [String]

    @Flag(help: "Print a JSON array of {input, exact, f64, f32} objects (floats as C99 hex).")
    var json = false

    @Option(parsing: .unconditional, help: "Significant digits for the decimal display of errors (1…60).")
    var digits = 4

    /// The values with the first "--" (POSIX end of options) removed.
    var operands: [String] {
        guard let marker = values.firstIndex(of: "--") else { return values }
        var operands = values
        operands.remove(at: marker)
        return operands
    }

    func validate() throws {
        guard !operands.isEmpty else {
            throw ValidationError("give at least one value, e.g. normlab exact 1/3 \"sqrt(2)\"")
        }
    }

    func run() throws {
        guard (1...60).contains(digits) else { throw InputError("--digits \(digits) must be between 1 and 60") }
        let parsed = try operands.map { (input: $0, value: try Surd(parsing: $0)) }
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
