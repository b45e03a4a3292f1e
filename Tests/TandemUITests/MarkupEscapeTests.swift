import Testing
@testable import TandemUI

@Suite("Attribute values are escaped")
struct MarkupEscapeTests {
    @Test("a quote in a value cannot end the attribute, in elements, void elements and form fields")
    func attributes() {
        let hostile = #""><script>alert(1)</script><a x='"#
        let rendered = [el("a", [("href", hostile)], text: "x").render(), void("input", [("value", hostile)]).render(),
                        UI.field("Name", name: "name", value: hostile).render()]
        for html in rendered {
            #expect(!html.contains("<script>"), "\(html)")
            #expect(html.contains("&quot;&gt;&lt;script&gt;"), "\(html)")
        }
        #expect(el("a", [("href", "/feed?a=1&b=2")], text: "x").render() == #"<a href="/feed?a=1&amp;b=2">x</a>"#)
    }
}
