import Exact
import TestSupport
import XCTest

/// An in-process mutation fuzzer over the number parsers: `Rational(parsing:)`
/// (integers, fractions, decimals, hex floats), `Surd(parsing:)` (the exact
/// value grammar) and `BigInt(parsing:)`.
///
/// **Seeds** (`seeds`): every accepted syntax at least once (signs, fractions,
/// decimals with and without digits on either side of the point, exponents in
/// both cases, hex floats with and without exponent, subnormal and extreme
/// doubles, surds with rational radicands and several roots, whitespace
/// between tokens), the edges of every limit (exponents ±10000 and ±40000,
/// just beyond), and the rejected words and values (nan, inf, 1/0, sqrt(-2)).
///
/// **Mutators** (`mutate`), one to four per mutant, drawn from SplitMix64 with
/// a fixed seed so that every run tries the same 100,000 mutants:
/// 1. replace a byte with one from `alphabet` (syntax characters, digits,
///    the letters the grammar gives meaning, whitespace, control bytes);
/// 2. insert a token from `tokens` ("sqrt(", "e-", "0x", exponents at Int.min
///    and Int.max and at the limits, "inf", non-ASCII digits, U+2028, NUL…);
/// 3. delete a range of up to 8 bytes;
/// 4. repeat a range of up to 16 bytes 2 to 64 times (long digit runs, long
///    exponents, many terms);
/// 5. splice the mutant's head onto another seed's tail;
/// 6. truncate.
/// Mutants are cut at 8 KiB; bytes that are not UTF-8 become U+FFFD.
///
/// **Oracles**, for every mutant and every parser: it returns, or throws an
/// `ExactError` whose message is one non-empty line — any other error, a crash
/// or a hang fails the test. Beyond that: what `Rational` reads, `Surd` reads
/// to the same value; what `Surd` reads prints as a string that reads back to
/// an equal value; what `BigInt` reads, `Rational` reads to the same value.
final class ParserFuzzTests: XCTestCase {
    static let seeds: [String] = [
        "0", "-12", "+7", "3/6", "-3/7", "1/-2", "0.1", "760.", ".5", "-1.25e-5", "-0.670191154593408E-01", "1e3",
        "1E+3", "1e-5/2", "0x1.8p+1", "0x1p-2", "-0x0p+0", "0X1.Ap3", "0x1.8", "0x.8p1", "0x1.fffffffffffffp+1023",
        "0x0.0000000000001p-1022", "4.9406564584124654e-324", "1.7976931348623157e308", "00012.3400",
        "123456789012345678901234567890/987654321098765432109876543210", "sqrt(2)", "2*sqrt(2)", "-sqrt(3)",
        "1/2+3/8*sqrt(10)", "-sqrt(3)+sqrt(2)-1/7*sqrt(5)", "sqrt(5/2)", "sqrt(0x1.8p+1)", "1.5e2*sqrt(1e-4)",
        " 1 / 2 + 3 * sqrt( 2 ) ", "sqrt(2036162)-1009*sqrt(2)", "sqrt(8)+sqrt(18)+sqrt(50)", "1e10000",
        "1e-10000", "0x1p40000", "0x1p-40000", "1e10001", "0x1p-40001", "nan", "-inf", "Infinity", "1/0",
        "sqrt(-2)", "sqrt(0)", "0/5", "1+2+3+4+5+6+7+8+9", "ff", "-z",
    ]

    static let alphabet: [UInt8] =
        Array(
            "0123456789+-./*()eEpPxXsqrtinfa \t\n\r".utf8) + [0, 7, 0x1B, 0x7F, 0x80, 0xC3, 0xFF]

    static let tokens: [String] = [
        "sqrt(", ")", "*sqrt(", "/", "+", "-", ".", "e", "e-", "E+", "p", "p-", "0x", "0X", "inf", "nan", "infinity",
        "9223372036854775808", "-9223372036854775808", "9223372036854775807", "99999999999999999999", "10000",
        "10001", "-10001", "40000", "40001", "-40001", "0", "00000000", "1e9999", "0x1p39999", "é", "١", "１",
        "\u{2028}", "\u{0}", "\u{301}", " ", "\n", "/0", "sqrt(-", "1009", "2036162",
    ]

    private struct Tally {
        var accepted = 0
        var rejected = 0
        var kinds: Set<String> = []
    }

