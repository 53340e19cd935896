/// What the network predicts.
public enum Task: Sendable, Equatable {
    /// Class labels 0..<classes; softmax cross-entropy by default.
    case classification(classes: Int)
    /// Real targets, `outputs` per example; squared error.
    case regression(outputs: Int)

    /// The width of the output layer.
    public var outputs: Int {
        switch self {
        case .classification(let k): return k
        case .regression(let k): return k
        }
    }
}

/// Examples as rows: `features` holds `count × dimension` values row-major;
/// `labels` (classification) or `targets` (`count × outputs`, regression).
public struct Examples: Sendable, Equatable {
    public var dimension: Int
    public var features: [Double]
    public var labels: [Int]
    public var targets: [Double]

    public init(dimension: Int, features: [Double], labels: [Int] = [], targets: [Double] = []) {
        self.dimension = dimension
        self.features = features
        self.labels = labels
        self.targets = targets
    }

    public var count: Int { dimension == 0 ? 0 : features.count / dimension }

    /// The examples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> Examples {
        var out = Examples(dimension: dimension, features: [])
        out.features.reserveCapacity(indices.count * dimension)
        let outputs = count == 0 ? 0 : targets.count / count
        for i in indices {
            out.features.append(contentsOf: features[(i * dimension)..<((i + 1) * dimension)])
            if !labels.isEmpty { out.labels.append(labels[i]) }
            if outputs > 0 { out.targets.append(contentsOf: targets[(i * outputs)..<((i + 1) * outputs)]) }
        }
        return out
    }

    /// Every feature mapped x ↦ a·x + b (the covariate shift of a test set).
    public func shifted(scale a: Double, offset b: Double) -> Examples {
        var out = self
        out.features = features.map { a * $0 + b }
        return out
    }
}

/// A data set split into training and test examples.
public struct DataSplit: Sendable, Equatable {
    /// The name given on the command line (`circle`, `digits`, a file path).
    public var name: String
    public var task: Task
    public var train: Examples
    public var test: Examples
    /// Where the data come from, with credit and licence for shipped data.
    public var source: String

    public init(name: String, task: Task, train: Examples, test: Examples, source: String) {
        self.name = name
        self.task = task
        self.train = train
        self.test = test
        self.source = source
    }

    /// Splits `all` by a permutation from the data stream: the first
    /// ⌈fraction·count⌉ of the permuted examples form the test set (at least one
    /// example stays on each side).
    public init(name: String, task: Task, all: Examples, testFraction: Double, seed: UInt64, source: String) {
        var generator = RandomPurpose.data.generator(seed &+ 0x5EED)
        let order = generator.permutation(all.count)
        var testCount = Int((testFraction * Double(all.count)).rounded(.up))
        testCount = min(max(testCount, testFraction > 0 ? 1 : 0), all.count - 1)
        self.init(
            name: name, task: task, train: all.subset(Array(order[testCount...]).sorted()),
            test: all.subset(Array(order[..<testCount]).sorted()), source: source)
    }
}
