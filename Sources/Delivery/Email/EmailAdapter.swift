public import Content
import Foundation
import NIOCore
import SQLKit
public import TandemStore

/// Sends a post to one person by SMTP: their variant of the version that was published, with a
/// link to read it in Tandem and, for optional posts, a signed one-click unsubscribe link.
///
/// Outcomes: accepted (250) is sent; a 4xx at any step, a timeout or a dropped connection is
/// retried; a 5xx to RCPT TO flags the address (it is not tried again until HR changes it) and
/// the delivery is dead; a 5xx to the message itself is dead. If the connection drops after the
/// message was sent but before the server's 250 arrives, the delivery is retried and the person
/// may get it twice: the one place a duplicate can happen, with the same Message-ID.
public struct EmailAdapter: ChannelAdapter {
    public var channel: Content.Channel { .email }
    public var concurrency: Int { settings.connections }
    let settings: SMTPSettings
    let pool: SMTPPool
    let database: Database
    let posts: PostStore
    let signer: LinkSigner
    let baseURL: String
    let tracking: EmailTracking?
    let cache = SentPostCache()

    public init(settings: SMTPSettings, database: Database, posts: PostStore, signer: LinkSigner, baseURL: String, tracking: EmailTracking? = nil) {
        self.settings = settings
        self.pool = SMTPPool(settings: settings)
        self.database = database
        self.posts = posts
        self.signer = signer
        self.tracking = tracking
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    }

    public func send(_ message: OutboundMessage) async throws -> String? {
        guard let person = try await recipient(message.employeeID) else {
            throw SendFailure.permanent(reason: "the employee no longer exists")
        }
        guard let address = person.address, !address.isEmpty else {
            throw SendFailure.permanent(reason: "the employee has no work email address")
        }
        if let flag = person.flag {
            throw SendFailure.permanent(reason: "\(address) is flagged as undeliverable (\(flag)); correct the address to send again")
        }
        guard EmailAddress.isDeliverable(address) else {
            try await EmailFlagStore(database: database).flag(address, reason: "not a valid email address", deliveryID: message.deliveryID)
            throw SendFailure.permanent(reason: "\(address) is not a valid email address")
        }
        guard let sent = try await cache.post(message.postID, posts: posts, database: database) else {
            throw SendFailure.permanent(reason: "the post's published version is missing")
        }
        if !sent.content.mandatory, try await OptOutStore(database: database).isOptedOut(employee: message.employeeID, topics: sent.content.topicIDs, channel: .email) {
            throw SendFailure.skipped(reason: "unsubscribed from these emails")
        }
        try await PreferenceStore(database: database).hold(message, channel: .email, content: sent.content)
        let unsubscribe = sent.content.mandatory ? nil : baseURL + "/unsubscribe/" + (try await signer.sign("u", [message.employeeID, message.postID]))
        guard let prepared = await cache.prepared(message.postID, language: person.language, entry: sent, readLink: "\(baseURL)/feed/posts/\(message.postID)") else {
            throw SendFailure.permanent(reason: "the post has no text in the person's language or its fallback")
        }
        let tracked = try await tracking?.tracking(for: prepared, post: message.postID, employee: message.employeeID) ?? .none
        var mail = EmailComposer.compose(prepared, to: .init(name: person.name, address: address, language: person.language), unsubscribe: unsubscribe,
                                         tracking: tracked, deliveryID: message.deliveryID, postID: message.postID,
                                         fromName: settings.fromName, fromAddress: settings.fromAddress, date: Date())
        if message.round > 0 {
            // A reminder is its own message: mail systems must not fold it into the first one.
            mail.subject = "Reminder: " + mail.subject
            mail.messageID = "tandem.d\(message.deliveryID).p\(message.postID).r\(message.round)@\(EmailAddress.domain(of: settings.fromAddress))"
        }
        return try await deliver(mail, to: address, deliveryID: message.deliveryID)
    }

