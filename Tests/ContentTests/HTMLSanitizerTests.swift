import Testing
@testable import Content

@Suite struct HTMLSanitizerTests {
    let sanitizer = HTMLSanitizer()

    @Test("Unclosed and misnested tags are closed in order")
    func closesTags() {
        #expect(sanitizer.sanitize("<p><strong>bold <em>both") == "<p><strong>bold <em>both</em></strong></p>")
        #expect(sanitizer.sanitize("<b><i>x</b> y</i>") == "<b><i>x</i></b> y")
        #expect(sanitizer.sanitize("</div>stray</p>") == "stray")
    }

    @Test("A block closes an open paragraph, and links never nest")
    func treeRules() {
        #expect(sanitizer.sanitize("<p>one<ul><li>a<li>b</ul>") == "<p>one</p><ul><li>a</li><li>b</li></ul>")
        #expect(sanitizer.sanitize("<a href=\"/a\">a<a href=\"/b\">b</a>") == "<a href=\"/a\" rel=\"noopener noreferrer nofollow\">a</a><a href=\"/b\" rel=\"noopener noreferrer nofollow\">b</a>")
    }

    @Test("Links lose target and keep a fixed rel")
    func linkRel() {
        #expect(sanitizer.sanitize("<a href=\"https://x.example\" target=\"_blank\" rel=\"opener\">x</a>")
            == "<a href=\"https://x.example\" rel=\"noopener noreferrer nofollow\">x</a>")
    }

    @Test("Attributes outside the allow-list or with bad values are dropped")
    func attributes() {
        #expect(sanitizer.sanitize("<p class=\"x\" id=\"y\" style=\"color:red\">t</p>") == "<p>t</p>")
        #expect(sanitizer.sanitize("<td align=\"CENTER\" colspan=\"2\">c</td>") == "<td align=\"center\" colspan=\"2\">c</td>")
        #expect(sanitizer.sanitize("<td align=\"justify\" colspan=\"2x\">c</td>") == "<td>c</td>")
        #expect(sanitizer.sanitize("<img src=\"/a.png\" width=\"100%\" height=\"40\" alt='a \"b\"'>") == "<img src=\"/a.png\" height=\"40\" alt=\"a &quot;b&quot;\">")
        #expect(sanitizer.sanitize("<code class=\"language-c++\">x</code><code class=\"x language-js\">y</code>") == "<code class=\"language-c++\">x</code><code>y</code>")
    }

    @Test("An image without a usable source is dropped")
    func imageWithoutSource() {
        #expect(sanitizer.sanitize("<img alt=\"x\">") == "")
        #expect(sanitizer.sanitize("<img src=\"mailto:a@b.example\">") == "")
    }

    @Test("Unknown tags are shown as text; active ones vanish with or without content")
    func refusedTags() {
        #expect(sanitizer.sanitize("<marquee>hi</marquee>") == "&lt;marquee&gt;hi&lt;/marquee&gt;")
        #expect(sanitizer.sanitize("<form><input value=1>text</form>") == "text")
        #expect(sanitizer.sanitize("a<script>x</script>b<style>p{}</style>c<svg><p>d</p></svg>e") == "abce")
        #expect(sanitizer.sanitize("<svg/>after") == "after")
        #expect(sanitizer.sanitize("<svg><svg></svg>hidden</svg>shown") == "shown")
    }

    @Test("Text is escaped, entities are decoded once and re-escaped, controls are dropped")
    func text() {
        #expect(sanitizer.sanitize("a & b < c > d \"e\" 'f'") == "a &amp; b &lt; c &gt; d &quot;e&quot; &#39;f&#39;")
        #expect(sanitizer.sanitize("&lt;b&gt; &amp;amp; &copy; &unknown; &#x1F600;") == "&lt;b&gt; &amp;amp; © &amp;unknown; 😀")
        #expect(sanitizer.sanitize("a\u{1}b\u{7F}c\0d") == "abc\u{FFFD}d")
    }

    @Test("Comments and doctypes are removed")
    func comments() {
        #expect(sanitizer.sanitize("<!DOCTYPE html>a<!-- hidden -->b<!---->c<?xml x?>d") == "abcd")
        #expect(sanitizer.sanitize("a<!-- never closed <p>b") == "a")
    }

    @Test("Deep nesting is capped so a post cannot exhaust a renderer")
    func depth() {
        let html = sanitizer.sanitize(String(repeating: "<div>", count: 500) + "x")
        #expect(html.components(separatedBy: "<div>").count - 1 == 64)
        #expect(SafeHTMLCheck.violations(html) == [])
    }
}

