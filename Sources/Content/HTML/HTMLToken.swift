/// One piece of HTML as a browser's tokenizer sees it (WHATWG HTML §13.2.5, simplified).
enum HTMLToken: Equatable, Sendable {
    /// Text with character references already decoded.
    case text(String)
    /// `source` is the tag exactly as written, for showing a refused tag as text.
    case startTag(name: String, attributes: [HTMLAttribute], selfClosing: Bool, source: String)
    case endTag(name: String, source: String)
    /// Comments, doctypes, processing instructions and bogus comments: never kept.
    case comment
}

struct HTMLAttribute: Equatable, Sendable {
    /// Lower-cased.
    let name: String
    /// References decoded.
    let value: String
}
