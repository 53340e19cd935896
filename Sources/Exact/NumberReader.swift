internal import CGMP

/// Reads exact numbers from the UTF-8 bytes of a text, for `Rational(parsing:)`
/// and the `Surd` parser: integers ("-12"), fractions ("3/7"), decimals with
/// exponents ("-1.25e-5", "760.", ".5") and C99 hex floats ("0x1.8p+1",
/// "-0x0p+0"), each to its exact value.
///
/// Every number is measured before it is built: its written exponent against
/// `ExactLimits.decimalExponent` / `binaryExponent`, and the bits of the
/// integers it implies, summed over the whole text, against
/// `ExactLimits.bitsPerValue`. Errors name the whole text (`text`), escaped.
struct NumberReader {
    /// The whole input, as errors quote it.
    let text: String
    private let bytes: [UInt8]
    var position = 0
    /// Bits of every integer built so far from this text.
    private(set) var bitsUsed = 0

    init(_ text: String) {
        self.text = text
        bytes = Array(text.utf8)
    }

    var isAtEnd: Bool { position >= bytes.count }

    var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func skipWhitespace() {
        while let byte = current, byte == .space || byte == .tab || byte == .newline || byte == .carriageReturn {
            position += 1
        }
    }

    /// Consumes `byte` if it comes next.
    mutating func consume(_ byte: UInt8) -> Bool {
        guard current == byte else { return false }
        position += 1
        return true
    }

    /// Consumes an ASCII word, in any letter case, if it comes next.
    mutating func consumeWord(_ word: String) -> Bool {
        let letters = Array(word.utf8)
        guard position + letters.count <= bytes.count else { return false }
        for (offset, letter) in letters.enumerated() where bytes[position + offset] | 0x20 != letter | 0x20 {
            return false
        }
        position += letters.count
        return true
    }

    // MARK: - Errors

    func unparsable(_ reason: String) -> ExactError { .unparsable(text, reason: reason) }

    /// "unexpected "x" at position 3; expected …" for what stands at the
    /// current position ("end of input" past the end).
    func unexpected(expecting expectation: String) -> ExactError {
        guard !isAtEnd else { return unparsable("unexpected end of input; expected \(expectation)") }
        // The 1-based position counts characters (Unicode scalars), not bytes.
        let column = bytes[..<position].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
        let scalar = String(decoding: bytes[position...].prefix(4), as: UTF8.self).unicodeScalars.first ?? "?"
        let found = escaped(String(scalar), keeping: 1)
        return unparsable("unexpected \"\(found)\" at position \(column); expected \(expectation)")
    }

    static let numberSyntax = "a number (integer, p/q, decimal like 1.25e-5, or hex float like 0x1.8p+1)"

    // MARK: - Rationals

    /// sign? number (ws "/" ws sign? number)?; `allowSign` permits the leading sign.
    mutating func readRational(allowSign: Bool) throws -> Rational {
        let negative = allowSign ? consumeSign() : false
        var value = try readUnsignedNumber()
        let afterNumber = position
        skipWhitespace()
        if consume(.slash) {
            skipWhitespace()
            let negativeDenominator = consumeSign()
            let denominator = try readUnsignedNumber()
            guard !denominator.isZero else { throw ExactError.divisionByZero(text) }
            value = value / denominator
            if negativeDenominator { value = -value }
        } else {
            position = afterNumber
        }
        return negative ? -value : value
    }

    /// Consumes "+" or "-"; true for "-".
    mutating func consumeSign() -> Bool {
        if consume(.minus) { return true }
        _ = consume(.plus)
        return false
    }

    /// One unsigned integer, decimal or hex float.
    mutating func readUnsignedNumber() throws -> Rational {
        if let byte = current, byte | 0x20 == UInt8(ascii: "i") || byte | 0x20 == UInt8(ascii: "n") {
            let start = position
            if consumeWord("infinity") || consumeWord("inf") || consumeWord("nan"),
                !(current?.isASCIILetterOrDigit ?? false)
            {
                throw ExactError.notFinite(text)
            }
            position = start
        }
        if current == .zero, position + 1 < bytes.count, bytes[position + 1] | 0x20 == UInt8(ascii: "x") {
            position += 2
            return try readDigitsAndExponent(base: 16)
        }
        return try readDigitsAndExponent(base: 10)
    }

