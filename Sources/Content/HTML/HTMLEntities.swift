/// Character references (WHATWG HTML §13.2.5.72–80), for text and attribute values.
///
/// Only a common subset of named references is known. That is safe: the sanitiser re-escapes
/// every `&` it leaves undecoded, so a browser sees the same literal text we checked.
enum HTMLEntities {
    static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}",
        "colon": ":", "semi": ";", "comma": ",", "period": ".", "excl": "!", "quest": "?",
        "sol": "/", "bsol": "\\", "lpar": "(", "rpar": ")", "lsqb": "[", "rsqb": "]",
        "lcub": "{", "rcub": "}", "num": "#", "percnt": "%", "equals": "=", "plus": "+",
        "Tab": "\t", "NewLine": "\n", "grave": "`", "Hat": "^", "lowbar": "_", "verbar": "|",
        "copy": "©", "reg": "®", "trade": "™", "hellip": "…", "mdash": "—", "ndash": "–",
        "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”", "laquo": "«", "raquo": "»",
        "bull": "•", "middot": "·", "deg": "°", "plusmn": "±", "times": "×", "divide": "÷",
        "euro": "€", "pound": "£", "yen": "¥", "cent": "¢", "sect": "§", "para": "¶",
        "shy": "\u{AD}", "zwj": "\u{200D}", "zwnj": "\u{200C}", "larr": "←", "rarr": "→",
        "uarr": "↑", "darr": "↓", "check": "✓", "auml": "ä", "ouml": "ö", "uuml": "ü",
        "Auml": "Ä", "Ouml": "Ö", "Uuml": "Ü", "szlig": "ß", "eacute": "é", "egrave": "è",
        "aacute": "á", "agrave": "à", "ccedil": "ç", "ntilde": "ñ", "oacute": "ó", "iacute": "í",
        "uacute": "ú", "ecirc": "ê", "acirc": "â", "ocirc": "ô",
    ]

    /// Names a browser also accepts without the `;` (the legacy subset that matters here).
    static let legacyWithoutSemicolon: Set<String> = ["amp", "lt", "gt", "quot", "nbsp", "copy", "reg"]

    /// Decodes the references in `text`. In attribute values, a legacy name followed by `=` or an
    /// alphanumeric stays literal, as browsers do (so `?a=1&copy=2` keeps its query).
    static func decode(_ text: some StringProtocol, inAttribute: Bool = false) -> String {
        guard text.contains("&") else { return String(text) }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            guard scalars[i] == "&", let (decoded, length) = reference(in: scalars, at: i, inAttribute: inAttribute) else {
                out.append(scalars[i])
                i += 1
                continue
            }
            out.append(contentsOf: decoded.unicodeScalars)
            i += length
        }
        return String(out)
    }

    /// The reference starting at `start` (which holds `&`): its text and how many scalars it spans.
    private static func reference(in s: [Unicode.Scalar], at start: Int, inAttribute: Bool) -> (String, Int)? {
        var i = start + 1
        guard i < s.count else { return nil }
        if s[i] == "#" {
            i += 1
            var hex = false
            if i < s.count, s[i] == "x" || s[i] == "X" { hex = true; i += 1 }
            let digitsStart = i
            var value: UInt32 = 0
            while i < s.count, let digit = digitValue(s[i], hex: hex) {
                // Saturate: anything past U+10FFFF becomes U+FFFD anyway.
                value = min(value &* (hex ? 16 : 10) &+ digit, 0x110000)
                i += 1
            }
            guard i > digitsStart else { return nil }
            if i < s.count, s[i] == ";" { i += 1 }
            return (String(numericScalar(value)), i - start)
        }
        var name = ""
        while i < s.count, isASCIIAlphanumeric(s[i]) {
            name.unicodeScalars.append(s[i])
            i += 1
            if name.count > 32 { return nil }
        }
        guard !name.isEmpty else { return nil }
        if i < s.count, s[i] == ";", let value = named[name] {
            return (value, i + 1 - start)
        }
        // Legacy references without `;`: the longest known prefix of the name.
        for prefix in legacyWithoutSemicolon where name.hasPrefix(prefix) {
            let end = start + 1 + prefix.count
            if inAttribute, end < s.count, s[end] == "=" || isASCIIAlphanumeric(s[end]) {
                return nil
            }
            return (named[prefix]!, prefix.count + 1)
        }
        return nil
    }

    static func isASCIIAlphanumeric(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
    }

    private static func digitValue(_ c: Unicode.Scalar, hex: Bool) -> UInt32? {
        switch c {
        case "0"..."9": c.value - 48
        case "a"..."f" where hex: c.value - 87
        case "A"..."F" where hex: c.value - 55
        default: nil
        }
    }

    /// Numeric references mapped as browsers map them: no NUL, no surrogates, nothing past U+10FFFF.
    private static func numericScalar(_ value: UInt32) -> Character {
        if value == 0 || value > 0x10FFFF || (0xD800...0xDFFF).contains(value) { return "\u{FFFD}" }
        // Windows-1252 remapping of 0x80–0x9F (§13.2.5.80) is skipped: those land as C1 controls,
        // which the URL check refuses and text output escapes.
        return Character(Unicode.Scalar(value)!)
    }
}
