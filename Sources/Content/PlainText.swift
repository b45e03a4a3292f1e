/// Readable plain text from sanitised HTML, for SMS and summary length counters.
public enum PlainText {
    static let blockElements: Set<String> = [
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol", "table", "hr",
    ]

    /// Blocks become paragraphs, list items `- ` or `1. ` lines and table rows ` | `-joined lines. Runs of
    /// whitespace collapse, except inside `pre`. Images are skipped: no channel shows them as text.
    /// Only pass sanitised HTML: the text of a `<script>` would otherwise come through.
    /// `listMarkers: false` leaves out the `- ` and `1. ` markers, for counting words.
    public static func extract(fromHTML html: String, listMarkers: Bool = true) -> String {
        var lines: [String] = []
        var line = ""
        var preformatted = 0
        var cellsInRow = 0
        var lists: [Int?] = []  // the next number of each open `ol`, nil for `ul`

        var bullet = ""  // written before the next line with text, so `<li><p>` gives one line

        func endLine(blankAfter: Bool = false) {
            let trimmed = preformatted > 0 ? line : collapse(line)
            if !trimmed.isEmpty {
                lines.append(bullet + trimmed)
                bullet = ""
            }
            line = ""
            if blankAfter, lists.isEmpty, lines.last?.isEmpty == false { lines.append("") }
        }

        var tokenizer = HTMLTokenizer(html)
        while let token = tokenizer.next() {
            switch token {
            case .text(let text):
                if preformatted > 0 {
                    let parts = text.split(separator: "\n", omittingEmptySubsequences: false)
                    for (index, part) in parts.enumerated() {
                        if index > 0 { lines.append(line); line = "" }
                        line += part
                    }
                } else {
                    line += text
                }
            case .startTag(let name, _, _, _):
                switch name {
                case "br": endLine()
                case "ul": endLine(blankAfter: lists.isEmpty); lists.append(nil)
                case "ol": endLine(blankAfter: lists.isEmpty); lists.append(1)
                case "li":
                    endLine()
                    if !listMarkers {
                        bullet = ""
                    } else if let number = lists.last ?? nil {
                        bullet = "\(number). "
                        lists[lists.count - 1] = number + 1
                    } else {
                        bullet = "- "
                    }
                case "tr": endLine(); cellsInRow = 0
                case "td", "th":
                    if cellsInRow > 0 { line += " | " }
                    cellsInRow += 1
                case "pre": endLine(blankAfter: true); preformatted += 1
                default: if blockElements.contains(name) { endLine(blankAfter: true) }
                }
            case .endTag(let name, _):
                switch name {
                case "ul", "ol":
                    _ = lists.popLast()
                    endLine(blankAfter: lists.isEmpty)
                case "pre":
                    endLine(blankAfter: true)
                    preformatted = max(0, preformatted - 1)
                case "li", "tr":
                    endLine()
                default:
                    if blockElements.contains(name) { endLine(blankAfter: true) }
                }
            case .comment:
                continue
            }
        }
        endLine()
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    /// Words as a reader counts them: runs of non-space text holding a letter or digit, so
    /// `-` bullets and `|` cell separators do not count. Scripts written without spaces
    /// (Chinese, Japanese, Thai) count one word per run; good enough for a length hint.
    public static func wordCount(_ text: String) -> Int {
        text.split(whereSeparator: \.isWhitespace).count { word in word.contains { $0.isLetter || $0.isNumber } }
    }

    private static func collapse(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
