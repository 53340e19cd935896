import Exact
import Foundation
import TestSupport
import XCTest

@testable import Reference

/// Small random inputs: integers in −6…6 and now and then halves and thirds,
/// so exact arithmetic stays fast and variances are varied.
extension SplitMix64 {
    mutating func small() -> Rational {
        let integer = Int(next() % 13) - 6
        switch next() % 5 {
        case 0: return try! Rational(BigInt(2 * integer + 1), BigInt(2))
        case 1: return try! Rational(BigInt(integer), BigInt(3))
        default: return Rational(integer)
        }
    }

    mutating func tensor(_ shape: [Int]) -> Tensor<Rational> {
        Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in small() })
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }

    /// 0 or a small positive ε.
    mutating func eps() -> Rational { next() % 2 == 0 ? 0 : try! Rational(BigInt(1), BigInt(int(1...20))) }
}

func makeCase(
    _ op: String, convention: String? = nil, params: [(String, String)] = [], inputs: [(String, Tensor<Rational>)]
) -> CaseInput {
    CaseInput(
        op: op, convention: convention, params: params.map { (name: $0.0, value: $0.1) },
        inputs: inputs.map { (name: $0.0, tensor: $0.1) })
}

/// Whether every group of `x` (as the plan groups it) has non-zero variance.
func groupsVary(_ x: Tensor<Rational>, _ plan: NormalizationPlan) -> Bool {
    plan.groups.allSatisfy { members in members.contains { x.values[$0] != x.values[members[0]] } }
}

func rational(_ text: String) -> Rational { try! Rational(parsing: text) }
func surd(_ text: String) -> Surd { try! Surd(parsing: text) }

/// Every check step of a trace that must be exactly zero is zero.
func assertChecksZero(
    _ trace: Trace<Surd>, except: Set<String> = [], _ context: @autoclosure () -> String = "",
    file: StaticString = #filePath, line: UInt = #line
) {
    for step in trace.steps(.check) where !except.contains(step.name) {
        for (index, value) in step.tensor.values.enumerated() where !value.isZero {
            XCTFail("\(trace.op): check \(step.name)[\(index)] = \(value), not 0 \(context())", file: file, line: line)
            return
        }
    }
}

func values(_ trace: Trace<Surd>, _ name: String, file: StaticString = #filePath, line: UInt = #line) -> [Surd] {
    guard let tensor = trace[name] else {
        XCTFail("no step \(name) in \(trace.op)", file: file, line: line)
        return []
    }
    return tensor.values
}

/// Asserts that running `input` fails with a ReferenceError whose message contains `fragment`.
func assertReferenceError(
    _ op: any ReferenceOperation.Type, _ input: CaseInput, contains fragment: String,
    file: StaticString = #filePath, line: UInt = #line
) {
    do {
        _ = try op.run(input, as: Surd.self)
        XCTFail("expected an error containing \"\(fragment)\"", file: file, line: line)
    } catch let error as ReferenceError {
        XCTAssertTrue(
            error.message.contains(fragment), "message \"\(error.message)\" lacks \"\(fragment)\"", file: file,
            line: line)
    } catch {
        XCTFail("expected a ReferenceError, got \(error)", file: file, line: line)
    }
}