    /// digits ["." digits] [marker sign? digits], at least one digit before
    /// or after the point; the marker is "e" for decimals, "p" (a power of
    /// two) for hex floats.
    private mutating func readDigitsAndExponent(base: Int) throws -> Rational {
        let isDigit: (UInt8) -> Bool = base == 16 ? { $0.isASCIIHexDigit } : { $0.isASCIIDigit }
        let integerStart = position
        while let byte = current, isDigit(byte) { position += 1 }
        let integerEnd = position
        var fractionStart = position
        var fractionEnd = position
        if consume(.period) {
            fractionStart = position
            while let byte = current, isDigit(byte) { position += 1 }
            fractionEnd = position
        }
        guard integerEnd > integerStart || fractionEnd > fractionStart else {
            throw base == 16
                ? unexpected(expecting: "hex digits after \"0x\"")
                : unexpected(expecting: NumberReader.numberSyntax)
        }
        var exponent = 0
        if let byte = current, byte | 0x20 == (base == 16 ? UInt8(ascii: "p") : UInt8(ascii: "e")) {
            position += 1
            exponent = try readExponent(marker: byte, base: base == 16 ? 2 : 10)
        }
        // The significant digits, without leading and trailing zeros; each
        // dropped trailing zero raises the scale by one digit.
        var digits = Array(bytes[integerStart..<integerEnd]) + Array(bytes[fractionStart..<fractionEnd])
        var scale = -(fractionEnd - fractionStart)
        while digits.last == .zero {
            digits.removeLast()
            scale += 1
        }
        guard let firstNonZero = digits.firstIndex(where: { $0 != .zero }) else { return .zero }
        digits.removeFirst(firstNonZero)
        // value = digits · base^scale · (10 or 2)^exponent
        if base == 16 {
            let twos = 4 * scale + exponent
            try charge(bits: 4 * digits.count + abs(twos))
            return Rational(significand(digits, radix: 16)).timesPowerOfTwo(twos)
        }
        let tens = scale + exponent
        try charge(bits: NumberReader.bits(decimalDigits: digits.count + max(tens, 0) + max(-tens, 0)))
        let power = BigInt.make { __gmpz_ui_pow_ui($0, 10, UInt(abs(tens))) }
        let integer = significand(digits, radix: 10)
        return tens >= 0
            ? Rational(integer * power) : Rational(uncheckedNumerator: integer, denominator: power)
    }

    /// sign? digits after the exponent marker, within the exponent limit.
    private mutating func readExponent(marker: UInt8, base: Int) throws -> Int {
        let start = position
        let negative = consumeSign()
        let digitStart = position
        while let byte = current, byte.isASCIIDigit { position += 1 }
        guard position > digitStart else {
            let markerText = String(UnicodeScalar(marker))
            throw unexpected(expecting: "digits after the exponent marker \"\(markerText)\"")
        }
        let significant = bytes[digitStart..<position].drop { $0 == .zero }
        let limit = base == 2 ? ExactLimits.binaryExponent : ExactLimits.decimalExponent
        // Nine digits fit any Int; more are beyond every limit anyway.
        let magnitude = significant.count > 9 ? Int.max : significant.reduce(0) { $0 * 10 + Int($1 - .zero) }
        guard magnitude <= limit else {
            let written = String(decoding: bytes[start..<position], as: UTF8.self)
            throw ExactError.exponentBeyondLimit(text, exponent: written, base: base)
        }
        return negative ? -magnitude : magnitude
    }

    /// The integer with these ASCII digits (no leading zero, at least one digit).
    private func significand(_ digits: [UInt8], radix: Int) -> BigInt {
        if digits.count <= (radix == 16 ? 15 : 18) {
            let value = digits.reduce(UInt(0)) { $0 * UInt(radix) + UInt($1.asciiDigitValue) }
            return BigInt(value)
        }
        return BigInt.make { z in
            (digits + [0]).withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { _ = __gmpz_set_str(z, $0.baseAddress, Int32(radix)) }
            }
        }
    }

    // MARK: - The size limit

    /// Counts `bits` against `ExactLimits.bitsPerValue` before they are built.
    mutating func charge(bits: Int) throws {
        bitsUsed += bits
        guard bitsUsed <= ExactLimits.bitsPerValue else { throw ExactError.beyondSizeLimit(text, bits: bitsUsed) }
    }

    /// An upper bound on the bits of an integer with `count` decimal digits.
    static func bits(decimalDigits count: Int) -> Int {
        // log2(10) < 3.322; count is at most the length of a text, far from overflow.
        (count * 3322 + 999) / 1000
    }
}

extension UInt8 {
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let slash = UInt8(ascii: "/")
    static let minus = UInt8(ascii: "-")
    static let plus = UInt8(ascii: "+")
    static let period = UInt8(ascii: ".")
    static let zero = UInt8(ascii: "0")
    static let star = UInt8(ascii: "*")
    static let openParenthesis = UInt8(ascii: "(")
    static let closeParenthesis = UInt8(ascii: ")")

    var isASCIIDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }

    var isASCIIHexDigit: Bool {
        isASCIIDigit || (self | 0x20 >= UInt8(ascii: "a") && self | 0x20 <= UInt8(ascii: "f"))
    }

    var isASCIILetterOrDigit: Bool {
        isASCIIDigit || (self | 0x20 >= UInt8(ascii: "a") && self | 0x20 <= UInt8(ascii: "z"))
    }

    /// 0…35 for an ASCII digit or letter (digits, then a or A = 10 …).
    var asciiDigitValue: UInt8 { isASCIIDigit ? self - UInt8(ascii: "0") : (self | 0x20) - UInt8(ascii: "a") + 10 }
}