@Suite struct URLPolicyTests {
    @Test("Allowed link URLs", arguments: [
        "https://x.example/a?b=c#d", "http://x.example", "mailto:a@b.example", "tel:+4930123", "/attachments/ab/cd/x.png",
        "relative/page", "#section", "?q=1", "//cdn.example/x", "HTTPS://X.EXAMPLE", "  https://x.example  ",
    ])
    func allowedLinks(_ url: String) {
        #expect(URLPolicy.allowed(url, schemes: URLPolicy.linkSchemes) != nil)
    }

    @Test("Refused link URLs", arguments: [
        "javascript:alert(1)", "JavaScript:x", "java\tscript:x", "\u{1}javascript:x", "vbscript:x", "data:text/html,x",
        "file:///etc/passwd", "ftp://x.example", ":x", "java\u{FFFD}script:x", "https://x.example/\u{7}x", "jav\u{85}ascript:x",
    ])
    func refusedLinks(_ url: String) {
        #expect(URLPolicy.allowed(url, schemes: URLPolicy.linkSchemes) == nil)
    }

    @Test("Images take only http(s) and relative sources")
    func images() {
        #expect(URLPolicy.allowed("/attachments/x.png", schemes: URLPolicy.imageSchemes) == "/attachments/x.png")
        #expect(URLPolicy.allowed("data:image/png;base64,AAAA", schemes: URLPolicy.imageSchemes) == nil)
        #expect(URLPolicy.allowed("mailto:a@b.example", schemes: URLPolicy.imageSchemes) == nil)
    }
}

@Suite struct HTMLTokenizerTests {
    @Test("Tags, attributes in all quoting styles, and self-closing")
    func tags() {
        let tokens = HTMLTokenizer.tokens("<A HREF='x' title=\"t\" data-x=y checked/>")
        #expect(tokens == [.startTag(
            name: "a",
            attributes: [.init(name: "href", value: "x"), .init(name: "title", value: "t"), .init(name: "data-x", value: "y"), .init(name: "checked", value: "")],
            selfClosing: true, source: "<A HREF='x' title=\"t\" data-x=y checked/>")])
    }

    @Test("A repeated attribute keeps its first value, as browsers do")
    func duplicateAttribute() {
        #expect(HTMLTokenizer.tokens("<a href=\"/ok\" href=\"javascript:x\">") == [.startTag(name: "a", attributes: [.init(name: "href", value: "/ok")], selfClosing: false, source: "<a href=\"/ok\" href=\"javascript:x\">")])
    }

    @Test("Raw-text elements hide markup until their own end tag")
    func rawText() {
        let tokens = HTMLTokenizer.tokens("<script><b>x</b></SCRIPT >y")
        #expect(tokens.count == 4)
        #expect(tokens[1] == .text("<b>x</b>"))
        #expect(tokens[3] == .text("y"))
    }

    @Test("Entity decoding: named, numeric, legacy and refused forms")
    func entities() {
        #expect(HTMLEntities.decode("&amp;&#65;&#x42;&#67&colon;&lt") == "&ABC:<")
        #expect(HTMLEntities.decode("&#0;&#xD800;&#99999999;") == "\u{FFFD}\u{FFFD}\u{FFFD}")
        #expect(HTMLEntities.decode("?a=1&copy=2", inAttribute: true) == "?a=1&copy=2")
        #expect(HTMLEntities.decode("&nosuch; & &#;") == "&nosuch; & &#;")
    }
}

@Suite struct PlainTextTests {
    @Test("Nested lists, loose list items, preformatted text")
    func structure() {
        let text = PlainText.extract(fromHTML: "<ul><li><p>one</p></li><li>two<ol><li>a</li></ol></li></ul><pre><code>x  = 1\ny</code></pre><p>end</p>")
        #expect(text == "- one\n- two\n1. a\n\nx  = 1\ny\n\nend")
    }

    @Test("Word counts ignore punctuation-only runs")
    func words() {
        #expect(PlainText.wordCount("Hello, world — it's 2026 | ok") == 5)
        #expect(PlainText.wordCount("   ") == 0)
    }
}
