import Exact
import Lessons
import Reference

/// The terminal table of a trace: per step its symbol and formula, then per
/// element the exact value (decimal, and the canonical form when short), the
/// f64 run's value and its error in ulp (`FloatError`).
struct TraceTable {
    let traces: TraceSet
    let digits: Int

    init(_ traces: TraceSet, digits: Int) {
        self.traces = traces
        self.digits = digits
    }

    func render() -> String {
        var lines: [String] = []
        let params = traces.exact.params.map { "\($0.name) = \($0.value)" }.joined(separator: ", ")
        lines.append("\(traces.exact.op)\(params.isEmpty ? "" : "  (\(params))")")
        for step in traces.exact.steps {
            lines.append("")
            let shape = step.tensor.shape.isEmpty ? "scalar" : step.tensor.shape.map(String.init).joined(separator: "×")
            lines.append("\(step.role.rawValue.uppercased()) \(step.name)  \(step.symbol)   [\(shape)]")
            if !step.formula.isEmpty { lines.append("  \(step.formula)") }
            let doubleValues = traces.f64.step(step.name, role: step.role)?.tensor.values
            let floatValues = traces.f32?.step(step.name, role: step.role)?.tensor.values
            lines.append(
                "  " + "index".padding(to: 10) + "exact".padding(to: digits + 10) + "f64 run".padding(to: 26) + "ulp"
                    + (floatValues == nil ? "" : "      f32 run         ulp"))
            for (index, exact) in step.tensor.values.enumerated() {
                var row = "  " + indexLabel(index, shape: step.tensor.shape).padding(to: 10)
                row += exact.decimalString(significantDigits: digits).padding(to: digits + 10)
                if let doubleValues {
                    let value = doubleValues[index]
                    row += "\(value)".padding(to: 26) + ulpText(value, exact)
                }
                if let floatValues {
                    let value = floatValues[index]
                    row += "   " + "\(value)".padding(to: 16) + ulpText(value, exact)
                }
                let canonical = exact.description
                if canonical.count <= 40 && canonical != exact.decimalString(significantDigits: digits) {
                    row += "   = \(canonical)"
                }
                lines.append(row)
            }
        }
        return lines.joined(separator: "\n")
    }

    private func indexLabel(_ index: Int, shape: [Int]) -> String {
        guard shape.count > 1 else { return shape.isEmpty ? "" : "[\(index)]" }
        var remainder = index
        var coordinates: [Int] = []
        for dimension in shape.reversed() {
            coordinates.append(remainder % max(dimension, 1))
            remainder /= max(dimension, 1)
        }
        return "[" + coordinates.reversed().map(String.init).joined(separator: ",") + "]"
    }

    /// The float's error in ulp, by the one convention `trace` and `lesson` share.
    private func ulpText<F: BinaryFloatingPoint>(_ value: F, _ exact: Surd) -> String
    where F.RawSignificand: FixedWidthInteger, F.RawExponent: FixedWidthInteger {
        FloatError.describe(value, exact: exact)
    }
}
