import Content
import Foundation
import TandemCore
import TandemUI

/// The employee's pages: mobile-first, one column. Each card's post part is rendered once per
/// (post, version, language) and cached; per request only the reader's own state is added.
enum FeedPages {
    static func card(_ entry: FeedEntry, content: FeedContent.Entry, language: String, token: String?, namespace: String) -> String {
        var html = FragmentCache.shared.html("feedcard|\(namespace)|\(entry.postID)|\(entry.version)|\(language.lowercased())") {
            guard let variant = content.content.variant(for: language) else { return "" }
            var out = "<h2 lang=\"" + Escape.html(variant.language) + "\"><a href=\"/feed/posts/\(entry.postID)\">" + Escape.html(variant.title) + "</a></h2>"
            out += "<p class=\"meta\">"
            if entry.priority != .normal { out += "<span class=\"badge priority-" + entry.priority.rawValue + "\">" + entry.priority.rawValue.capitalized + "</span> " }
            if !content.topics.isEmpty { out += Escape.html(content.topics.joined(separator: " · ")) + " · " }
            out += "<time datetime=\"" + ISO8601DateFormatter().string(from: entry.publishedAt) + "\">" + day(entry.publishedAt) + "</time></p>"
            if !variant.summary.isEmpty { out += "<p lang=\"" + Escape.html(variant.language) + "\">" + Escape.html(variant.summary) + "</p>" }
            return out
        }
        if html.isEmpty { return "" }
        html += mine(entry)
        return "<article class=\"feed-card" + (entry.priority == .critical ? " critical" : "") + "\"" + beacon(token) + ">" + html + "</article>"
    }

    /// The signed token tandem.js sends with this post's view and dwell beacons.
    static func beacon(_ token: String?) -> String {
        token.map { " data-ev=\"" + Escape.html($0) + "\"" } ?? ""
    }

    /// The reader's own part of a card: acknowledgement state and reactions.
    static func mine(_ entry: FeedEntry) -> String {
        var html = "<p class=\"mine\">"
        if entry.requiresAck {
            html += entry.ackedAt == nil ? "<span class=\"badge ack-needed\">Please acknowledge</span> " : "<span class=\"badge ack-done\">Acknowledged</span> "
        }
        for reaction in Reaction.allCases {
            guard let count = entry.reactions[reaction], count > 0 else { continue }
            html += "<span class=\"reaction" + (entry.myReaction == reaction ? " mine" : "") + "\" title=\"" + reaction.title + "\">" + reaction.symbol + " \(count)</span> "
        }
        return html + "</p>"
    }

