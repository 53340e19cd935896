/// The classic two-dimensional classification sets (as in TensorFlow Playground)
/// and a one-dimensional regression, generated from the data stream of a seed.
/// Each point's coordinates get independent N(0, noise²) jitter.
public enum SyntheticData {
    /// The names `--dataset` accepts for generated data.
    public static let names = ["circle", "xor", "gaussians", "spiral", "regression"]

    /// The default noise of each set.
    public static func defaultNoise(_ name: String) -> Double {
        switch name {
        case "gaussians": return 0.5
        case "spiral": return 0.05
        case "regression": return 0.1
        default: return 0.05
        }
    }

    /// `count` examples of the set `name` (one of `names`).
    public static func generate(_ name: String, count: Int, noise: Double, seed: UInt64) -> (Task, Examples) {
        var uniform = RandomPurpose.data.generator(seed)
        var normal = NormalSampler(RandomPurpose.data.generator(seed &+ 1))
        var features: [Double] = []
        var labels: [Int] = []
        var targets: [Double] = []
        func point(_ x: Double, _ y: Double, _ label: Int) {
            features.append(x + noise * normal.next())
            features.append(y + noise * normal.next())
            labels.append(label)
        }
        switch name {
        case "circle":
            // Class 0 inside radius 0.5, class 1 in the ring 0.7…1.
            for i in 0..<count {
                let label = i % 2
                let radius = label == 0 ? 0.5 * uniform.nextUnit() : 0.7 + 0.3 * uniform.nextUnit()
                let angle = 2 * Double.pi * uniform.nextUnit()
                let (s, c) = PortableMath.sinCos(angle)
                point(radius * c, radius * s, label)
            }
        case "xor":
            // Uniform in [−1, 1]² away from the axes (|x|, |y| ≥ 0.05); class 1 where x·y < 0.
            for _ in 0..<count {
                func coordinate() -> Double {
                    let u = 0.05 + 0.95 * uniform.nextUnit()
                    return uniform.nextUnit() < 0.5 ? -u : u
                }
                let x = coordinate()
                let y = coordinate()
                point(x, y, x * y < 0 ? 1 : 0)
            }
        case "gaussians":
            // Two round clusters at (−1, −1) and (1, 1); noise is their standard deviation.
            for i in 0..<count {
                let label = i % 2
                let center = label == 0 ? -1.0 : 1.0
                point(center, center, label)
            }
        case "spiral":
            // Two interleaved arms, 1.75 turns each, radius growing from 0 to 1.
            let half = (count + 1) / 2
            for i in 0..<count {
                let label = i % 2
                let t = Double(i / 2) / Double(half)
                let angle = 1.75 * 2 * Double.pi * t + (label == 0 ? 0 : Double.pi)
                let (s, c) = PortableMath.sinCos(angle)
                point(t * s, t * c, label)
            }
        default:
            // y = sin(πx) + N(0, noise²), x uniform in [−1, 1].
            for _ in 0..<count {
                let x = 2 * uniform.nextUnit() - 1
                features.append(x)
                targets.append(PortableMath.sinCos(Double.pi * x).sin + noise * normal.next())
            }
            return (.regression(outputs: 1), Examples(dimension: 1, features: features, targets: targets))
        }
        return (.classification(classes: 2), Examples(dimension: 2, features: features, labels: labels))
    }
}
