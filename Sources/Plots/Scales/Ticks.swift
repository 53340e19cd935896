import Foundation

/// A tick on an axis: its value and its label.
public struct Tick: Equatable, Sendable {
    public let value: Double
    public let label: TickLabel
}

/// A tick label as a number: a plain decimal (`exponent == nil`), or
/// mantissa × 10^exponent. Each renderer writes it its own way (`10⁻³` on a
/// Unicode terminal, `1e-3` in ASCII, a superscript in SVG).
public struct TickLabel: Equatable, Sendable {
    public let mantissa: String
    public let exponent: Int?

    public enum Style: Sendable {
        case ascii
        case unicode
    }

    /// The label as one line of text.
    public func text(_ style: Style) -> String {
        guard let exponent else { return mantissa }
        switch style {
        case .ascii:
            if mantissa == "1", abs(exponent) <= 3 { return TickLabel.decimalPower(exponent) }
            return "\(mantissa)e\(exponent)"
        case .unicode:
            if mantissa == "1" { return "10" + TickLabel.superscript(exponent) }
            return "\(mantissa)e\(exponent)"
        }
    }

    /// 10^k written out: "0.001", "1", "1000".
    static func decimalPower(_ exponent: Int) -> String {
        exponent >= 0
            ? "1" + String(repeating: "0", count: exponent)
            : "0." + String(repeating: "0", count: -exponent - 1) + "1"
    }

    static func superscript(_ value: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        let body = String(String(abs(value)).map { digits[Int(String($0))!] })
        return value < 0 ? "⁻" + body : body
    }
}

/// Tick placement at round numbers, as matplotlib's `MaxNLocator` and
/// `LogLocator` do: on a linear axis steps of 1, 2 or 5 × 10^k (the smallest
/// such step that gives at most `maxCount` ticks in range); on a log axis the
/// decades (every k-th when there are too many), falling back to 1-2-5
/// mantissas, then to linear steps, when the range spans less than a decade.
public enum Ticks {
    public static func ticks(_ range: ClosedRange<Double>, scale: AxisScale, maxCount: Int) -> [Tick] {
        switch scale {
        case .linear: return linear(range, maxCount: maxCount)
        case .log: return log(range, maxCount: maxCount)
        }
    }

    static let mantissas = [1, 2, 5]

    /// Ticks at multiples of 1, 2 or 5 × 10^k within the range.
    public static func linear(_ range: ClosedRange<Double>, maxCount: Int) -> [Tick] {
        let low = range.lowerBound
        let high = range.upperBound
        guard low.isFinite, high.isFinite, high > low else {
            return low.isFinite ? [Tick(value: low, label: label(low, stepExponent: 0))] : []
        }
        let limit = max(maxCount, 2)
        var exponent = Int((Foundation.log10((high - low) / Double(limit))).rounded(.down)) - 1
        var previous: [Double]? = nil
        var previousExponent = exponent
        while true {
            for mantissa in mantissas {
                let values = multiples(of: mantissa, exponent: exponent, in: low, high)
                if values.count <= limit {
                    // Two ticks at least when a finer step had them.
                    if values.count < 2, let previous, previous.count >= 2 {
                        return previous.map { Tick(value: $0, label: label($0, stepExponent: previousExponent)) }
                    }
                    return values.map { Tick(value: $0, label: label($0, stepExponent: exponent)) }
                }
                previous = values
                previousExponent = exponent
            }
            exponent += 1
        }
    }

    /// i × mantissa × 10^exponent for every integer i that lands in range,
    /// each computed with one rounding (divisions by exact powers of ten).
    static func multiples(of mantissa: Int, exponent: Int, in low: Double, _ high: Double) -> [Double] {
        let step = Double(mantissa) * pow(10, Double(exponent))
        let first = (low / step - 1e-9).rounded(.up)
        let last = (high / step + 1e-9).rounded(.down)
        guard last >= first else { return [] }
        // More than a few thousand would not be a tick list; the caller
        // moves on to a larger step.
        guard last - first < 10_000 else { return Array(repeating: 0, count: 10_001) }
        return stride(from: first, through: last, by: 1).map { index in
            let units = index * Double(mantissa)
            return exponent >= 0 ? units * pow(10, Double(exponent)) : units / pow(10, Double(-exponent))
        }
    }

