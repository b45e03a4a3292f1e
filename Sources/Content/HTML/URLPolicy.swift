/// Which URLs may appear in `href` and `src`.
///
/// The value is judged after the tokenizer has decoded references, and after the clean-up a
/// browser's URL parser does itself (WHATWG URL §4.4: leading/trailing C0 controls and spaces
/// trimmed, tabs and newlines removed anywhere), so `jav&#x09;ascript:` is seen as `javascript:`.
enum URLPolicy {
    static let linkSchemes: Set<String> = ["http", "https", "mailto", "tel"]
    /// `data:` is refused for images too: images belong in attachments, where they are
    /// type- and size-checked, and data URLs bloat posts and are blocked by many mail clients.
    static let imageSchemes: Set<String> = ["http", "https"]

    /// The URL to keep, or nil to drop the attribute.
    static func allowed(_ raw: String, schemes: Set<String>) -> String? {
        let url = browserNormalised(raw)
        // Any other control character is never legitimate in a URL we show.
        guard !url.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) else { return nil }
        guard let scheme = scheme(of: url) else { return url }
        return schemes.contains(scheme) ? url : nil
    }

    static func browserNormalised(_ raw: String) -> String {
        let isTrimmed: (Unicode.Scalar) -> Bool = { $0.value <= 0x20 }
        var scalars = Substring(raw).unicodeScalars
        while let first = scalars.first, isTrimmed(first) { scalars.removeFirst() }
        while let last = scalars.last, isTrimmed(last) { scalars.removeLast() }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars.filter { $0 != "\t" && $0 != "\n" && $0 != "\r" })
        return String(out)
    }

    /// The lower-cased text before the first `:` when no `/`, `?` or `#` comes first; nil for a
    /// relative URL. Text before `:` that is not a valid scheme name is returned as-is, so it
    /// is refused rather than guessed about.
    static func scheme(of url: String) -> String? {
        for (index, c) in url.unicodeScalars.enumerated() {
            switch c {
            case ":": return index == 0 ? ":" : String(String.UnicodeScalarView(url.unicodeScalars.prefix(index))).lowercased()
            case "/", "?", "#", "\\": return nil
            default: continue
            }
        }
        return nil
    }
}
