import Foundation

/// Builds an SVG 1.1 document as text: elements with attributes in the order
/// given, text escaped, numbers with at most two decimals — so the same
/// chart always gives the same bytes.
struct SVGWriter {
    private(set) var lines: [String] = []
    private var depth = 0

    /// A number as SVG writes it: two decimals (a hundredth of a pixel),
    /// trailing zeros dropped, never "-0".
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        return Ticks.trimmed(Ticks.fixed(value, decimals: 2))
    }

    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }

    private static func attributes(_ pairs: [(String, String)]) -> String {
        pairs.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    private mutating func emit(_ line: String) {
        lines.append(String(repeating: "  ", count: depth) + line)
    }

    mutating func element(_ name: String, _ pairs: [(String, String)]) {
        emit("<\(name)\(SVGWriter.attributes(pairs))/>")
    }

    /// An element holding text (already escaped markup when `markup` is set,
    /// for <tspan> children).
    mutating func text(_ name: String, _ pairs: [(String, String)], _ content: String, markup: Bool = false) {
        emit("<\(name)\(SVGWriter.attributes(pairs))>\(markup ? content : SVGWriter.escape(content))</\(name)>")
    }

    mutating func open(_ name: String, _ pairs: [(String, String)] = []) {
        emit("<\(name)\(SVGWriter.attributes(pairs))>")
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        emit("</\(name)>")
    }

    mutating func comment(_ text: String) {
        emit("<!-- \(text.replacingOccurrences(of: "--", with: "- -")) -->")
    }

    /// A polyline as path data: "M x y L x y …".
    static func path(_ points: [(Double, Double)]) -> String {
        var parts: [String] = []
        parts.reserveCapacity(points.count)
        for (index, point) in points.enumerated() {
            parts.append((index == 0 ? "M" : "L") + number(point.0) + " " + number(point.1))
        }
        return parts.joined(separator: " ")
    }
}

/// Text widths for layout, from DejaVu Sans's advance widths (matplotlib's
/// default font, first in the documents' font list); other sans-serif fonts
/// are narrower, so boxes sized this way still hold their text.
enum TextMetrics {
    /// Advance widths of ASCII 32…126 in units of 1/2048 em.
    private static let ascii: [Int] = [
        651, 821, 942, 1716, 1303, 1946, 1597, 563, 799, 799, 1024, 1716, 651, 739, 651, 690, 1303, 1303, 1303, 1303,
        1303, 1303, 1303, 1303, 1303, 1303, 690, 690, 1716, 1716, 1716, 1087, 2048, 1401, 1405, 1430, 1577, 1294, 1178,
        1587, 1540, 604, 604, 1343, 1141, 1767, 1532, 1612, 1235, 1612, 1423, 1300, 1251, 1499, 1401, 2025, 1403,
        1251, 1403, 799, 690, 799, 1716, 1024, 1024, 1255, 1300, 1126, 1300, 1260, 721, 1300, 1298, 569, 569, 1186,
        569, 1995, 1298, 1253, 1300, 1300, 842, 1067, 803, 1298, 1212, 1675, 1212, 1212, 1075, 1303, 690, 1303, 1716,
    ]

    static func width(_ text: String, fontSize: Double) -> Double {
        var units = 0
        for scalar in text.unicodeScalars {
            let value = Int(scalar.value)
            if value >= 32 && value <= 126 {
                units += ascii[value - 32]
            } else if "⁰¹²³⁴⁵⁶⁷⁸⁹".unicodeScalars.contains(scalar) {
                units += 821
            } else {
                // −, ×, ≈, Greek letters and the like: about a digit and a third.
                units += 1716
            }
        }
        return Double(units) / 2048 * fontSize
    }
}
