import Testing
@testable import Content

/// Classic payloads in the style of the OWASP XSS filter-evasion cheat sheet, written for this
/// suite. Each goes through the sanitiser alone and through the whole Markdown pipeline.
let xssCorpus: [String] = [
    // Script elements
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//xss.example/xss.js></SCRIPT>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<script/src=\"//xss.example/a.js\">",
    "<scr<script>ipt>alert(1)</script>",
    "<<script>alert(1);//<</script>",
    "<scr\0ipt>alert(1)</scr\0ipt>",
    "\"><script>alert(1)</script>",
    "</p><script>alert(1)</script>",
    "<script>alert(1)",
    // Event handlers
    "<img src=x onerror=alert(1)>",
    "<img src=\"x\" onerror  =  \"alert(1)\">",
    "<IMG SRC=x ONERROR=alert(1)>",
    "<img src=x onerror=alert(1)//",
    "<img \"\"\"><script>alert(1)</script>\">",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<a href=\"https://ok.example\" onclick=\"alert(1)\">x</a>",
    "<a href='x' title=\"a\" onmouseover='alert(1)'>unclosed",
    "<p onmouseover=alert(1)>x</p>",
    "<body onload=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=\"alert(1)\"></video>",
    "<a/href=\"https://ok.example\"/onclick=alert(1)>x</a>",
    // javascript: URLs, plain and obfuscated
    "<IMG SRC=javascript:alert('XSS')>",
    "<img src=JaVaScRiPt:alert(1)>",
    "<img src=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)>",
    "<img src=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)>",
    "<img src=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "<a href=\"jav&#x0A;ascript:alert(1)\">x</a>",
    "<a href=\"jav&#x0D;ascript:alert(1)\">x</a>",
    "<a href=\"jav\tascript:alert(1)\">x</a>",
    "<a href=\" &#14;  javascript:alert(1)\">x</a>",
    "<a href=\"java\0script:alert(1)\">x</a>",
    "<a href=\"javascript&colon;alert(1)\">x</a>",
    "<a href=\"java&Tab;script:alert(1)\">x</a>",
    "<a href=\"java&NewLine;script:alert(1)\">x</a>",
    "<a href=javascript&#58alert(1)>x</a>",
    "<a href=\"&#x6a;avascript:alert(1)\">x</a>",
    "<a href=\"&#106avascript:alert(1)\">x</a>",
    "<a href=\"javas&#99;ript:alert(1)\">x</a>",
    "<a href=\"JAVASCRIPT:alert(1)\">x</a>",
    "<a href=\"\u{1}javascript:alert(1)\">x</a>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">",
    "<a href=\"livescript:alert(1)\">x</a>",
    // Foreign content, frames and plugins
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\">",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><button>go</button></form>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "<link rel=stylesheet href=\"javascript:alert(1)\">",
    "<table background=\"javascript:alert(1)\"><tr><td background=\"javascript:alert(1)\">x</td></tr></table>",
    // Styles
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<style>@import 'javascript:alert(1)';</style>",
    "<p style=\"x:expression(alert(1))\">x</p>",
    // Comments and raw-text tricks
    "<!--><script>alert(1)</script>-->",
    "<!---><script>alert(1)</script>-->",
    "<!-- --!><script>alert(1)</script> -->",
    "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<title><img src=x onerror=alert(1)></title>",
    "<xmp><img src=x onerror=alert(1)></xmp>",
    "<textarea></textarea><script>alert(1)</script>",
    "<? <script>alert(1)</script> ?>",
    // Through Markdown
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "![x](javascript:alert(1))",
    "[x](\" onmouseover=\"alert(1))",
    "[a](https://x.example\"onmouseover=\"alert(1))",
    "[x](&#106;avascript:alert(1))",
    "**<img src=x onerror=alert(1)>**",
    "> <script>alert(1)</script>",
    "- <a href=\"javascript:alert(1)\">x</a>",
    "```js\" onclick=\"alert(1)\nx\n```",
    "[x](https://ok.example\" onclick=\"alert(1)\" x=\")",
    "\\<script>alert(1)\\</script>",
    "| <img src=x onerror=alert(1)> |\n|---|\n| x |",
]

@Suite struct XSSCorpusTests {
    @Test("The corpus is broad enough") func corpusSize() {
        #expect(xssCorpus.count >= 40)
    }

    @Test("Sanitised payloads hold no script, handler or dangerous URL", arguments: xssCorpus)
    func sanitised(_ payload: String) {
        let html = HTMLSanitizer().sanitize(payload)
        #expect(SafeHTMLCheck.violations(html) == [], "\(payload.debugDescription) → \(html.debugDescription)")
    }

    @Test("Payloads rendered as Markdown hold no script, handler or dangerous URL", arguments: xssCorpus)
    func rendered(_ payload: String) {
        let html = MarkdownRenderer.render(payload).html
        #expect(SafeHTMLCheck.violations(html) == [], "\(payload.debugDescription) → \(html.debugDescription)")
    }

    @Test("Sanitising twice changes nothing", arguments: xssCorpus)
    func idempotent(_ payload: String) {
        let once = HTMLSanitizer().sanitize(payload)
        #expect(HTMLSanitizer().sanitize(once) == once)
    }

    @Test("The strict checker itself catches unsafe HTML")
    func checkerCatches() {
        #expect(!SafeHTMLCheck.violations("<script>x</script>").isEmpty)
        #expect(!SafeHTMLCheck.violations("<img src=\"x\" onerror=\"y\">").isEmpty)
        #expect(!SafeHTMLCheck.violations("<a href=\"javascript:x\"></a>").isEmpty)
        #expect(!SafeHTMLCheck.violations("<a href=\" JavaScript:x\"></a>").isEmpty)
        #expect(!SafeHTMLCheck.violations("<p>x").isEmpty)
        #expect(!SafeHTMLCheck.violations("a > b").isEmpty)
    }
}
