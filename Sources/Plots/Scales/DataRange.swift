import Foundation

/// The span an axis shows: the data's range, widened where it is empty (a
/// constant series, a single point) and padded by a margin, as matplotlib's
/// autoscaling does (`nonsingular`, then `axes.xmargin`/`ymargin` = 0.05).
enum DataRange {
    /// The smallest and largest finite values, if any (positive only for a
    /// log scale).
    static func extent<S: Sequence>(_ values: S, scale: AxisScale) -> ClosedRange<Double>? where S.Element == Double {
        var low = Double.infinity
        var high = -Double.infinity
        for value in values where value.isFinite && (scale == .linear || value > 0) {
            low = min(low, value)
            high = max(high, value)
        }
        return low <= high ? low...high : nil
    }

    /// A range with room in it: an empty one (low == high) is widened by 5%
    /// of its value either way (±1 around zero); on a log scale by half a
    /// decade either way.
    static func nonsingular(_ low: Double, _ high: Double, scale: AxisScale) -> ClosedRange<Double> {
        let scaleOfValues = max(abs(low), abs(high))
        guard high - low <= 1e-12 * scaleOfValues || high <= low else { return low...high }
        let value = (low + high) / 2
        switch scale {
        case .log:
            return value / 10.0.squareRoot()...value * 10.0.squareRoot()
        case .linear:
            if value == 0 { return -1...1 }
            return value - 0.05 * abs(value)...value + 0.05 * abs(value)
        }
    }

    /// Padded by `margin` of its span at both ends (in log space on a log scale).
    static func padded(_ range: ClosedRange<Double>, margin: Double, scale: AxisScale) -> ClosedRange<Double> {
        switch scale {
        case .linear:
            let pad = (range.upperBound - range.lowerBound) * margin
            return range.lowerBound - pad...range.upperBound + pad
        case .log:
            let low = log10(range.lowerBound)
            let high = log10(range.upperBound)
            let pad = (high - low) * margin
            return pow(10, low - pad)...pow(10, high + pad)
        }
    }

    /// What an axis shows: fixed limits if given, else the data extent made
    /// nonsingular and padded.
    static func limits(
        fixed: ClosedRange<Double>?, data: ClosedRange<Double>?, scale: AxisScale, margin: Double
    ) -> ClosedRange<Double> {
        if let fixed {
            return nonsingular(fixed.lowerBound, fixed.upperBound, scale: scale)
        }
        guard let data else { return scale == .log ? 1...10 : 0...1 }
        let widened = nonsingular(data.lowerBound, data.upperBound, scale: scale)
        let wasEmpty = widened != data
        // A widened range is already padded; padding it again would only
        // push the one value further from the ticks.
        return wasEmpty ? widened : padded(widened, margin: margin, scale: scale)
    }
}
