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
        let html = HTMLSanitizer().sanitize(InkWorkarounds.html(from: markdown))
        let text = PlainText.extract(fromHTML: html)
        let words = PlainText.wordCount(PlainText.extract(fromHTML: html, listMarkers: false))
        return RenderedContent(html: html, plainText: text, wordCount: words)
    }
}

/// Ink 0.6.0 problems that input alone can trigger, worked around before and after it runs.
enum InkWorkarounds {
    /// Stands in for a `<` that Ink must not see; from Unicode's private use area.
    static let placeholder: Character = "\u{E000}"

    static func html(from markdown: String) -> String {
        // 1. Ink loops forever, allocating without bound, on `<p` or `<P` that does not open a
        //    complete block-level tag (`a <p`, `\<p>`, `# <pre`). Hide every such `<` behind the
        //    placeholder and turn it back into `&lt;` afterwards: correct in text, in code
        //    (which Ink escapes the same way) and in URLs. Raw `<p>`/`<pre>` tags therefore
        //    show as text, which costs an author little.
        var source = markdown.replacing(String(placeholder), with: "\u{FFFD}")
        source = source.replacing("<p", with: "\(placeholder)p").replacing("<P", with: "\(placeholder)P")
        // 2. Ink reads a leading `---` block of `key: value` lines as metadata and drops it; a post
        //    has no metadata, so an empty comment first keeps that text (the sanitiser drops it).
        if source.drop(while: \.isWhitespace).hasPrefix("-") { source = "<!-- -->\n" + source }
        return MarkdownParser().html(from: source).replacing(String(placeholder), with: "&lt;")
    }
}