    func testMutantsNeverCrashAndEveryRejectionIsAnExactError() {
        var generator = SplitMix64(seed: 0xF022_0010)
        var tallies = (rational: Tally(), surd: Tally(), integer: Tally())
        let mutantCount = 100_000
        for _ in 0..<mutantCount {
            let text = mutate(&generator)
            let rational = check(text, &tallies.rational) { try Rational(parsing: $0) }
            let surd = check(text, &tallies.surd) { try Surd(parsing: $0) }
            let integer = check(text, &tallies.integer) { try BigInt(parsing: $0) }
            if let rational {
                XCTAssertEqual(surd, Surd(rational), text.debugDescription)
            }
            if let surd {
                XCTAssertEqual(try? Surd(parsing: surd.description), surd, text.debugDescription)
            }
            if let integer {
                XCTAssertEqual(rational, Rational(integer), text.debugDescription)
            }
        }
        // The mutants reach both sides of every parser and every kind of rejection.
        for (name, tally) in [("Rational", tallies.rational), ("Surd", tallies.surd), ("BigInt", tallies.integer)] {
            XCTAssertGreaterThan(tally.accepted, mutantCount / 50, "\(name) accepted")
            XCTAssertGreaterThan(tally.rejected, mutantCount / 5, "\(name) rejected")
        }
        let expectedKinds: Set<String> = [
            "unparsable", "divisionByZero", "notFinite", "negativeRadicand", "exponentBeyondLimit", "beyondSizeLimit",
        ]
        XCTAssertEqual(tallies.surd.kinds.intersection(expectedKinds), expectedKinds)
    }

    /// Runs one parser: a value, or nil after an `ExactError` with a one-line message.
    private func check<T>(_ text: String, _ tally: inout Tally, _ parse: (String) throws -> T) -> T? {
        do {
            let value = try parse(text)
            tally.accepted += 1
            return value
        } catch let error as ExactError {
            tally.rejected += 1
            tally.kinds.insert(Self.kind(of: error))
            let message = error.description
            XCTAssertFalse(message.isEmpty, text.debugDescription)
            XCTAssertFalse(
                message.unicodeScalars.contains { $0 == "\n" || $0 == "\r" || $0 == "\u{2028}" || $0 == "\u{85}" },
                "\(text.debugDescription): \(message.debugDescription)")
            return nil
        } catch {
            XCTFail("\(text.debugDescription): \(type(of: error)) \(error)")
            return nil
        }
    }

    private static func kind(of error: ExactError) -> String {
        switch error {
        case .unparsable: return "unparsable"
        case .divisionByZero: return "divisionByZero"
        case .notFinite: return "notFinite"
        case .negativeRadicand: return "negativeRadicand"
        case .mixedFields: return "mixedFields"
        case .nestedRadical: return "nestedRadical"
        case .exponentBeyondLimit: return "exponentBeyondLimit"
        case .beyondSizeLimit: return "beyondSizeLimit"
        case .beyondRadicandLimit: return "beyondRadicandLimit"
        }
    }

    private func mutate(_ generator: inout SplitMix64) -> String {
        func below(_ bound: Int) -> Int { Int(generator.next() % UInt64(max(bound, 1))) }
        var bytes = Array(Self.seeds[below(Self.seeds.count)].utf8)
        for _ in 0..<(1 + below(4)) {
            switch below(6) {
            case 0 where !bytes.isEmpty:
                bytes[below(bytes.count)] = Self.alphabet[below(Self.alphabet.count)]
            case 1:
                bytes.insert(contentsOf: Array(Self.tokens[below(Self.tokens.count)].utf8), at: below(bytes.count + 1))
            case 2 where !bytes.isEmpty:
                let start = below(bytes.count)
                bytes.removeSubrange(start..<min(bytes.count, start + 1 + below(8)))
            case 3 where !bytes.isEmpty:
                let start = below(bytes.count)
                let range = start..<min(bytes.count, start + 1 + below(16))
                let repeated = Array(repeating: Array(bytes[range]), count: 2 + below(63)).flatMap { $0 }
                bytes.replaceSubrange(range, with: repeated)
            case 4:
                let other = Array(Self.seeds[below(Self.seeds.count)].utf8)
                bytes = Array(bytes.prefix(below(bytes.count + 1))) + other.suffix(below(other.count + 1))
            default:
                bytes = Array(bytes.prefix(below(bytes.count + 1)))
            }
        }
        return String(decoding: bytes.prefix(8192), as: UTF8.self)
    }
}
