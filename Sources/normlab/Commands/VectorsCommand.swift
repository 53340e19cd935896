import Accuracy
import ArgumentParser
import Conformance
import Foundation
import Vectors

/// `normlab vectors generate | check | verify`.
struct VectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vectors",
        abstract: "Generate, check and verify against NormLab's golden vectors.",
        subcommands: [Generate.self, Check.self, Verify.self]
    )

    struct DirectoryOption: ParsableArguments {
        @Option(help: "The vectors folder.")
        var dir = "vectors"
    }

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the whole vectors tree (deterministic: byte-identical on every run).")
        @OptionGroup var directory: DirectoryOption

        func run() throws {
            let clock = ContinuousClock()
            let start = clock.now
            let tree = try generateTree()
            do { try tree.write(to: directory.dir) } catch let error as VectorInputError {
                throw InputError(error.message)
            }
            let elapsed = start.duration(to: clock.now)
            for (family, seconds, cases) in tree.timings {
                print("\(family.padding(to: 34)) \(String(cases).padding(to: 5)) cases  \(formatDuration(seconds))")
            }
            let bytes = tree.files.reduce(0) { $0 + $1.contents.utf8.count }
            print(
                "wrote \(tree.files.count) files (\(format3(Double(bytes) / 1e6)) MB) to \(directory.dir)/ in \(formatDuration(seconds(elapsed)))"
            )
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Regenerate in memory and report any difference with the committed tree (exit 1).")
        @OptionGroup var directory: DirectoryOption

        func run() throws {
            let tree = try generateTree()
            let problems = tree.differences(from: directory.dir)
            if problems.isEmpty {
                print("vectors: \(tree.files.count) files match a fresh generation")
                return
            }
            for problem in problems { print(problem) }
            throw CheckFailure(
                message:
                    "\(problems.count) file(s) differ from a fresh generation; run 'normlab vectors generate' and review the diff"
            )
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check float results against the vectors' exact values and tolerances.",
            discussion: """
                RESULTS is a JSON file written by the implementation under test:
                  {"vectors": "normalization/batchnorm_train_2d.json",
                   "fields": ["y", "dx"],            (optional: only these outputs)
                   "results": [{"id": "<case id>", "outputs": {"y": ["0x1.8p+1", ...], ...}}]}
                Floats are C99 hex (or decimal) strings in the case's precision, or inf, -inf, nan. \
                A file that checks nothing (no results, unknown fields) is an error. With --self, \
                NormLab's own floating-point reference is run on the inputs of every case of the \
                files under --dir; its failures on cases built to defeat naive arithmetic \
                (huge-offset, near-overflow, subnormal) are expected and labelled XFAIL, and only \
                unexpected ones fail. With --kernels, the SIMD kernels are run on every case they \
                apply to and held to the stricter bounds they state (KERNELS.md).
                """
        )
        @OptionGroup var directory: DirectoryOption
        @Argument(help: "The results file.") var results: String?
        @Flag(name: .customLong("self"), help: "Verify NormLab's own Double/Float reference on every case.")
        var selfCheck = false
        @Flag(help: "Run the SIMD kernels on every applicable case, against the kernels' own bounds.") var kernels =
            false
        @Flag(help: "Print every row, not only the per-field summary and failures.") var verbose = false

        func validate() throws {
            let modes = [selfCheck, kernels, results != nil].filter { $0 }.count
            if modes != 1 { throw ValidationError("give exactly one of: a results file, --self, --kernels") }
        }

        func run() throws {
            if kernels {
                let (checks, notes) = try KernelConformance.checkAllVectors()
                print(KernelCheckTable(checks: checks, verbose: verbose).render())
                for note in notes { print("note: \(note)") }
                let failures = checks.filter { !$0.passed }
                if !failures.isEmpty {
                    throw CheckFailure(
                        message: "\(failures.count) of \(checks.count) kernel outputs exceed the kernels' bounds")
                }
                return
            }
            let rows: [VerificationRow]
            do {
                rows =
                    selfCheck
                    ? try VectorVerifier.verifySelf(vectorsDirectory: directory.dir)
                    : try VectorVerifier.verify(resultsFile: results ?? "", vectorsDirectory: directory.dir)
            } catch let error as VectorInputError {
                throw InputError(error.message)
            }
            print(VerificationTable(rows: rows, verbose: verbose).render())
            let failures = rows.filter(\.failedUnexpectedly)
            if !failures.isEmpty {
                throw CheckFailure(message: "\(failures.count) of \(rows.count) checked outputs exceed their tolerance")
            }
        }
    }
}

