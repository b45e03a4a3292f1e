/// Splits HTML into tokens the way a browser's tokenizer does, closely enough that the
/// sanitiser judges the same tags and attribute values the browser would build.
///
/// Where it differs from a browser, the sanitiser stays safe anyway: it re-serialises from these
/// tokens, escaping all text and quoting all values, so its output never depends on a quirk.
struct HTMLTokenizer {
    /// Elements whose content is raw text up to the matching end tag (§13.2.5.2–5).
    static let rawTextElements: Set<String> = [
        "script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "textarea", "title",
    ]

    private let input: [Unicode.Scalar]
    private var position = 0

    init(_ html: String) {
        // NUL becomes U+FFFD everywhere, as browsers do, so `jav\0ascript:` cannot hide a scheme.
        input = html.unicodeScalars.map { $0 == "\0" ? "\u{FFFD}" : $0 }
    }

    static func tokens(_ html: String) -> [HTMLToken] {
        var tokenizer = HTMLTokenizer(html)
        var tokens: [HTMLToken] = []
        while let token = tokenizer.next() { tokens.append(token) }
        return tokens
    }

    private var pendingRawText: String?

    mutating func next() -> HTMLToken? {
        if let name = pendingRawText {
            pendingRawText = nil
            return rawText(until: name)
        }
        guard position < input.count else { return nil }
        if input[position] == "<", let token = markup() {
            // Browsers ignore a `/` on these, so `<script/>` still opens raw text.
            if case .startTag(let name, _, _, _) = token {
                if name == "plaintext" {
                    pendingRawText = ""
                } else if Self.rawTextElements.contains(name) {
                    pendingRawText = name
                }
            }
            return token
        }
        return text()
    }

    // MARK: - Text

    private mutating func text() -> HTMLToken {
        let start = position
        position += 1  // a `<` that starts no markup is text
        while position < input.count, input[position] != "<" { position += 1 }
        return .text(HTMLEntities.decode(string(start..<position)))
    }

    /// Everything up to `</name` followed by a tag-ending character; `""` means to the end.
    private mutating func rawText(until name: String) -> HTMLToken {
        let start = position
        let closing = Array("</\(name)".unicodeScalars)
        while position < input.count {
            if !name.isEmpty, matchesIgnoringCase(closing, at: position) {
                let after = position + closing.count
                if after >= input.count || isTagEnd(input[after]) { break }
            }
            position += 1
        }
        return .text(string(start..<position))
    }

    // MARK: - Markup

    /// A tag or comment at `position` (which holds `<`), or nil when the `<` is plain text.
    private mutating func markup() -> HTMLToken? {
        let start = position
        guard start + 1 < input.count else { return nil }
        let next = input[start + 1]
        if next == "!" {
            position += 2
            if matches("--") { comment() } else { skipBogusComment() }
            return .comment
        }
        if next == "?" {
            position += 1
            skipBogusComment()
            return .comment
        }
        if next == "/" {
            guard start + 2 < input.count else { return nil }
            if input[start + 2] == ">" {  // `</>` is dropped
                position += 3
                return .comment
            }
            guard isASCIILetter(input[start + 2]) else {
                position += 2
                skipBogusComment()
                return .comment
            }
            position += 2
            let name = tagName()
            // Attributes on an end tag are parsed and thrown away.
            _ = attributes()
            guard consumeTagEnd() else { position = input.count; return .comment }
            return .endTag(name: name, source: string(start..<position))
        }
        guard isASCIILetter(next) else { return nil }
        position += 1
        let name = tagName()
        let (attributes, selfClosing) = self.attributes()
        // A tag cut off by the end of input is dropped, as browsers do.
        guard consumeTagEnd() else { position = input.count; return .comment }
        return .startTag(name: name, attributes: attributes, selfClosing: selfClosing, source: string(start..<position))
    }

    /// `<!--` … `-->`. `<!-->` and `<!--->` end at once; `--!>` also ends one (§13.2.5.43–52).
    private mutating func comment() {
        position += 2
        if matches(">") { position += 1; return }
        if matches("->") { position += 2; return }
        while position < input.count {
            if matches("-->") { position += 3; return }
            if matches("--!>") { position += 4; return }
            position += 1
        }
    }

    private mutating func skipBogusComment() {
        while position < input.count, input[position] != ">" { position += 1 }
        position = min(position + 1, input.count)
    }

    private mutating func tagName() -> String {
        let start = position
        while position < input.count, !isTagEnd(input[position]) { position += 1 }
        return lowercased(start..<position)
    }

    /// Attributes up to, not including, the closing `>`; a repeated name keeps its first value.
    private mutating func attributes() -> ([HTMLAttribute], Bool) {
        var result: [HTMLAttribute] = []
        var seen = Set<String>()
        var selfClosing = false
        while position < input.count {
            let c = input[position]
            if isSpace(c) { position += 1; continue }
            if c == ">" { break }
            if c == "/" {
                position += 1
                selfClosing = position < input.count && input[position] == ">"
                continue
            }
            selfClosing = false
            let nameStart = position
            position += 1  // the first character may be `=`
            while position < input.count, !isSpace(input[position]), !"/>=".unicodeScalars.contains(input[position]) { position += 1 }
            let name = lowercased(nameStart..<position)
            skipSpaces()
            var value = ""
            if position < input.count, input[position] == "=" {
                position += 1
                skipSpaces()
                value = attributeValue()
            }
            if seen.insert(name).inserted { result.append(HTMLAttribute(name: name, value: value)) }
        }
        return (result, selfClosing)
    }

    private mutating func attributeValue() -> String {
        guard position < input.count else { return "" }
        let quote = input[position]
        if quote == "\"" || quote == "'" {
            position += 1
            let start = position
            while position < input.count, input[position] != quote { position += 1 }
            let raw = string(start..<position)
            position = min(position + 1, input.count)
            return HTMLEntities.decode(raw, inAttribute: true)
        }
        let start = position
        while position < input.count, !isSpace(input[position]), input[position] != ">" { position += 1 }
        return HTMLEntities.decode(string(start..<position), inAttribute: true)
    }

    private mutating func consumeTagEnd() -> Bool {
        guard position < input.count, input[position] == ">" else { return false }
        position += 1
        return true
    }

    private mutating func skipSpaces() {
        while position < input.count, isSpace(input[position]) { position += 1 }
    }

    // MARK: - Characters

    private func matches(_ literal: String) -> Bool {
        matchesIgnoringCase(Array(literal.unicodeScalars), at: position)
    }

    private func matchesIgnoringCase(_ literal: [Unicode.Scalar], at index: Int) -> Bool {
        guard index + literal.count <= input.count else { return false }
        for (offset, c) in literal.enumerated() where lower(input[index + offset]) != lower(c) { return false }
        return true
    }

    private func string(_ range: Range<Int>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: input[range])
        return String(view)
    }

    private func lowercased(_ range: Range<Int>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: input[range].map(lower))
        return String(view)
    }

    /// ASCII-only lower-casing, as the tokenizer specifies (`<ſcript>` is not `<script>`).
    private func lower(_ c: Unicode.Scalar) -> Unicode.Scalar {
        ("A"..."Z").contains(c) ? Unicode.Scalar(c.value + 32)! : c
    }

    private func isASCIILetter(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) }
    /// HTML whitespace: tab, LF, FF, CR, space.
    private func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" }
    private func isTagEnd(_ c: Unicode.Scalar) -> Bool { isSpace(c) || c == "/" || c == ">" }
}
