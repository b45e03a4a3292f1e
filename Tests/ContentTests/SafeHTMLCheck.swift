/// An independent, deliberately strict reader of sanitiser output. It does not use the
/// sanitiser's tokenizer: output that only this simple grammar accepts cannot hide markup.
enum SafeHTMLCheck {
    static let elements: [String: Set<String>] = [
        "p": [], "br": [], "hr": [], "div": [], "span": [], "h1": [], "h2": [], "h3": [], "h4": [], "h5": [], "h6": [],
        "strong": [], "em": [], "b": [], "i": [], "u": [], "s": [], "del": [], "ins": [], "sub": [], "sup": [], "mark": [],
        "blockquote": [], "code": ["class"], "pre": [], "kbd": [], "abbr": ["title"], "ul": [], "ol": ["start"], "li": [],
        "a": ["href", "title", "rel"], "img": ["src", "alt", "title", "width", "height"],
        "table": [], "thead": [], "tbody": [], "tfoot": [], "tr": [],
        "th": ["align", "colspan", "rowspan"], "td": ["align", "colspan", "rowspan"],
    ]
    static let void: Set<String> = ["br", "hr", "img"]

    /// Every reason the HTML is not plainly safe; empty when it is.
    static func violations(_ html: String) -> [String] {
        var problems: [String] = []
        if html.lowercased().contains("<script") { problems.append("contains <script") }
        var open: [String] = []
        var rest = Substring(html)
        while let index = rest.firstIndex(where: { $0 == "<" || $0 == ">" || $0 == "&" }) {
            rest = rest[index...]
            switch rest.first {
            case ">":
                problems.append("bare '>' outside a tag")
                rest = rest.dropFirst()
            case "&":
                if let match = rest.prefixMatch(of: /&(amp|lt|gt|quot|#39);/) {
                    rest = rest[match.range.upperBound...]
                } else {
                    problems.append("bare '&' at \(rest.prefix(12))")
                    rest = rest.dropFirst()
                }
            default:
                guard let tag = rest.prefixMatch(of: /<(\/?)([a-z][a-z0-9]*)((?: [a-z]+="[^"<>]*")*)>/) else {
                    problems.append("malformed markup at \(rest.prefix(20))")
                    rest = rest.dropFirst()
                    continue
                }
                rest = rest[tag.range.upperBound...]
                let name = String(tag.output.2)
                guard let allowed = elements[name] else {
                    problems.append("element <\(name)> not allowed")
                    continue
                }
                if !tag.output.1.isEmpty {
                    if open.last == name { open.removeLast() } else { problems.append("</\(name)> does not close \(open.last ?? "nothing")") }
                    continue
                }
                if !void.contains(name) { open.append(name) }
                for attribute in String(tag.output.3).matches(of: /([a-z]+)="([^"]*)"/) {
                    let attributeName = String(attribute.output.1)
                    let value = decode(String(attribute.output.2))
                    if attributeName.hasPrefix("on") { problems.append("event handler \(attributeName)") }
                    if !allowed.contains(attributeName) { problems.append("attribute \(attributeName) on <\(name)>") }
                    if attributeName == "href" || attributeName == "src", isDangerousURL(value) {
                        problems.append("dangerous URL \(value.debugDescription)")
                    }
                }
            }
        }
        if !open.isEmpty { problems.append("unclosed \(open)") }
        return problems
    }

    static func decode(_ value: String) -> String {
        value.replacing("&lt;", with: "<").replacing("&gt;", with: ">").replacing("&quot;", with: "\"")
            .replacing("&#39;", with: "'").replacing("&amp;", with: "&")
    }

    /// What a browser would run: whitespace and controls removed, case folded, then the scheme.
    static func isDangerousURL(_ value: String) -> Bool {
        let squeezed = String(String.UnicodeScalarView(value.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F })).lowercased()
        return ["javascript:", "vbscript:", "data:", "livescript:"].contains { squeezed.hasPrefix($0) }
    }
}
