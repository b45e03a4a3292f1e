public import Foundation
import Plot
import TandemUI

/// One digest email: the titles and summaries of the optional posts a person collected, each
/// with its link to read it in Tandem. Plain rules over values, tested without a server.
public enum DigestComposer {
    public struct Item: Sendable, Equatable {
        public let title: String
        public let summary: String
        public let language: String
        public let topics: [String]
        public let link: String

        public init(title: String, summary: String, language: String, topics: [String], link: String) {
            self.title = title
            self.summary = summary
            self.language = language
            self.topics = topics
            self.link = link
        }
    }

    public static func compose(_ items: [Item], weekly: Bool, more: Int, to person: EmailComposer.Recipient, preferences: String, unsubscribe: String,
                               digestID: Int64, fromName: String, fromAddress: String, date: Date) -> MailMessage {
        let count = items.count + more
        let subject = (weekly ? "Your weekly digest: " : "Your daily digest: ") + (count == 1 ? "1 post" : "\(count) posts")
        var plain = subject + "\n\n"
        var list: [HTMLNode] = []
        for item in items {
            plain += "* " + item.title + "\n"
            if !item.summary.isEmpty { plain += "  " + item.summary + "\n" }
            plain += "  " + item.link + "\n\n"
            var parts: [HTMLNode] = [el("a", [("href", item.link), ("style", "font-size:16px;font-weight:bold")], text: item.title)]
            if !item.topics.isEmpty { parts += [el("br"), el("span", [("style", "font-size:12px;color:#666")], text: item.topics.joined(separator: " · "))] }
            if !item.summary.isEmpty { parts += [el("br"), text(item.summary)] }
            list.append(el("li", [("lang", item.language), ("style", "margin-bottom:14px")], parts))
        }
        if more > 0 { plain += "… and \(more) more in your feed.\n\n" }
        let footer = "You get this digest because you chose it in your Tandem preferences. Mandatory and critical messages still reach you at once."
        plain += "-- \n" + footer + "\nChange how often: \(preferences)\nUnsubscribe from optional email: \(unsubscribe)\n"
        var body: [HTMLNode] = [el("h1", [("style", "font-size:20px")], text: subject), el("ul", [("style", "padding-left:18px")], list)]
        if more > 0 { body.append(el("p", [], text: "… and \(more) more in your feed.")) }
        body.append(el("p", [("style", "font-size:12px;color:#666;border-top:1px solid #ddd;padding-top:8px")], [
            text(footer + " "), el("a", [("href", preferences)], text: "Change how often"), text(" · "), el("a", [("href", unsubscribe)], text: "Unsubscribe"),
        ]))
        let html = "<!DOCTYPE html><html lang=\"" + EmailComposer.htmlAttribute(person.language) + "\"><head><meta charset=\"UTF-8\"><title>"
            + EmailComposer.htmlAttribute(subject) + "</title></head><body style=\"font-family:Arial,Helvetica,sans-serif;max-width:640px;margin:0 auto;padding:16px\">"
            + el("div", [], body).render() + "</body></html>"
        return MailMessage(fromName: fromName, fromAddress: fromAddress, toName: person.name, toAddress: person.address, subject: subject,
                           messageID: "tandem.digest\(digestID)@\(EmailAddress.domain(of: fromAddress))", date: date, text: plain, html: html,
                           unsubscribeURL: unsubscribe, extraHeaders: [("X-Tandem-Digest", String(digestID))])
    }
}
