/// Turns untrusted HTML (Ink's output, which passes raw HTML through) into HTML that is safe to
/// embed in a page or an email: allow-listed elements and attributes only, safe URLs only,
/// every tag closed, all text escaped.
///
/// The output is rebuilt from tokens, never patched from the input, so nothing the tokenizer
/// did not recognise can reach it except as escaped text.
public struct HTMLSanitizer: Sendable {
    public init() {}

    public func sanitize(_ html: String) -> String {
        var output = Output()
        var skipping: (name: String, depth: Int)?
        var tokenizer = HTMLTokenizer(html)
        while let token = tokenizer.next() {
            if let skip = skipping {
                switch token {
                case .startTag(let name, _, let selfClosing, _) where name == skip.name && !selfClosing:
                    skipping?.depth += 1
                case .endTag(let name, _) where name == skip.name:
                    skipping = skip.depth == 1 ? nil : (skip.name, skip.depth - 1)
                default: break
                }
                continue
            }
            switch token {
            case .comment:
                continue
            case .text(let text):
                output.text(text)
            case .startTag(let name, let attributes, let selfClosing, let source):
                if HTMLAllowList.droppedWithContent.contains(name) {
                    // A self-closed <svg/> or <math/> is really empty; others ignore the slash.
                    if !(selfClosing && (name == "svg" || name == "math")) { skipping = (name, 1) }
                } else if let allowed = HTMLAllowList.elements[name] {
                    output.open(name, attributes: kept(attributes, of: name, allowed: allowed))
                } else if !HTMLAllowList.droppedTags.contains(name) {
                    output.text(source)
                }
            case .endTag(let name, let source):
                if HTMLAllowList.elements[name] != nil {
                    output.close(name)
                } else if !HTMLAllowList.droppedTags.contains(name) && !HTMLAllowList.droppedWithContent.contains(name) {
                    output.text(source)
                }
            }
        }
        return output.finish()
    }

    /// The attributes that survive, in a fixed order; nil drops the element (an image without
    /// a usable source).
    private func kept(_ attributes: [HTMLAttribute], of element: String, allowed: Set<String>) -> [(String, String)]? {
        var result: [(String, String)] = []
        for attribute in attributes where allowed.contains(attribute.name) {
            if let value = value(of: attribute, on: element) { result.append((attribute.name, value)) }
        }
        if element == "img", !result.contains(where: { $0.0 == "src" }) { return nil }
        if element == "a" { result.append(("rel", HTMLAllowList.linkRel)) }
        return result
    }

    private func value(of attribute: HTMLAttribute, on element: String) -> String? {
        let value = attribute.value
        switch attribute.name {
        case "href":
            return URLPolicy.allowed(value, schemes: URLPolicy.linkSchemes)
        case "src":
            return URLPolicy.allowed(value, schemes: URLPolicy.imageSchemes)
        case "align":
            let lowered = value.lowercased()
            return ["left", "center", "right"].contains(lowered) ? lowered : nil
        case "width", "height", "colspan", "rowspan", "start":
            return (1...4).contains(value.count) && value.allSatisfy(\.isASCII) && value.allSatisfy(\.isNumber) ? value : nil
        case "class":
            // Only Ink's code-block language marker, e.g. `language-swift`.
            let language = value.dropFirst("language-".count)
            let ok = value.hasPrefix("language-") && (1...30).contains(language.count)
                && language.unicodeScalars.allSatisfy { HTMLEntities.isASCIIAlphanumeric($0) || "+-_#.".unicodeScalars.contains($0) }
            return ok ? value : nil
        default:
            return value
        }
    }
}

/// The sanitised HTML being written, with the stack of open elements that keeps it well-formed.
private struct Output {
    var html = ""
    var open: [String] = []

    mutating func text(_ text: String) {
        html += HTMLEscaping.escape(text)
    }

    mutating func open(_ name: String, attributes: [(String, String)]?) {
        guard let attributes else { return }
        if HTMLAllowList.closesParagraph.contains(name), open.contains("p") { close("p") }
        if name == "a", open.contains("a") { close("a") }  // links never nest
        if name == "li", let last = open.last, last == "li" { close("li") }
        let isVoid = HTMLAllowList.voidElements.contains(name)
        guard isVoid || open.count < HTMLAllowList.maxDepth else { return }
        html += "<" + name
        for (attribute, value) in attributes {
            html += " \(attribute)=\"\(HTMLEscaping.escape(value))\""
        }
        html += ">"
        if !isVoid { open.append(name) }
    }

    /// Closes `name` and anything opened inside it; an end tag with nothing to close is dropped.
    mutating func close(_ name: String) {
        guard let index = open.lastIndex(of: name) else { return }
        for element in open[index...].reversed() { html += "</\(element)>" }
        open.removeSubrange(index...)
    }

    mutating func finish() -> String {
        for element in open.reversed() { html += "</\(element)>" }
        open.removeAll()
        return html
    }
}
