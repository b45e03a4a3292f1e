import Foundation
import Testing
@testable import Content

/// Random soups of HTML fragments: whatever the mix, the output must pass the strict check
/// and sanitising it again must change nothing. To hunt a hang, run the test binary under
/// `timeout` with FUZZ_TRACE=1 (prints each soup first) and FUZZ_SEED=<n> for other soups.
@Suite struct SanitizerFuzzTests {
    static let fragments = [
        "<", ">", "</", "/>", "\"", "'", "=", " ", "\n", "\t", "\0", "&", "&#", "&#x", ";", "&lt;", "&amp;", "&colon;", "&Tab;",
        "<!--", "-->", "--!>", "<!", "<?", "]]>", "<![CDATA[", "a", "p", "img", "a href=", "src=", "on", "onerror=", "onload",
        "javascript:", "java", "script", "<script>", "</script>", "<style>", "</style>", "<svg>", "</svg>", "<math>", "<textarea>",
        "<noscript>", "</noscript>", "<a href=\"", "<img src=", "<p>", "</p>", "<table>", "<td>", "<li>", "alert(1)", "x", "/", "\\",
        "&#106;", "&#x6A", "data:", "vbscript:", "http://", "<iframe>", "<title>", "<xmp>", "`", "\u{202E}", "é", "😀",
        // Markdown syntax, so the soups also reach Ink's block and inline parsers.
        "#", "# ", "*", "**", "_", "~~", "-", "- ", "1. ", "|", "| ", "[", "]", "(", ")", "](", "![", "```", "> ", "\n\n",
        "---", "  \n", ":", "\u{E000}", "<P", "<pre>",
    ]

    @Test("10,000 random fragment soups all come out safe and stable")
    func soups() {
        var random = SplitMix64(seed: UInt64(ProcessInfo.processInfo.environment["FUZZ_SEED"] ?? "") ?? 0x7A4D_E11A)
        for _ in 0..<10_000 {
            let soup = (0..<Int(random.next() % 24 + 1)).map { _ in Self.fragments[Int(random.next() % UInt64(Self.fragments.count))] }.joined()
            if ProcessInfo.processInfo.environment["FUZZ_TRACE"] != nil { FileHandle.standardOutput.write(Data((soup.debugDescription + "\n").utf8)) }
            let once = HTMLSanitizer().sanitize(soup)
            #expect(SafeHTMLCheck.violations(once) == [], "\(soup.debugDescription) → \(once.debugDescription)")
            #expect(HTMLSanitizer().sanitize(once) == once, "\(soup.debugDescription)")
            let rendered = MarkdownRenderer.render(soup).html
            #expect(SafeHTMLCheck.violations(rendered) == [], "markdown \(soup.debugDescription) → \(rendered.debugDescription)")
        }
    }

    /// Speed is measured by `tandem-bench post-save` (render and sanitise are part of a save), not here.
    @Test("A long post is sanitised whole")
    func largeInput() {
        let paragraph = "<p>Some <strong>bold</strong> text with a <a href=\"https://x.example/?a=1&amp;b=2\">link</a> &amp; an entity.</p>\n"
        let html = String(repeating: paragraph, count: 5_000)  // about 500 KB
        let output = HTMLSanitizer().sanitize(html)
        #expect(output.components(separatedBy: "rel=\"noopener noreferrer nofollow\"").count == 5_001, "every link kept, with rel")
        #expect(output.components(separatedBy: "<strong>bold</strong>").count == 5_001)
        let unclosed = String(repeating: "<b><!--", count: 20_000)
        #expect(HTMLSanitizer().sanitize(unclosed) == "<b></b>")  // the first comment runs to the end
    }
}

/// A small seeded generator so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
