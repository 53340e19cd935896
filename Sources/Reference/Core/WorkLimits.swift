import Exact
import Foundation

/// The size of problem the exact path is for, and the bounds that keep every
/// case within a few seconds (a debug build on one core: about 12 s for
/// batch norm on 10,000 values with its backward pass, about 12 s for a
/// bias–variance enumeration over 20,000 datasets). The exact path serves
/// teaching-size examples and golden vectors; a larger problem is refused
/// with a message naming the quantity, its value and the bound, never run
/// for minutes. Work that may still take seconds reports `Progress`.
public enum WorkLimits {
    /// Values over all input tensors of one case.
    public static let caseValues = 10_000
    /// Distinct datasets enumerated by the bias–variance operations
    /// (including bootstrap resamples and sweeps over degrees and α).
    public static let datasets = 20_000
    /// Dropout masks evaluated by enumeration: rows × 2^units.
    public static let maskEvaluations = 1 << 17
    /// Binary digits of one exact input number given as written (numerator
    /// plus denominator), for the fits that do not round their inputs to the
    /// target precision first: 4096 bits is about 1233 decimal digits.
    public static let valueBits = 4096
    /// Bytes of one input file (a case, a CSV table, a results file): ten
    /// thousand values with room to spare, read and parsed in about a second.
    public static let inputFileBytes = 4 << 20
    /// Monte-Carlo samples (computed in Double, all kept for the interval).
    public static let monteCarloSamples = 10_000_000

    /// Throws when `count` exceeds `limit`, naming the quantity.
    public static func check(_ count: Int, limit: Int, _ what: @autoclosure () -> String, advice: String = "")
        throws
    {
        guard count <= limit else {
            throw ReferenceError(
                "\(what()): \(count) exceeds the exact path's limit of \(limit)\(advice.isEmpty ? "" : "; \(advice)")")
        }
    }

    /// The contents of a file given as input, refused beyond
    /// `inputFileBytes` before it is read; `what` names it in errors.
    public static func readInputFile(_ path: String, what: String) throws -> String {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        guard size <= inputFileBytes else {
            throw ReferenceError(
                "\(what) \(path) has \(size) bytes; input files are limited to \(inputFileBytes) bytes (the exact path is for up to \(caseValues) values)"
            )
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReferenceError("\(what) \(path): cannot read the file")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The product of `factors`, or nil when it does not fit in an Int.
    public static func product(_ factors: [Int]) -> Int? {
        var result = 1
        for factor in factors {
            let (next, overflow) = result.multipliedReportingOverflow(by: factor)
            if overflow { return nil }
            result = next
        }
        return result
    }
}
