import SplitMix

/// Deterministic mutations of seed inputs, driven by SplitMix64.
///
/// Each mutant is a seed with 1 to 4 of these applied, then cut to a
/// maximum length:
///
/// | mutator | what it does |
/// |---|---|
/// | `replaceByte` | one byte becomes a random byte (0–255: control bytes, invalid UTF-8) |
/// | `insertToken` | a token from the family's dictionary is inserted at a random position |
/// | `deleteSpan` | up to 8 bytes are removed |
/// | `duplicateSpan` | up to 16 bytes are copied to a random position |
/// | `splice` | the tail from a random point is replaced by another seed's tail |
/// | `interestingNumber` | a run of digits becomes a boundary value (0, −1, 2⁶³, 1e400, a subnormal, …) |
/// | `truncate` | the input ends at a random point |
struct Mutator {
    var generator: SplitMix64
    let dictionary: [[UInt8]]

    /// Values at the edges of every range a parser or an operation checks.
    static let interestingNumbers: [String] = [
        "0", "-0", "1", "-1", "2", "255", "256", "65535", "2147483648", "4294967296", "9223372036854775807",
        "9223372036854775808", "-9223372036854775808", "4611686018427387904", "18446744073709551616", "1e400",
        "1e-400", "1e308", "1.7976931348623157e308", "4.9e-324", "0x1p-1074", "0x1.fffffffffffffp+1023",
        "3.4028235e38", "1e39", "0x1p-149", "1/0", "0/0", "-1/3", "1/1000", "inf", "nan", "1e-5", "10000",
        "99999999999",
    ]

    init(seed: UInt64, dictionary: [String]) {
        generator = SplitMix64(seed: seed)
        self.dictionary = dictionary.map { Array($0.utf8) }
    }

    mutating func below(_ bound: Int) -> Int { bound <= 1 ? 0 : Int(generator.next() % UInt64(bound)) }

    mutating func mutant(of seed: [UInt8], corpus: [[UInt8]], maxLength: Int) -> [UInt8] {
        var bytes = seed
        for _ in 0...below(4) {
            switch below(7) {
            case 0 where !bytes.isEmpty:
                bytes[below(bytes.count)] = UInt8(truncatingIfNeeded: generator.next())
            case 1 where !dictionary.isEmpty:
                bytes.insert(contentsOf: dictionary[below(dictionary.count)], at: below(bytes.count + 1))
            case 2 where !bytes.isEmpty:
                let start = below(bytes.count)
                bytes.removeSubrange(start..<min(bytes.count, start + 1 + below(8)))
            case 3 where !bytes.isEmpty:
                let start = below(bytes.count)
                let span = Array(bytes[start..<min(bytes.count, start + 1 + below(16))])
                bytes.insert(contentsOf: span, at: below(bytes.count + 1))
            case 4 where !corpus.isEmpty:
                let other = corpus[below(corpus.count)]
                let cut = below(bytes.count + 1)
                bytes = Array(bytes[..<cut]) + Array(other[below(other.count + 1)...])
            case 5:
                bytes = replacingDigitRun(bytes)
            default:
                if !bytes.isEmpty { bytes.removeSubrange(below(bytes.count)...) }
            }
        }
        return Array(bytes.prefix(maxLength))
    }

    mutating func replacingDigitRun(_ bytes: [UInt8]) -> [UInt8] {
        let digits = bytes.indices.filter { bytes[$0] >= UInt8(ascii: "0") && bytes[$0] <= UInt8(ascii: "9") }
        guard !digits.isEmpty else { return bytes }
        var start = digits[below(digits.count)]
        var end = start
        while start > 0, isDigit(bytes[start - 1]) { start -= 1 }
        while end + 1 < bytes.count, isDigit(bytes[end + 1]) { end += 1 }
        let value = Array(Mutator.interestingNumbers[below(Mutator.interestingNumbers.count)].utf8)
        return Array(bytes[..<start]) + value + Array(bytes[(end + 1)...])
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}

/// Bounds that keep a mutant inside what this fuzzer is for. The number
/// parsers and the lesson-file parser belong to the exact and lessons
/// modules, which bound these families themselves; inputs beyond them are
/// known issues there, not findings here (see Tests/FuzzTests/README.md).
enum Bounds {
    /// An exponent (after e, E, p or P) of more than three digits is cut to
    /// three: exponents near Int.min crash the number parser today, and
    /// exponents near 10⁶ take minutes of exact work.
    static func clampingExponents(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            result.append(byte)
            index += 1
            guard [UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "p"), UInt8(ascii: "P")].contains(byte) else {
                continue
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                result.append(bytes[index])
                index += 1
            }
            var digits = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                if digits < 3 { result.append(bytes[index]) }
                digits += 1
                index += 1
            }
        }
        return result
    }

    /// All the bounds of the lesson-file family.
    static func lessonFile(_ bytes: [UInt8]) -> [UInt8] {
        clampingDigitRuns(clampingRunsAndPowers(clampingExponents(bytes)))
    }

    /// A run of more than six digits is cut to six: the lesson parser's shape
    /// products overflow on dimensions near 2⁶² (a known issue of the lessons
    /// module, bounded there).
    static func clampingDigitRuns(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var digits = 0
        for byte in bytes {
            digits = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? digits + 1 : 0
            if digits <= 6 { result.append(byte) }
        }
        return result
    }

    /// Runs of one byte longer than 32 are cut to 32, parentheses deeper than
    /// 32 are dropped, and a power's exponent (after ^) is cut to two digits:
    /// deep nesting and huge powers are bounded by the lessons module.
    static func clampingRunsAndPowers(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var run = 0
        var depth = 0
        var powerDigits: Int? = nil
        for byte in bytes {
            run = result.last == byte ? run + 1 : 1
            if run > 32 { continue }
            if byte == UInt8(ascii: "(") {
                if depth >= 32 { continue }
                depth += 1
            } else if byte == UInt8(ascii: ")") {
                depth = max(0, depth - 1)
            }
            if byte == UInt8(ascii: "^") {
                powerDigits = 0
            } else if let count = powerDigits, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                if count >= 2 { continue }
                powerDigits = count + 1
            } else if byte != UInt8(ascii: " ") {
                powerDigits = nil
            }
            result.append(byte)
        }
        return result
    }
}