    /// One message through the pool, the server's answer sorted into SendFailure outcomes.
    func deliver(_ mail: MailMessage, to address: String, deliveryID: Int64?) async throws -> String? {
        do {
            return try await pool.send(from: settings.fromAddress, to: address, message: ByteBuffer(bytes: mail.smtpData())).summary
        } catch let error as SMTPError {
            if case .rejected(let stage, let code, _) = error, code >= 500 {
                if stage == "the recipient" {
                    try await EmailFlagStore(database: database).flag(address, reason: error.description, deliveryID: deliveryID)
                    throw SendFailure.permanent(reason: "\(error.description); the address is flagged")
                }
                if stage == "the message" { throw SendFailure.permanent(reason: error.description) }
            }
            throw SendFailure.retry(reason: error.description, after: nil)
        } catch {
            throw SendFailure.retry(reason: "could not reach the SMTP server \(settings.host):\(settings.port): \(error)", after: nil)
        }
    }

    /// Sends a message that is not a post (a survey invitation) to an employee's work address,
    /// with the same checks and outcomes as a post: a flagged or invalid address is permanent,
    /// and someone who stopped all optional email is skipped. `key` names the message, so a
    /// repeat after a crash carries the same Message-ID.
    public func sendNotice(to employeeID: Int64, subject: String, text: String, html: String, key: String) async throws -> String? {
        guard let person = try await recipient(employeeID) else { throw SendFailure.permanent(reason: "the employee no longer exists") }
        guard let address = person.address, !address.isEmpty else { throw SendFailure.permanent(reason: "the employee has no work email address") }
        if let flag = person.flag {
            throw SendFailure.permanent(reason: "\(address) is flagged as undeliverable (\(flag)); correct the address to send again")
        }
        guard EmailAddress.isDeliverable(address) else {
            try await EmailFlagStore(database: database).flag(address, reason: "not a valid email address", deliveryID: nil)
            throw SendFailure.permanent(reason: "\(address) is not a valid email address")
        }
        if try await OptOutStore(database: database).isOptedOut(employee: employeeID, topics: [], channel: .email) {
            throw SendFailure.skipped(reason: "unsubscribed from all optional email")
        }
        let mail = MailMessage(fromName: settings.fromName, fromAddress: settings.fromAddress, toName: person.name, toAddress: address,
                               subject: subject, messageID: "tandem.\(key)@\(EmailAddress.domain(of: settings.fromAddress))",
                               date: Date(), text: text, html: html, extraHeaders: [("X-Tandem-Kind", "notice")])
        return try await deliver(mail, to: address, deliveryID: nil)
    }

    /// Sends a short test message, for operators checking the settings; throws SMTPError with
    /// the server's reason.
    public func sendTest(to address: String) async throws {
        guard EmailAddress.isDeliverable(address) else { throw SMTPError.configuration("\(address) is not an address Tandem can send to") }
        let mail = MailMessage(fromName: settings.fromName, fromAddress: settings.fromAddress, toName: "", toAddress: address,
                               subject: "Tandem test email", messageID: "tandem.test.\(UUID().uuidString)@\(EmailAddress.domain(of: settings.fromAddress))",
                               date: Date(), text: "Tandem can send email through \(settings.host):\(settings.port).\n",
                               html: "<p>Tandem can send email through \(EmailComposer.htmlAttribute(settings.host)):\(settings.port).</p>")
        _ = try await pool.send(from: settings.fromAddress, to: address, message: ByteBuffer(bytes: mail.smtpData()))
    }

