public import Content
public import Foundation
import Plot
import TandemUI

/// What one person's email of a post says. Plain rules over values, so the MIME is tested
/// without a database or a server.
public enum EmailComposer {
    public struct Recipient: Sendable, Equatable {
        public var name: String
        public var address: String
        public var language: String
        public init(name: String, address: String, language: String) {
            self.name = name
            self.address = address
            self.language = language
        }
    }

    public struct Links: Sendable, Equatable {
        /// The post in the employee's feed.
        public var read: String
        /// One-click unsubscribe; nil for mandatory posts, which nobody can opt out of.
        public var unsubscribe: String?
        public init(read: String, unsubscribe: String?) {
            self.read = read
            self.unsubscribe = unsubscribe
        }
    }

    /// What every reader of one language variant gets: the subject and both bodies up to the
    /// links, already quoted-printable. Made once per post and language, not per message; the
    /// call to action and the read link follow per person, as they are tracked per person.
    public struct Prepared: Sendable {
        let subject: String
        let textHead: String
        let htmlHead: String
        let footer: String
        let callToAction: PostContent.CallToAction?
        let readLabel: String
        let readLink: String
    }

    /// One person's tracking: the tracking image and the tracked form of each link (links
    /// missing from `links` go out as they are).
    public struct Tracking: Sendable, Equatable {
        public var pixel: String?
        public var links: [String: String]
        public init(pixel: String?, links: [String: String]) {
            self.pixel = pixel
            self.links = links
        }
        public static let none = Tracking(pixel: nil, links: [:])
    }

    public static func prepare(content: PostContent, topics: [String], language: String, readLink: String) -> Prepared? {
        guard let variant = content.variant(for: language) else { return nil }
        let intro = PostRules.channelText(variant, channel: .email)
        let critical = content.priority == .critical
        var plain = variant.title + "\n\n"
        if !intro.isEmpty { plain += intro + "\n\n" }
        if !variant.body.isEmpty { plain += variant.body + "\n\n" }

        var body: [HTMLNode] = []
        if critical { body.append(el("p", [("style", "background:#fdecea;color:#8a1c12;padding:8px 12px;border-radius:4px;font-weight:bold")], text: "Critical")) }
        body.append(el("h1", [("style", "font-size:22px;margin:0 0 12px")], text: variant.title))
        if !intro.isEmpty { body.append(el("p", [("style", "font-size:16px;color:#333")], text: intro)) }
        if !variant.bodyHTML.isEmpty { body.append(el("div", [("style", "font-size:15px;line-height:1.5")], [sanitizedHTML(variant.bodyHTML)])) }
        let html = "<!DOCTYPE html><html lang=\"\(htmlAttribute(variant.language))\"><head><meta charset=\"utf-8\"><title>\(htmlAttribute(variant.title))</title></head>"
            + "<body style=\"font-family:Arial,Helvetica,sans-serif;max-width:640px;margin:0 auto;padding:16px\">"
            + el("div", [], body).render() + "\n"
        // Both heads end a line, so the per-person tails encode on their own (quoted-printable
        // works line by line).
        return Prepared(subject: (critical ? "⚠ " : "") + variant.title, textHead: MIME.quotedPrintable(plain), htmlHead: MIME.quotedPrintable(html),
                        footer: footer(content: content, topics: topics), callToAction: content.callToAction,
                        readLabel: content.requiresAcknowledgement ? "Read and confirm in Tandem" : "Read it in Tandem",
                        readLink: readLink)
    }

    /// The message for one delivery. Its Message-ID names the delivery, so a copy sent again
    /// after a crash carries the same ID and mail systems that deduplicate by it show one.
    public static func compose(_ prepared: Prepared, to person: Recipient, unsubscribe: String?, tracking: Tracking = .none, deliveryID: Int64, postID: Int64,
                               fromName: String, fromAddress: String, date: Date) -> MailMessage {
        func tracked(_ url: String) -> String { tracking.links[url] ?? url }
        var plain = ""
        if let cta = prepared.callToAction { plain += "\(cta.label): \(tracked(cta.url))\n\n" }
        plain += (prepared.readLabel == "Read it in Tandem" ? "Read it in Tandem: " : "Please read it and confirm in Tandem: ") + tracked(prepared.readLink) + "\n"
        plain += "\n-- \n" + prepared.footer
        if let unsubscribe { plain += "\nUnsubscribe: \(unsubscribe)\n" }
        var tail: [HTMLNode] = []
        if let cta = prepared.callToAction {
            tail.append(el("p", [], [el("a", [("href", tracked(cta.url)), ("style", "display:inline-block;background:#1f5fbf;color:#fff;padding:10px 16px;border-radius:4px;text-decoration:none")], text: cta.label)]))
        }
        tail.append(el("p", [], [el("a", [("href", tracked(prepared.readLink))], text: prepared.readLabel)]))
        var small: [HTMLNode] = [text(prepared.footer)]
        if let unsubscribe { small += [text(" "), el("a", [("href", unsubscribe)], text: "Unsubscribe")] }
        tail.append(el("p", [("style", "font-size:12px;color:#666;border-top:1px solid #ddd;padding-top:8px")], small))
        if let pixel = tracking.pixel { tail.append(void("img", [("src", pixel), ("width", "1"), ("height", "1"), ("alt", ""), ("style", "display:block;border:0")])) }
        let html = group(tail).render() + "</body></html>"
        return MailMessage(fromName: fromName, fromAddress: fromAddress, toName: person.name, toAddress: person.address, subject: prepared.subject,
                           messageID: "tandem.d\(deliveryID).p\(postID)@\(EmailAddress.domain(of: fromAddress))", date: date,
                           encodedText: prepared.textHead + MIME.quotedPrintable(plain), encodedHTML: prepared.htmlHead + MIME.quotedPrintable(html),
                           unsubscribeURL: unsubscribe, extraHeaders: [("X-Tandem-Delivery", String(deliveryID)), ("X-Tandem-Post", String(postID))])
    }

    /// Both steps at once (tests, one-off messages).
    public static func compose(content: PostContent, topics: [String], to person: Recipient, links: Links, tracking: Tracking = .none, deliveryID: Int64, postID: Int64,
                               fromName: String, fromAddress: String, date: Date) -> MailMessage? {
        guard let prepared = prepare(content: content, topics: topics, language: person.language, readLink: links.read) else { return nil }
        return compose(prepared, to: person, unsubscribe: links.unsubscribe, tracking: tracking, deliveryID: deliveryID, postID: postID,
                       fromName: fromName, fromAddress: fromAddress, date: date)
    }

    static func footer(content: PostContent, topics: [String]) -> String {
        if content.mandatory { return "This is a mandatory message from your employer, sent to everyone it concerns." }
        if topics.isEmpty { return "You receive this as an employee news email." }
        return "You receive this because you follow \(topics.joined(separator: ", "))."
    }

    static func htmlAttribute(_ value: String) -> String {
        value.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
