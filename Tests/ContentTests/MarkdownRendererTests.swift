import Testing
@testable import Content

@Suite struct MarkdownRendererTests {
    @Test("Headings, emphasis and lists survive intact")
    func headingsAndLists() {
        let rendered = MarkdownRenderer.render("# Open enrolment\n\n## Dates\n\nSome *em*, **strong** and ~~old~~ text.\n\n- Medical\n- Dental\n\n1. Read\n2. Choose")
        #expect(rendered.html == "<h1>Open enrolment</h1><h2>Dates</h2><p>Some <em>em</em>, <strong>strong</strong> and <s>old</s> text.</p>"
            + "<ul><li>Medical</li><li>Dental</li></ul><ol><li>Read</li><li>Choose</li></ol>")
    }

    @Test("Links keep their URL and gain rel; images keep source and alt text")
    func linksAndImages() {
        let rendered = MarkdownRenderer.render("See [the policy](https://intranet.example/policy?a=1&b=2) or [mail us](mailto:hr@example.com).\n\n![Site map](/attachments/ab/cd/abcd.png)")
        #expect(rendered.html == "<p>See <a href=\"https://intranet.example/policy?a=1&amp;b=2\" rel=\"noopener noreferrer nofollow\">the policy</a>"
            + " or <a href=\"mailto:hr@example.com\" rel=\"noopener noreferrer nofollow\">mail us</a>.</p>"
            + "<img src=\"/attachments/ab/cd/abcd.png\" alt=\"Site map\">")
    }

    @Test("Code blocks keep their language and escape their content")
    func codeBlocks() {
        let rendered = MarkdownRenderer.render("Run `make test`:\n\n```swift\nif a < b && c > d { print(\"<ok>\") }\n```")
        #expect(rendered.html == "<p>Run <code>make test</code>:</p><pre><code class=\"language-swift\">"
            + "if a &lt; b &amp;&amp; c &gt; d { print(&quot;&lt;ok&gt;&quot;) }\n</code></pre>")
    }

    @Test("Tables keep their column alignment")
    func tables() {
        let rendered = MarkdownRenderer.render("| Plan | Cost |\n|:--|--:|\n| Basic | 10 |\n| Plus | 25 |")
        #expect(rendered.html == "<table><thead><tr><th align=\"left\">Plan</th><th align=\"right\">Cost</th></tr></thead>"
            + "<tbody><tr><td align=\"left\">Basic</td><td align=\"right\">10</td></tr>"
            + "<tr><td align=\"left\">Plus</td><td align=\"right\">25</td></tr></tbody></table>")
        #expect(rendered.plainText == "Plan | Cost\nBasic | 10\nPlus | 25")
    }

    @Test("Blockquotes, rules and line breaks survive")
    func quotesAndRules() {
        let rendered = MarkdownRenderer.render("> Safety first\n\nLine one  \nline two\n\n---\n\nEnd")
        #expect(rendered.html == "<blockquote><p>Safety first</p></blockquote><p>Line one<br>line two</p><hr><p>End</p>")
    }

    @Test("A leading front-matter-like block is kept, not swallowed as Ink metadata")
    func leadingDashes() {
        let rendered = MarkdownRenderer.render("---\nlocation: Berlin\n---\nBody")
        #expect(rendered.plainText == "location: Berlin\n\nBody")
    }

    @Test("Text that looks like a tag is shown, not lost")
    func tagLikeText() {
        let rendered = MarkdownRenderer.render("Press <Enter> to confirm & save")
        #expect(rendered.html == "<p>Press &lt;Enter&gt; to confirm &amp; save</p>")
        #expect(rendered.plainText == "Press <Enter> to confirm & save")
    }

    @Test("Plain text and word count for the length counters")
    func plainTextAndWords() {
        let rendered = MarkdownRenderer.render("# Benefits update\n\nEnrol **by Friday**.\n\n- Medical\n- Dental\n\n1. Log in\n2. Choose")
        #expect(rendered.plainText == "Benefits update\n\nEnrol by Friday.\n\n- Medical\n- Dental\n\n1. Log in\n2. Choose")
        #expect(rendered.wordCount == 10)
    }

    @Test("Text with `<p` no longer hangs Ink 0.6.0, and reads as written", arguments: [
        ("a <p", "<p>a &lt;p</p>"),
        ("\\<p>x", "<p>&lt;p&gt;x</p>"),
        ("# Use <pre> for code", "<h1>Use &lt;pre&gt; for code</h1>"),
        ("**bold <Pizza**", "<p><strong>bold &lt;Pizza</strong></p>"),
        ("| a <p |", "<table><tbody><tr><td>a &lt;p</td></tr></tbody></table>"),
        ("`<p>` in code", "<p><code>&lt;p&gt;</code> in code</p>"),
        ("```\n<p>x</p>\n```", "<pre><code>&lt;p&gt;x&lt;/p&gt;\n</code></pre>"),
        ("[a](https://x.example/<p>)", "<p><a href=\"https://x.example/&lt;p&gt;\" rel=\"noopener noreferrer nofollow\">a</a></p>"),
        ("private \u{E000}p use", "<p>private \u{FFFD}p use</p>"),
    ])
    func inkParagraphHang(_ markdown: String, _ html: String) {
        #expect(MarkdownRenderer.render(markdown).html == html)
    }

    @Test("A code-block language cannot inject attributes")
    func codeLanguageInjection() {
        let rendered = MarkdownRenderer.render("```js\" onclick=\"alert(1)\nx\n```")
        #expect(rendered.html == "<pre><code class=\"language-js\">x\n</code></pre>")
    }

    @Test("Empty Markdown renders to nothing")
    func empty() {
        #expect(MarkdownRenderer.render("  \n") == RenderedContent(html: "", plainText: "", wordCount: 0))
    }
}
