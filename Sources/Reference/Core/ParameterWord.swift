import Exact

/// A parameter whose value is one of a few words (mode, variant, …): the
/// words are listed once, here in the type, and read by cases, help texts
/// and the command line's parser alike.
public protocol ParameterWord: Sendable, CaseIterable {
    /// The word in cases and on the command line.
    var word: String { get }
}

extension ParameterWord {
    /// The value called `word`. A trace records some values by their Swift
    /// names (`caffeNormalizedSum`); those read back too.
    public init?(word: String) {
        guard let value = Self.allCases.first(where: { $0.word == word || "\($0)" == word }) else { return nil }
        self = value
    }

    /// Every accepted word, in declaration order.
    public static var words: [String] { allCases.map(\.word) }
}

extension ParameterWord where Self: RawRepresentable, RawValue == String {
    public var word: String { rawValue }
}

extension CaseInput {
    /// A word parameter, or `value` when absent; any other word is the error
    /// naming the parameter, the word and the accepted ones.
    public func wordParam<Word: ParameterWord>(_ name: String, default value: Word) throws -> Word {
        guard let text = param(name) else { return value }
        guard let word = Word(word: text) else {
            throw ReferenceError(
                "parameter \(name) = \(quotedInput(text)) must be one of \(Word.words.joined(separator: ", "))")
        }
        return word
    }
}

/// Training or inference.
public enum Mode: String, ParameterWord {
    case train, eval
}

extension BatchNormConvention.EpsPlacement: ParameterWord {
    public var word: String { self == .insideRoot ? "inside" : "outside" }
}

extension BatchNormConvention.Averaging: ParameterWord {
    public var word: String {
        switch self {
        case .exponential: return "exponential"
        case .cumulative: return "cumulative"
        case .caffeNormalizedSum: return "caffe"
        }
    }
}

extension BatchNormConvention.AveragedStatistic: ParameterWord {
    public var word: String { self == .variance ? "variance" : "std" }
}

extension BatchNormConvention.VarianceEstimator: ParameterWord {
    public var word: String {
        switch self {
        case .biased: return "biased"
        case .unbiased: return "unbiased"
        case .unbiasedOrBiasedAtOne: return "caffe"
        case .keras2: return "keras2"
        }
    }
}
