import Exact
import Foundation
import Kernels

// Batch norm of a small (N, C) batch by NormLab's SIMD kernel, checked
// against the exact values computed here with NormLab's exact numbers:
// μ and σ² as rationals, x̂ = (x − μ)/√(σ² + ε) as a surd, rounded to the
// nearest double. The kernel states a bound of 4 ulp for x̂ (KERNELS.md).
let n = 4
let c = 2
let x: [Double] = [1, 2, 3, 6, 5, 4, 7, 0.1]
let gamma: [Double] = [1, 1]
let beta: [Double] = [0, 0]
let epsilon = 1e-5

var y = [Double](repeating: 0, count: n * c)
var xhat = [Double](repeating: 0, count: n * c)
do {
    _ = try x.withUnsafeBufferPointer { xp in
        try gamma.withUnsafeBufferPointer { gp in
            try beta.withUnsafeBufferPointer { bp in
                try y.withUnsafeMutableBufferPointer { yp in
                    try xhat.withUnsafeMutableBufferPointer { hp in
                        try BatchNorm.forwardTraining(
                            x: xp, shape: .nc(n: n, c: c), gamma: gp, beta: bp, epsilon: epsilon, y: yp, xhat: hp)
                    }
                }
            }
        }
    }
} catch {
    print("the kernel refused the batch: \(error)")
    exit(1)
}

func ulps(_ a: Double, _ b: Double) -> UInt64 {
    if a == b { return 0 }
    func position(_ v: Double) -> UInt64 { v.bitPattern & 0x7FFF_FFFF_FFFF_FFFF }
    if (a < 0) != (b < 0) { return position(a) + position(b) }
    let (p, q) = (position(a), position(b))
    return p > q ? p - q : q - p
}

var worst: UInt64 = 0
do {
    let eps = try Rational(exactly: epsilon)
    for channel in 0..<c {
        let values = try (0..<n).map { try Rational(exactly: x[$0 * c + channel]) }
        let m = Rational(n)
        let mean = values.reduce(Rational(0), +) / m
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(Rational(0), +) / m
        let std = try Surd.squareRoot(of: variance + eps)
        for (row, value) in values.enumerated() {
            let exact = Surd(value - mean) / std
            let rounded = exact.rounded(to: Double.self)
            let computed = xhat[row * c + channel]
            worst = max(worst, ulps(computed, rounded))
            print("x̂[\(row),\(channel)] = \(exact)  ≈ \(rounded)  kernel \(computed)")
        }
    }
} catch {
    print("exact arithmetic failed: \(error)")
    exit(1)
}
print("largest error of the kernel's x̂: \(worst) ulp (stated bound 4)")
exit(worst <= 4 ? 0 : 1)