    static func list(reader: FeedReader, pinned: [(FeedEntry, FeedContent.Entry)], entries: [(FeedEntry, FeedContent.Entry)], waiting: Int,
                     filter: FeedStore.Filter, search: String?, next: Int64?, tokens: [Int64: String] = [:], namespace: String) -> String {
        var html = "<div class=\"feed\"><h1>Your feed</h1>"
        html += "<form method=\"get\" action=\"/feed\" class=\"feed-search\" role=\"search\"><label for=\"q\">Search your feed</label>"
        html += "<input id=\"q\" name=\"q\" type=\"search\" value=\"" + Escape.html(search ?? "") + "\"/><button type=\"submit\">Search</button></form>"
        if waiting > 0 {
            html += "<p class=\"flash info\"><a href=\"/feed?filter=unacknowledged\">" + (waiting == 1 ? "1 post needs" : "\(waiting) posts need") + " your acknowledgement</a></p>"
        }
        if filter == .unacknowledged || search != nil {
            html += "<p><a href=\"/feed\">Show the whole feed</a></p>"
        }
        if !pinned.isEmpty {
            html += "<section aria-label=\"Pinned\" class=\"pinned\"><h2 class=\"visually-hidden\">Pinned</h2>"
            for (entry, content) in pinned { html += card(entry, content: content, language: reader.language, token: tokens[entry.postID], namespace: namespace) }
            html += "</section>"
        }
        if entries.isEmpty && pinned.isEmpty {
            html += "<p class=\"empty\">" + (search != nil ? "Nothing in your feed matches that." : filter == .unacknowledged ? "Nothing waits for your acknowledgement." : "Nothing here yet. Posts for you will appear here.") + "</p>"
        }
        for (entry, content) in entries { html += card(entry, content: content, language: reader.language, token: tokens[entry.postID], namespace: namespace) }
        if let next {
            var query = "cursor=\(next)"
            if filter != .all { query += "&filter=" + filter.rawValue }
            if let search { query += "&q=" + (search.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") }
            html += "<p class=\"pagination\"><a rel=\"next\" href=\"/feed?" + query + "\">Older posts</a></p>"
        }
        return html + "</div>"
    }

    static func post(_ entry: FeedEntry, content: FeedContent.Entry, reader: FeedReader, csrf: String, token: String? = nil) -> String {
        guard let variant = content.content.variant(for: reader.language) else { return "<p>This post has no text in your language.</p>" }
        let lang = Escape.html(variant.language)
        var html = "<article class=\"feed-post\" lang=\"" + lang + "\"" + beacon(token) + "><p><a href=\"/feed\">← Your feed</a></p><h1>" + Escape.html(variant.title) + "</h1><p class=\"meta\">"
        if entry.priority != .normal { html += "<span class=\"badge priority-" + entry.priority.rawValue + "\">" + entry.priority.rawValue.capitalized + "</span> " }
        if !content.topics.isEmpty { html += Escape.html(content.topics.joined(separator: " · ")) + " · " }
        html += "<time datetime=\"" + ISO8601DateFormatter().string(from: entry.publishedAt) + "\">" + day(entry.publishedAt) + "</time></p>"
        if !variant.summary.isEmpty { html += "<p class=\"lead\">" + Escape.html(variant.summary) + "</p>" }
        // bodyHTML was sanitised when the post was saved (Content's HTMLSanitizer).
        html += "<div class=\"post-body\">" + variant.bodyHTML + "</div>"
        if let cta = content.content.callToAction, cta.url.hasPrefix("https://") || cta.url.hasPrefix("http://") || cta.url.hasPrefix("/") {
            html += "<p><a class=\"button\" href=\"" + Escape.html(cta.url) + "\" rel=\"noopener\">" + Escape.html(cta.label) + "</a></p>"
        }
        html += "</article>"
        if entry.requiresAck {
            if let at = entry.ackedAt {
                html += "<p class=\"flash success\" id=\"ack-state\">You acknowledged this on <time datetime=\"" + ISO8601DateFormatter().string(from: at) + "\">" + day(at) + "</time>.</p>"
            } else {
                html += "<form method=\"post\" action=\"/feed/posts/\(entry.postID)/acknowledge\" class=\"ack\"><input type=\"hidden\" name=\"_csrf\" value=\"" + Escape.html(csrf) + "\"/>"
                html += "<p>This post asks you to confirm that you have read and understood it.</p><button type=\"submit\" id=\"acknowledge\">I have read and understood this</button></form>"
            }
        }
        html += "<form method=\"post\" action=\"/feed/posts/\(entry.postID)/reaction\" class=\"reactions\" aria-label=\"React\"><input type=\"hidden\" name=\"_csrf\" value=\"" + Escape.html(csrf) + "\"/>"
        for reaction in Reaction.allCases {
            let mine = entry.myReaction == reaction
            html += "<button type=\"submit\" name=\"kind\" value=\"" + (mine ? "none" : reaction.rawValue) + "\" aria-pressed=\"" + (mine ? "true" : "false") + "\" title=\"" + reaction.title + "\">"
            html += reaction.symbol + " <span>" + reaction.title + "</span>" + ((entry.reactions[reaction] ?? 0) > 0 ? " \(entry.reactions[reaction]!)" : "") + "</button>"
        }
        html += "</form>"
        // Sharing needs the page's script (the system share sheet or the clipboard), so the
        // button stays hidden until tandem.js shows it; a share is counted with the post's token.
        if let token {
            html += "<p class=\"share\"><button type=\"button\" hidden data-share=\"/feed/posts/\(entry.postID)\" data-share-token=\"" + Escape.html(token)
                + "\" data-share-title=\"" + Escape.html(variant.title) + "\">Share with a colleague</button> <span class=\"share-status\" role=\"status\" aria-live=\"polite\"></span></p>"
        }
        return html
    }

    static func day(_ date: Date) -> String {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(parts.day ?? 1) \(months[(parts.month ?? 1) - 1]) \(parts.year ?? 1970)"
    }
}
