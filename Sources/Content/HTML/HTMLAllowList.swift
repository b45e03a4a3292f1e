/// What the sanitiser keeps, drops or shows as text. See docs/CONTENT.md for the reasons.
enum HTMLAllowList {
    /// Kept elements, each with the attributes it may keep.
    static let elements: [String: Set<String>] = [
        "p": [], "br": [], "hr": [], "div": [], "span": [],
        "h1": [], "h2": [], "h3": [], "h4": [], "h5": [], "h6": [],
        "strong": [], "em": [], "b": [], "i": [], "u": [], "s": [], "del": [], "ins": [], "sub": [], "sup": [], "mark": [],
        "blockquote": [], "code": ["class"], "pre": [], "kbd": [], "abbr": ["title"],
        "ul": [], "ol": ["start"], "li": [],
        "a": ["href", "title"],
        "img": ["src", "alt", "title", "width", "height"],
        "table": [], "thead": [], "tbody": [], "tfoot": [], "tr": [],
        "th": ["align", "colspan", "rowspan"], "td": ["align", "colspan", "rowspan"],
    ]

    static let voidElements: Set<String> = ["br", "hr", "img"]

    /// Dropped together with everything inside: their content is code, or is parsed by
    /// rules (raw text, SVG/MathML) that have carried mutation XSS past other sanitisers.
    static let droppedWithContent: Set<String> = HTMLTokenizer.rawTextElements.union([
        "object", "applet", "svg", "math", "template", "select", "frameset", "head",
    ])

    /// Dropped silently, content kept: active or page-level elements an author never means as text.
    static let droppedTags: Set<String> = [
        "form", "input", "button", "embed", "link", "meta", "base", "param", "source", "track",
        "keygen", "frame", "html", "body", "option", "optgroup", "datalist", "output", "portal",
    ]

    /// Elements that close an open `p`, as the HTML tree builder does (§13.2.6.4.7), so the
    /// output parses back to the tree we built.
    static let closesParagraph: Set<String> = [
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "pre", "blockquote", "table", "hr",
    ]

    static let maxDepth = 64
    static let linkRel = "noopener noreferrer nofollow"
}