private func generateTree() throws -> VectorTree {
    do { return try VectorTree() } catch { throw InputError("\(error)") }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

/// Per family and field: cases, worst ulp, worst normwise error, lowest LRE,
/// the tolerance rule and the verdict (ok, FAIL, or XFAIL for failures that
/// are expected); then the failing rows, and one summary line.
struct VerificationTable {
    let rows: [VerificationRow]
    let verbose: Bool

    func render() -> String {
        var lines = [
            "family / field".padding(to: 40) + "cases".padding(to: 7) + "max ulp".padding(to: 12)
                + "max normwise".padding(to: 14) + "min LRE".padding(to: 9) + "tolerance".padding(to: 34) + "result"
        ]
        let groups = groupedInOrder(rows) { "\(family(of: $0.caseID)) / \($0.field)" }
        for (key, group) in groups {
            let maxUlp = group.map(\.error.maxUlp).max() ?? 0
            let maxNormwise = group.map(\.error.normwiseRelative).max() ?? 0
            let minLRE = group.map(\.error.lre).min() ?? 0
            let failures = group.filter(\.failedUnexpectedly).count
            let expected = group.filter { !$0.passed && $0.expectedFailure != nil }.count
            let rules = Set(group.map { "\($0.tolerance.metric.rawValue): \($0.tolerance.rule)" })
            let rule = rules.count == 1 ? rules.first! : "\(group[0].tolerance.metric.rawValue): per case"
            var verdict = failures == 0 ? "ok" : "FAIL (\(failures))"
            if expected > 0 { verdict += ", XFAIL (\(expected))" }
            lines.append(
                key.padding(to: 40) + String(group.count).padding(to: 7) + ulpText(maxUlp).padding(to: 12)
                    + format3(maxNormwise).padding(to: 14) + format3(minLRE).padding(to: 9)
                    + String(rule.prefix(33)).padding(to: 34) + verdict)
        }
        let shown = verbose ? rows : rows.filter { !$0.passed }
        if !shown.isEmpty { lines.append("") }
        for row in shown {
            let label = row.passed ? "ok   " : (row.expectedFailure == nil ? "FAIL " : "XFAIL")
            let reason = row.expectedFailure.map { " (expected: \($0))" } ?? ""
            lines.append(
                "\(label) \(row.caseID) \(row.field): \(ulpText(row.error.maxUlp)) ulp (worst at [\(row.error.worstIndex)]), normwise \(format3(row.error.normwiseRelative)), bound \(row.tolerance.rule)\(reason)"
            )
        }
        lines.append("")
        let failed = rows.filter(\.failedUnexpectedly).count
        let expected = rows.filter { !$0.passed && $0.expectedFailure != nil }.count
        lines.append(
            "\(rows.count - failed - expected) passed, \(failed) failed"
                + (expected > 0 ? ", \(expected) failed as expected (XFAIL)" : ""))
        return lines.joined(separator: "\n")
    }

    private func ulpText(_ value: UInt64) -> String { value == .max ? "inf" : String(value) }
}

/// Per family and field: the kernels' worst measured error against their bound.
struct KernelCheckTable {
    let checks: [KernelCheck]
    let verbose: Bool

    func render() -> String {
        var lines = [
            "family / field".padding(to: 36) + "precision".padding(to: 11) + "cases".padding(to: 7)
                + "worst".padding(to: 11) + "bound".padding(to: 7) + "measure".padding(to: 44) + "result"
        ]
        let groups = groupedInOrder(checks) { "\(family(of: $0.caseID)) / \($0.field)|\($0.precision.rawValue)" }
        for (key, group) in groups {
            let parts = key.split(separator: "|")
            let worst = group.map(\.measured).max() ?? 0
            let failures = group.filter { !$0.passed }.count
            let rule = String(group[0].rule.prefix(43))
            lines.append(
                String(parts[0]).padding(to: 36) + String(parts[1]).padding(to: 11) + String(group.count).padding(to: 7)
                    + format3(worst).padding(to: 11) + format3(group[0].bound).padding(to: 7) + rule.padding(to: 44)
                    + (failures == 0 ? "ok" : "FAIL (\(failures))"))
        }
        let shown = verbose ? checks : checks.filter { !$0.passed }
        if !shown.isEmpty { lines.append("") }
        for check in shown {
            lines.append(
                "\(check.passed ? "ok  " : "FAIL") \(check.caseID) \(check.field): \(format3(check.measured)) (bound \(format3(check.bound)), \(check.rule))"
            )
        }
        lines.append("")
        lines.append(
            "\(checks.count - checks.filter { !$0.passed }.count) passed, \(checks.filter { !$0.passed }.count) failed")
        return lines.joined(separator: "\n")
    }
}

/// The family part of a case id "family/slug".
func family(of caseID: String) -> String { String(caseID.split(separator: "/").first ?? "") }

/// Items grouped by key, groups in order of first appearance (a table's row order).
func groupedInOrder<T>(_ items: [T], by key: (T) -> String) -> [(String, [T])] {
    var groups: [(String, [T])] = []
    var position: [String: Int] = [:]
    for item in items {
        let k = key(item)
        if let index = position[k] {
            groups[index].1.append(item)
        } else {
            position[k] = groups.count
            groups.append((k, [item]))
        }
    }
    return groups
}