    /// Decades, or 1-2-5 mantissas, or linear steps, on a log axis.
    public static func log(_ range: ClosedRange<Double>, maxCount: Int) -> [Tick] {
        let low = range.lowerBound
        let high = range.upperBound
        guard low > 0, high.isFinite, high > low else { return linear(range, maxCount: maxCount) }
        let limit = max(maxCount, 2)
        let first = Int((Foundation.log10(low) - 1e-9).rounded(.up))
        let last = Int((Foundation.log10(high) + 1e-9).rounded(.down))
        let decades = last - first + 1
        if decades >= 3 {
            // Every decade, or every 2nd, 5th, 10th, … (a round stride, so
            // the labels read 10⁻³⁰, 10⁻²⁰, …), the first that fits.
            var stride = 1
            var strides = [1, 2, 5].makeIterator()
            var scale = 1
            while (first...last).filter({ $0 % stride == 0 }).count > limit {
                if let next = strides.next() {
                    stride = next * scale
                } else {
                    scale *= 10
                    strides = [1, 2, 5].makeIterator()
                }
            }
            return (first...last).filter { $0 % stride == 0 }.map { Tick(value: power(of: $0), label: decadeLabel($0)) }
        }
        // Two decades or fewer in range: 1, 2 and 5 times each power of ten
        // (matplotlib labels its minor ticks in this case).
        var values: [(Double, Int, Int)] = []
        for exponent in (first - 1)...(last + 1) {
            for mantissa in mantissas {
                let value = Double(mantissa) * power(of: exponent)
                if value >= low * (1 - 1e-12) && value <= high * (1 + 1e-12) {
                    values.append((value, mantissa, exponent))
                }
            }
        }
        if values.count >= 2 && values.count <= limit {
            return values.map { value, mantissa, exponent in
                Tick(value: value, label: mantissaLabel(mantissa, exponent))
            }
        }
        if decades == 2 {
            return (first...last).map { Tick(value: power(of: $0), label: decadeLabel($0)) }
        }
        return linear(range, maxCount: maxCount)
    }

    static func power(of exponent: Int) -> Double {
        exponent >= 0 ? pow(10, Double(exponent)) : 1 / pow(10, Double(-exponent))
    }

    static func decadeLabel(_ exponent: Int) -> TickLabel {
        TickLabel(mantissa: "1", exponent: exponent)
    }

    /// A 1-2-5 tick on a short log axis: a plain decimal ("0.5", "1", "2")
    /// where one is short, so the labels of one axis read alike.
    static func mantissaLabel(_ mantissa: Int, _ exponent: Int) -> TickLabel {
        if exponent >= -4 && exponent < 6 {
            return TickLabel(
                mantissa: fixed(Double(mantissa) * power(of: exponent), decimals: max(0, -exponent)), exponent: nil)
        }
        return TickLabel(mantissa: String(mantissa), exponent: exponent)
    }

    /// A linear tick's label: plain decimals with as many places as the
    /// step needs, or mantissa × 10^k for values of 10⁶ and above or steps
    /// finer than 10⁻⁴.
    static func label(_ value: Double, stepExponent: Int) -> TickLabel {
        let magnitude = abs(value)
        if magnitude < 1e6 && stepExponent >= -4 {
            return TickLabel(mantissa: fixed(value, decimals: max(0, -stepExponent)), exponent: nil)
        }
        if value == 0 { return TickLabel(mantissa: "0", exponent: nil) }
        var exponent = Int(Foundation.log10(magnitude).rounded(.down))
        let decimals = max(0, exponent - stepExponent)
        var mantissa = fixed(value / power(of: exponent), decimals: min(decimals, 15))
        if mantissa.hasPrefix("10") || mantissa.hasPrefix("-10") {
            exponent += 1
            mantissa = fixed(value / power(of: exponent), decimals: min(max(0, exponent - stepExponent), 15))
        }
        return TickLabel(mantissa: trimmed(mantissa), exponent: exponent)
    }

    /// Fixed decimals, never "-0".
    static func fixed(_ value: Double, decimals: Int) -> String {
        let text = String(format: "%.\(decimals)f", value)
        if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) {
            return String(text.dropFirst())
        }
        return text
    }

    /// "2.50" → "2.5", "3.0" → "3" (for mantissas, whose places are not shared).
    static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var result = text
        while result.hasSuffix("0") { result.removeLast() }
        if result.hasSuffix(".") { result.removeLast() }
        return result
    }
}
