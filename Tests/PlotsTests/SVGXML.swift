import Foundation
import XCTest

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// An SVG document read back with Foundation's XML parser: the elements in
/// document order with their attributes, text and enclosing group ids.
final class SVGXML: NSObject, XMLParserDelegate {
    struct Element {
        let name: String
        let attributes: [String: String]
        /// Ids of the enclosing elements, outermost first.
        let ancestors: [String]
        var text = ""
    }

    private(set) var elements: [Element] = []
    private var stack: [Int] = []
    private(set) var error: Error?
    private(set) var doctype = false

    /// Parses, failing the test on malformed XML.
    static func parse(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> SVGXML {
        let document = SVGXML()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = document
        parser.shouldResolveExternalEntities = false
        let ok = parser.parse()
        XCTAssertTrue(ok, "not well-formed XML: \(String(describing: parser.parserError))", file: file, line: line)
        return document
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        let ancestors = stack.compactMap { elements[$0].attributes["id"] }
        elements.append(Element(name: elementName, attributes: attributes, ancestors: ancestors))
        stack.append(elements.count - 1)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        // Text belongs to the innermost open <text> (a <tspan> adds to its parent too).
        for index in stack.reversed() where elements[index].name == "text" {
            elements[index].text += string
            break
        }
    }

    func named(_ name: String) -> [Element] { elements.filter { $0.name == name } }

    func inside(_ id: String) -> [Element] { elements.filter { $0.ancestors.contains(id) } }

    func texts() -> [String] { named("text").map(\.text) }
}

/// Path data "M x y L x y …" → points.
func pathPoints(_ d: String) -> [(Double, Double)] {
    var points: [(Double, Double)] = []
    for command in d.split(whereSeparator: { $0 == "M" || $0 == "L" }) {
        let numbers = command.split(separator: " ").compactMap { Double($0) }
        if numbers.count == 2 { points.append((numbers[0], numbers[1])) }
    }
    return points
}
