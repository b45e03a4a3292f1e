import Ink

/// A post body rendered once, on save, for every channel to reuse.
public struct RenderedContent: Sendable, Equatable {
    /// Sanitised HTML, safe to embed as-is.
    public let html: String
    public let plainText: String
    public let wordCount: Int
}

/// Markdown to safe HTML: Ink renders (passing any raw HTML through), then `HTMLSanitizer` cleans.
public enum MarkdownRenderer {
    public static func render(_ markdown: String) -> RenderedContent {
        // Ink reads a leading `---` block of `key: value` lines as metadata and drops it; a post
        // has no metadata, so an empty comment first keeps that text (the sanitiser drops it).
        let source = markdown.drop(while: \.isWhitespace).hasPrefix("-") ? "<!-- -->\n" + markdown : markdown
        let html = HTMLSanitizer().sanitize(MarkdownParser().html(from: source))
        let text = PlainText.extract(fromHTML: html)
        let words = PlainText.wordCount(PlainText.extract(fromHTML: html, listMarkers: false))
        return RenderedContent(html: html, plainText: text, wordCount: words)
    }
}
