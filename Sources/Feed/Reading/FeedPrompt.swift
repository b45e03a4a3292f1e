import TandemUI

/// Something other features ask of the reader at the top of the feed (a survey to answer).
/// Not part of the cached feed page: it is looked up on every view.
public struct FeedPrompt: Sendable, Equatable {
    public let title: String
    public let detail: String
    public let href: String
    public let action: String

    public init(title: String, detail: String, href: String, action: String) {
        self.title = title
        self.detail = detail
        self.href = href
        self.action = action
    }

    public typealias Source = @Sendable (_ employeeID: Int64) async throws -> [FeedPrompt]

    static func html(_ prompts: [FeedPrompt]) -> String {
        guard !prompts.isEmpty else { return "" }
        var html = "<section class=\"feed-prompts\" aria-label=\"Asked of you\">"
        for prompt in prompts {
            html += "<article class=\"card prompt\"><h2>" + Escape.html(prompt.title) + "</h2><p>" + Escape.html(prompt.detail) + "</p>"
            html += "<p><a class=\"button\" href=\"" + Escape.html(prompt.href) + "\">" + Escape.html(prompt.action) + "</a></p></article>"
        }
        return html + "</section>"
    }
}
