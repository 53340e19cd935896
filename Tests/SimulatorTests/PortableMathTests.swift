import Foundation
import Simulator
import XCTest

/// The portable functions against the C library on the ranges the simulator uses:
/// within 2 ulp (they need not be correctly rounded, only the same everywhere).
final class PortableMathTests: XCTestCase {
    func ulps(_ a: Double, _ b: Double) -> Double {
        if a == b { return 0 }
        return abs(a - b) / max(abs(b).ulp, Double.leastNonzeroMagnitude)
    }

    func testAgainstTheCLibrary() {
        var worst: [String: Double] = [:]
        var x = -30.0
        while x <= 30 {
            worst["exp", default: 0] = max(worst["exp", default: 0], ulps(PortableMath.exp(x), Foundation.exp(x)))
            worst["tanh", default: 0] = max(worst["tanh", default: 0], ulps(PortableMath.tanh(x), Foundation.tanh(x)))
            worst["expm1", default: 0] = max(
                worst["expm1", default: 0], ulps(PortableMath.expm1(x / 40), Foundation.expm1(x / 40)))
            let (s, c) = PortableMath.sinCos(x)
            // Near a zero of sin or cos, compare absolutely (a relative ulp is meaningless there).
            worst["sin", default: 0] = max(worst["sin", default: 0], abs(s - Foundation.sin(x)) / 0x1p-53)
            worst["cos", default: 0] = max(worst["cos", default: 0], abs(c - Foundation.cos(x)) / 0x1p-53)
            let y = abs(x) * 1.7 + 1e-3
            worst["log", default: 0] = max(worst["log", default: 0], ulps(PortableMath.log(y), Foundation.log(y)))
            x += 0.0137
        }
        for (name, value) in worst { XCTAssertLessThanOrEqual(value, 4, name) }
        XCTAssertEqual(PortableMath.exp(0), 1)
        XCTAssertEqual(PortableMath.log(1), 0)
        XCTAssertEqual(PortableMath.exp(1000), .infinity)
        XCTAssertEqual(PortableMath.exp(-1000), 0)
        XCTAssertTrue(PortableMath.log(-1).isNaN)
        XCTAssertEqual(PortableMath.log(0), -.infinity)
        XCTAssertEqual(PortableMath.exp(-744), Foundation.exp(-744)) // subnormal result
    }
}