    /// Sends a sign-in link to an employee (not through the outbox: it is worthless in 15
    /// minutes, and the person is waiting for it). Throws SMTPError with the server's reason.
    public func sendSignInLink(to address: String, name: String, link: String, minutes: Int) async throws {
        guard EmailAddress.isDeliverable(address) else { throw SMTPError.configuration("\(address) is not an address Tandem can send to") }
        let text = """
            Hello \(name),

            Open this link to sign in to Tandem. It works once, for \(minutes) minutes:

            \(link)

            If you did not ask to sign in, ignore this email; nobody can sign in without the link.

            """
        let html = "<p>Hello \(EmailComposer.htmlAttribute(name)),</p><p>Open this link to sign in to Tandem. It works once, for \(minutes) minutes:</p>"
            + "<p><a href=\"\(EmailComposer.htmlAttribute(link))\">Sign in to Tandem</a></p>"
            + "<p>If you did not ask to sign in, ignore this email; nobody can sign in without the link.</p>"
        let mail = MailMessage(fromName: settings.fromName, fromAddress: settings.fromAddress, toName: name, toAddress: address,
                               subject: "Your Tandem sign-in link", messageID: "tandem.signin.\(UUID().uuidString)@\(EmailAddress.domain(of: settings.fromAddress))",
                               date: Date(), text: text, html: html, extraHeaders: [("X-Tandem-Kind", "sign-in-link")])
        _ = try await pool.send(from: settings.fromAddress, to: address, message: ByteBuffer(bytes: mail.smtpData()))
    }

    /// Closes the pool's idle connections.
    public func shutdown() async { await pool.shutdown() }

    struct Person {
        let name: String
        let address: String?
        let language: String
        let flag: String?
    }

    func recipient(_ id: Int64) async throws -> Person? {
        guard let row = try await database.reader.raw("""
            SELECT e.given_name, e.preferred_name, e.family_name, e.work_email, e.language, f.reason
            FROM employees e LEFT JOIN email_flags f ON f.address = LOWER(e.work_email)
            WHERE e.id = \(bind: id)
            """).first() else { return nil }
        let given = try row.decode(column: "given_name", as: String.self)
        let preferred = try row.decode(column: "preferred_name", as: String?.self)
        let family = try row.decode(column: "family_name", as: String.self)
        return Person(name: "\(preferred.flatMap { $0.isEmpty ? nil : $0 } ?? given) \(family)",
                      address: try row.decode(column: "work_email", as: String?.self),
                      language: try row.decode(column: "language", as: String.self),
                      flag: try row.decode(column: "reason", as: String?.self))
    }
}

/// The published version of each post being sent, read once rather than per message.
actor SentPostCache {
    struct Entry {
        let content: PostContent
        let topics: [String]
        let loaded: Date
    }
    private var entries: [Int64: Entry] = [:]
    private var prepared: [String: EmailComposer.Prepared] = [:]

    /// The email parts every reader of `language` gets, made once per post and language.
    func prepared(_ postID: Int64, language: String, entry: Entry, readLink: String) -> EmailComposer.Prepared? {
        let key = "\(postID)|\(language.lowercased())|\(Int(entry.loaded.timeIntervalSince1970))"
        if let done = prepared[key] { return done }
        guard let made = EmailComposer.prepare(content: entry.content, topics: entry.topics, language: language, readLink: readLink) else { return nil }
        if prepared.count > 500 { prepared.removeAll() }
        prepared[key] = made
        return made
    }

    func post(_ id: Int64, posts: PostStore, database: Database) async throws -> Entry? {
        if let entry = entries[id], Date().timeIntervalSince(entry.loaded) < 300 { return entry }
        guard let entry = try await Self.load(id, posts: posts, database: database) else { return nil }
        if entries.count > 100 { entries.removeAll() }
        entries[id] = entry
        return entry
    }

    /// The version of the post that was published (frozen in `post_sends`) and its topic names.
    static func load(_ id: Int64, posts: PostStore, database: Database) async throws -> Entry? {
        guard let row = try await database.reader.raw("SELECT version FROM post_sends WHERE post_id = \(bind: id)").first() else { return nil }
        let version = Int(try row.decode(column: "version", as: Int64.self))
        guard let content = try await posts.version(version, of: id)?.content else { return nil }
        var topics: [String] = []
        if !content.topicIDs.isEmpty {
            topics = try await database.reader.raw("SELECT name FROM topics WHERE id IN (\(binds: content.topicIDs)) ORDER BY name").all()
                .map { try $0.decode(column: "name", as: String.self) }
        }
        return Entry(content: content, topics: topics, loaded: Date())
    }
}
