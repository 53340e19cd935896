/// Parsing of exact rationals from text: integers ("-12"), fractions ("3/7",
/// "1e-5/2"), decimals with exponents ("-1.25e-5", "760.", ".5") and C99 hex
/// floats ("0x1.8p+1", "-0x0p+0"). Each is read to its exact value; nothing is
/// rounded. Whitespace may surround the value and the "/", never split a
/// number. Values beyond `ExactLimits` are refused before they are built.
extension Rational {
    public init(parsing text: String) throws {
        var reader = NumberReader(text)
        reader.skipWhitespace()
        guard !reader.isAtEnd else {
            throw reader.unparsable("the text is empty; expected \(NumberReader.numberSyntax)")
        }
        let value = try reader.readRational(allowSign: true)
        reader.skipWhitespace()
        guard reader.isAtEnd else { throw reader.unexpected(expecting: "the end of the number") }
        self = value
    }
}
