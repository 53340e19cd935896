import Foundation

/// Data value ↔ position along an axis (pixels in SVG, dots or cells in a
/// terminal): linear in the value, or in its logarithm on a log scale.
/// `start` is where `domain.lowerBound` lands: for a y axis drawn downwards
/// it is the bottom, so `start > end`.
public struct AxisTransform: Equatable, Sendable {
    public let domain: ClosedRange<Double>
    public let scale: AxisScale
    public let start: Double
    public let end: Double

    public init(domain: ClosedRange<Double>, scale: AxisScale, start: Double, end: Double) {
        self.domain = domain
        self.scale = scale
        self.start = start
        self.end = end
    }

    private func forward(_ value: Double) -> Double {
        scale == .log ? log10(value) : value
    }

    private func backward(_ value: Double) -> Double {
        scale == .log ? pow(10, value) : value
    }

    /// The position of a value (outside the domain it extrapolates).
    public func position(_ value: Double) -> Double {
        let low = forward(domain.lowerBound)
        let high = forward(domain.upperBound)
        let fraction = (forward(value) - low) / (high - low)
        return start + fraction * (end - start)
    }

    /// The value at a position: the inverse of `position`.
    public func value(at position: Double) -> Double {
        let low = forward(domain.lowerBound)
        let high = forward(domain.upperBound)
        let fraction = (position - start) / (end - start)
        return backward(low + fraction * (high - low))
    }

    /// Whether a value can be placed at all (positive on a log scale, finite).
    public func accepts(_ value: Double) -> Bool {
        value.isFinite && (scale == .linear || value > 0)
    }
}
