import Exact

/// The arithmetic every reference algorithm is written against — once — and
/// run with the exact `Surd` and with `Double` and `Float`.
///
/// A formula written over `ReferenceScalar` is the only copy of that formula
/// in NormLab: the exact run gives the golden values, the floating-point runs
/// show what IEEE arithmetic does with the very same steps.
public protocol ReferenceScalar: Sendable, Comparable, CustomStringConvertible {
    /// "exact", "f64" or "f32".
    static var precisionName: String { get }

    /// The value of a rational: exact for `Surd`, correctly rounded for floats.
    init(_ value: Rational)

    static func + (lhs: Self, rhs: Self) -> Self
    static func - (lhs: Self, rhs: Self) -> Self
    static func * (lhs: Self, rhs: Self) -> Self
    /// Division. For the exact type the divisor must be non-zero: reference
    /// algorithms validate their inputs before they divide.
    static func / (lhs: Self, rhs: Self) -> Self
    static prefix func - (operand: Self) -> Self

    /// √self. Floats follow IEEE (NaN for negatives); the exact type throws
    /// for a negative value or a nested radical.
    func checkedSquareRoot() throws -> Self

    /// The exact value this scalar stands for (a float is a dyadic rational);
    /// nil for ∞ and NaN.
    var exactValue: Surd? { get }

    var isZero: Bool { get }
}

extension ReferenceScalar {
    public static var zero: Self { Self(Rational(0)) }
    public static var one: Self { Self(Rational(1)) }

    public init(_ integer: Int) { self.init(Rational(integer)) }

    public static func += (lhs: inout Self, rhs: Self) { lhs = lhs + rhs }
    public static func -= (lhs: inout Self, rhs: Self) { lhs = lhs - rhs }
    public static func *= (lhs: inout Self, rhs: Self) { lhs = lhs * rhs }
}

extension Surd: ReferenceScalar {
    public static var precisionName: String { "exact" }
    public var exactValue: Surd? { self }
    public func checkedSquareRoot() throws -> Surd { try squareRoot() }
}

extension Double: ReferenceScalar {
    public static var precisionName: String { "f64" }
    public init(_ value: Rational) { self = value.rounded(to: Double.self) }
    public func checkedSquareRoot() throws -> Double { squareRoot() }
    public var exactValue: Surd? { isFinite ? Surd(try! Rational(exactly: self)) : nil }
}

extension Float: ReferenceScalar {
    public static var precisionName: String { "f32" }
    public init(_ value: Rational) { self = value.rounded(to: Float.self) }
    public func checkedSquareRoot() throws -> Float { squareRoot() }
    public var exactValue: Surd? { isFinite ? Surd(try! Rational(exactly: self)) : nil }
}
