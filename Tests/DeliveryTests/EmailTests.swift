import Audiences
@testable import Content
@testable import Delivery
import Foundation
import NIOCore
import NIOPosix
import People
import TandemCore
import TandemStore
import TandemTesting
import Testing

/// Undoes quoted-printable (soft breaks, =XX) to check the encoder without trusting it.
func decodeQuotedPrintable(_ text: String) -> String {
    let joined = text.replacingOccurrences(of: "=\r\n", with: "")
    var bytes: [UInt8] = []
    var index = joined.utf8.startIndex
    let utf8 = joined.utf8
    while index < utf8.endIndex {
        let byte = utf8[index]
        if byte == UInt8(ascii: "="), let end = utf8.index(index, offsetBy: 3, limitedBy: utf8.endIndex),
           let value = UInt8(String(decoding: utf8[utf8.index(after: index)..<end], as: UTF8.self), radix: 16) {
            bytes.append(value)
            index = end
        } else {
            bytes.append(byte)
            index = utf8.index(after: index)
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}

@Suite("Email: MIME, settings and addresses")
struct MailMessageTests {
    static let hostile = "Grüße aus Köln – Sicherheit ⚠ für alle Standorte, bitte lesen: 安全第一 " + String(repeating: "é", count: 40)

    func message(subject: String = hostile, toName: String = "Zoë \"Z\" O'Brien", text: String = "Hallo\n.\nEnde", html: String = "<p>x</p>",
                 unsubscribe: String? = "https://tandem.test/unsubscribe/u.1.2.sig") -> MailMessage {
        MailMessage(fromName: "Tandem News", fromAddress: "news@example.com", toName: toName, toAddress: "zoe@example.com", subject: subject,
                    messageID: "tandem.d1.p2@example.com", date: Date(timeIntervalSince1970: 1_795_600_000), text: text, html: html,
                    unsubscribeURL: unsubscribe, boundary: "=_b")
    }

    @Test("every line is 7-bit and at most 78 characters; UTF-8 headers are encoded words; the parts decode back to the text")
    func encoding() throws {
        let long = String(repeating: "Sicherheitsunterweisung für Straße ", count: 20) + "\n.hidden\n  trailing space  \nTab\tand = sign"
        let rendered = message(text: long).render()
        let lines = rendered.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 78 }, "too long: \(lines.filter { $0.utf8.count > 78 })")
        #expect(rendered.utf8.allSatisfy { $0 < 128 })
        #expect(!lines.contains("."), "no line is a lone dot")
        let subjectWords = lines.drop { !$0.hasPrefix("Subject:") }.prefix { $0.hasPrefix("Subject:") || $0.hasPrefix(" ") }
        #expect(subjectWords.count > 2, "a long subject folds over several encoded words")
        for word in subjectWords {
            let token = word.hasPrefix("Subject: ") ? String(word.dropFirst(9)) : String(word.dropFirst())
            #expect(token.hasPrefix("=?UTF-8?B?") && token.hasSuffix("?=") && token.count <= 75)
        }
        let decoded = subjectWords.map { word -> String in
            let token = word.hasPrefix("Subject: ") ? String(word.dropFirst(9)) : String(word.dropFirst())
            return String(decoding: Data(base64Encoded: String(token.dropFirst(10).dropLast(2))) ?? Data(), as: UTF8.self)
        }.joined()
        #expect(decoded == Self.hostile, "encoded words split between characters, never inside one")
        let textPart = try #require(rendered.components(separatedBy: "--=_b\r\n").dropFirst().first)
        let body = try #require(textPart.components(separatedBy: "\r\n\r\n").dropFirst().first)
        #expect(decodeQuotedPrintable(body).hasPrefix(long.replacingOccurrences(of: "\n", with: "\r\n")))
        #expect(rendered.contains("\r\nList-Unsubscribe: <https://tandem.test/unsubscribe/u.1.2.sig>\r\n"))
        #expect(rendered.contains("\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"))
        #expect(rendered.contains("\r\nTo: \"Zoë \\\"Z\\\" O'Brien\" <zoe@example.com>\r\n") == false, "a non-ASCII name is an encoded word")
        #expect(rendered.contains("\r\nMessage-ID: <tandem.d1.p2@example.com>\r\n"))
        #expect(rendered.hasPrefix("Date: Wed, 25 Nov 2026 09:46:40 +0000\r\n"), "RFC 5322 date: \(lines.first ?? "")")
    }

    @Test("a line break in a name or subject cannot add a header; mandatory mail has no unsubscribe header")
    func injection() {
        let rendered = message(subject: "Hi\r\nBcc: victim@example.com", toName: "Eve\r\nBcc: victim@example.com", unsubscribe: nil).render()
        let headers = rendered.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
        #expect(!headers.contains { $0.hasPrefix("Bcc:") })
        #expect(!rendered.contains("List-Unsubscribe"))
        #expect(headers.contains("To: \"Eve  Bcc: victim@example.com\" <zoe@example.com>"))
    }

    @Test("SMTP data doubles a leading dot and ends with CRLF.CRLF")
    func dotStuffing() {
        var mail = message()
        mail.boundary = "=_b"
        let data = String(decoding: mail.smtpData(), as: UTF8.self)
        #expect(data.hasSuffix("--=_b--\r\n.\r\n"))
        #expect(!data.dropLast(3).contains("\r\n.\r\n"))
    }

    @Test("settings from TANDEM_SMTP_URL and TANDEM_MAIL_FROM, with clear errors")
    func settings() throws {
        let s = try SMTPSettings.parse(url: "smtp://user%40corp:p%3Ass@mail.example.com:587?starttls=required&connections=4&timeout=5",
                                       from: "Company News <news@example.com>")
        #expect(s.host == "mail.example.com" && s.port == 587 && s.username == "user@corp" && s.password == "p:ss")
        #expect(s.security == .requireStartTLS && s.connections == 4 && s.timeout == 5 && s.fromName == "Company News" && s.fromAddress == "news@example.com")
        #expect(try SMTPSettings.parse(url: "smtps://mail.example.com", from: "news@example.com").port == 465)
        #expect(try SMTPSettings.parse(url: "smtp://mail.example.com", from: "news@example.com").security == .opportunistic)
        for (url, from, fragment) in [
            ("http://mail.example.com", "news@example.com", "smtp://"),
            ("smtp://mail.example.com?starttls=maybe", "news@example.com", "optional, required or off"),
            ("smtp://mail.example.com?conections=3", "news@example.com", "unknown option 'conections'"),
            ("smtp://mail.example.com?connections=0", "news@example.com", "connections must be"),
            ("smtps://mail.example.com?starttls=off", "news@example.com", "TLS from the start"),
            ("smtp://mail.example.com?ca=/nonexistent.pem", "news@example.com", "cannot be read"),
            ("smtp://mail.example.com", "not an address", "TANDEM_MAIL_FROM"),
        ] {
            #expect { _ = try SMTPSettings.parse(url: url, from: from) } throws: { "\($0)".contains(fragment) }
        }
    }

    @Test("addresses an SMTP server can take")
    func addresses() {
        for good in ["a@example.com", "first.last+tag@sub.example.co.uk", "o'brien@example.ie", "x@localhost"] { #expect(EmailAddress.isDeliverable(good), "\(good)") }
        for bad in ["", "a", "a@", "@example.com", "a b@example.com", "a@exa mple.com", "a@example..com", ".a@example.com", "a..b@example.com",
                    "zoë@example.com", "a@-example.com", "<a@example.com>", "a@example.com\r\nRCPT TO:<b@example.com>", String(repeating: "a", count: 65) + "@example.com"] {
            #expect(!EmailAddress.isDeliverable(bad), "\(bad)")
        }
    }
}

/// A published bilingual post to a few people whose addresses decide how the sink answers.
struct Mailroom {
    let room: Sendroom
    let post: Post
    let people: [Int64: String]

    static let key = Data(repeating: 7, count: 32)

    static func make(_ database: Database, addresses: [String], mandatory: Bool = false) async throws -> Mailroom {
        let room = try await Sendroom.make(database)
        let prefix = "MAILTEST"
        var people = DemoPeople.generate(count: addresses.count, today: room.today)
        for index in people.indices {
            people[index].employeeId = "\(prefix)\(index)"
            people[index].site = "Mail Test Site"
            people[index].workEmail = addresses[index]
            people[index].language = index % 2 == 0 ? "de-DE" : "en-US"
            people[index].givenName = index == 0 ? "Jürgen" : "Pat"
            people[index].terminationDate = nil
        }
        try await EmployeeStore(database: database).upsert(people, summary: "mail test", by: .system)
        let audience = try await AudienceStore(database: database).create(
            AudienceDraft(name: "Mail test", description: "", definition: .rule(try RuleParser.parse(#"site = "Mail Test Site""#))),
            mayUseSensitive: true, by: .system)
        var post = try await room.posts.create(PostContent(
            priority: .normal, mandatory: mandatory, fallbackLanguage: "en", topicIDs: [room.topic.id],
            audiences: [PostAudience(audienceID: audience.id, mode: .include)], channels: [.email],
            variants: [PostVariant(language: "en", title: "Site safety week", summary: "Helmets on", body: "Wear them **always**."),
                       PostVariant(language: "de", title: "Sicherheitswoche – Grüße", summary: "Helme auf", body: "Immer **tragen**. Straße ⚠")]),
            by: room.author)
        post = try await room.posts.transition(post.id, .submit, expectedVersion: post.version, by: room.author)
        post = try await room.posts.transition(post.id, .approve, expectedVersion: post.version, by: room.approver)
        post = try await room.posts.transition(post.id, .publish, expectedVersion: post.version, by: room.author)
        _ = try await FanOut(database: database, counter: AudienceCounter(database: database), owner: "t").run(post)
        var ids: [Int64: String] = [:]
        for row in try await database.reader.raw("SELECT id, work_email FROM employees WHERE employee_id LIKE 'MAILTEST%'").all() {
            ids[try row.decode(column: "id", as: Int64.self)] = try row.decode(column: "work_email", as: String.self)
        }
        return Mailroom(room: room, post: post, people: ids)
    }

    func adapter(_ settings: SMTPSettings) -> EmailAdapter {
        EmailAdapter(settings: settings, database: room.database, posts: room.posts, signer: LinkSigner(database: room.database, key: Self.key),
                     baseURL: "https://tandem.test")
    }

    func states() async throws -> [String: (state: String, attempts: Int, error: String?)] {
        var out: [String: (String, Int, String?)] = [:]
        for row in try await room.database.reader.raw("""
            SELECT e.work_email, d.state, d.attempts, d.last_error FROM deliveries d JOIN employees e ON e.id = d.employee_id
            WHERE d.post_id = \(bind: post.id) AND d.channel = 'email'
            """).all() {
            out[try row.decode(column: "work_email", as: String.self)] = (try row.decode(column: "state", as: String.self),
                                                                         Int(try row.decode(column: "attempts", as: Int64.self)),
                                                                         try row.decode(column: "last_error", as: String?.self))
        }
        return out
    }
}

@Suite("Email through a real SMTP server (aiosmtpd)", .enabled(if: SMTPSink.available, "aiosmtpd is not installed: python3 -m pip install -r e2e/requirements.txt"))
struct EmailDeliveryTests {
    static func settings(_ sink: SMTPSink, security: SMTPSettings.Security = .opportunistic, user: String? = nil, password: String? = nil,
                         connections: Int = 4, timeout: Int = 10) -> SMTPSettings {
        SMTPSettings(host: "localhost", port: sink.port, username: user, password: password, security: security,
                     caFile: security == .none ? nil : (FileManager.default.fileExists(atPath: sink.certificate) ? sink.certificate : nil),
                     connections: connections, timeout: timeout, fromAddress: "news@example.com", fromName: "Tandem News")
    }

    @Test("STARTTLS and AUTH PLAIN; each person's language; MIME parsed by the sink; 4xx retried, 5xx dead and flagged, 554 dead",
          arguments: TestDatabase.kinds)
    func outcomes(kind: DatabaseKind) async throws {
        let sink = try SMTPSink(tls: true, auth: "tandem:s3cret")
        defer { sink.stop() }
        try await TestDatabase.with(kind, migrator: deliveryMigrator) { (database: Database) async throws in
            let addresses = ["juergen@example.com", "pat@example.com", "soft-sam@example.com", "hard-hal@example.com", "reject-rex@example.com", "zoë@example.com"]
            let mail = try await Mailroom.make(database, addresses: addresses)
            let worker = DeliveryWorker(database: database, adapters: [mail.adapter(Self.settings(sink, security: .requireStartTLS, user: "tandem", password: "s3cret"))],
                                        owner: "node-a")
            let outcome = try await worker.runOnce(limit: 100)
            #expect(outcome.sent == 2 && outcome.retrying == 1 && outcome.dead == 3)
            let states = try await mail.states()
            #expect(states["juergen@example.com"]?.state == "sent" && states["pat@example.com"]?.state == "sent")
            #expect(states["soft-sam@example.com"]?.state == "failed" && states["soft-sam@example.com"]?.error?.contains("451") == true)
            #expect(states["hard-hal@example.com"]?.state == "dead" && states["hard-hal@example.com"]?.error?.contains("550") == true)
            #expect(states["reject-rex@example.com"]?.state == "dead" && states["reject-rex@example.com"]?.error?.contains("554") == true)
            #expect(states["zoë@example.com"]?.state == "dead" && states["zoë@example.com"]?.error?.contains("not a valid") == true, "non-ASCII would need SMTPUTF8")
            let flags = try await EmailFlagStore(database: database).list().map(\.address).sorted()
            #expect(flags == ["hard-hal@example.com", "zoë@example.com"], "a refused recipient is flagged; a refused message is not")

            let messages = try sink.messages()
            #expect(messages.count == 2)
            let byTo = Dictionary(uniqueKeysWithValues: messages.map { (($0["to"] as? [String])?.first ?? "", $0) })
            let german = try #require(byTo["juergen@example.com"]), english = try #require(byTo["pat@example.com"])
            #expect(german["tls"] as? Bool == true && german["auth"] as? String == "tandem")
            #expect(german["subject"] as? String == "Sicherheitswoche – Grüße", "the de variant for a de-DE reader, UTF-8 subject decoded")
            #expect(english["subject"] as? String == "Site safety week")
            #expect((german["defects"] as? [Any])?.isEmpty == true && german["eight_bit"] as? Bool == false && (german["longest_line"] as? Int ?? 999) <= 78)
            #expect(german["parts"] as? [String] == ["multipart/alternative", "text/plain", "text/html"])
            #expect((german["text"] as? String)?.contains("Immer **tragen**. Straße ⚠") == true)
            #expect((german["html"] as? String)?.contains("Sicherheitswoche – Grüße") == true)
            #expect((german["from_header"] as? String) == "Tandem News <news@example.com>")
            #expect((german["to_header"] as? String)?.contains("Jürgen") == true)
            let id = try #require(mail.people.first { $0.value == "juergen@example.com" }?.key)
            let delivery = try #require(try await database.reader.raw("SELECT id FROM deliveries WHERE employee_id = \(bind: id)").first()?.decode(column: "id", as: Int64.self))
            #expect(german["message_id"] as? String == "<tandem.d\(delivery).p\(mail.post.id)@example.com>")
            let unsubscribe = try #require(german["list_unsubscribe"] as? String)
            #expect(unsubscribe.hasPrefix("<https://tandem.test/unsubscribe/u.\(id).\(mail.post.id).") && german["list_unsubscribe_post"] as? String == "List-Unsubscribe=One-Click")
            let token = String(unsubscribe.dropFirst("<https://tandem.test/unsubscribe/".count).dropLast())
            let signer = LinkSigner(database: database, key: Mailroom.key)
            #expect(try await signer.verify(token, kind: "u", count: 2) == [id, mail.post.id])
            #expect(try await signer.verify(token.replacingOccurrences(of: "u.\(id).", with: "u.\(id + 1)."), kind: "u", count: 2) == nil, "tampered ids fail")

            // The flagged address is not tried again: retrying it dies without a new message.
            _ = try await database.transaction { db in
                try await db.raw("UPDATE deliveries SET state = 'failed', due_at = 0 WHERE post_id = \(bind: mail.post.id) AND state = 'dead'").run()
            }
            let again = try await worker.runOnce(limit: 100, now: Date().addingTimeInterval(3_600))
            #expect(again.dead == 3 && again.retrying == 1, "soft-sam retries; the flagged two die unsent; rex's message is refused again")
            #expect(try sink.messages().count == 2)
            #expect(try await mail.states()["hard-hal@example.com"]?.error?.contains("flagged") == true)
        }
    }

    @Test("AUTH LOGIN, a wrong password, STARTTLS required but not offered, and a server that never answers: retried with the reason")
    func connectionProblems() async throws {
        let loginOnly = try SMTPSink(tls: true, auth: "tandem:s3cret", mechanisms: "LOGIN")
        defer { loginOnly.stop() }
        let plain = try SMTPSink()
        defer { plain.stop() }
        try await TestDatabase.with(.sqlite, migrator: deliveryMigrator) { (database: Database) async throws in
            let mail = try await Mailroom.make(database, addresses: ["a@example.com"])
            let id = try #require(mail.people.keys.first)
            let message = OutboundMessage(deliveryID: 1, postID: mail.post.id, employeeID: id, channel: .email, attempt: 1, leaseUntil: 0)

            try await mail.adapter(Self.settings(loginOnly, security: .requireStartTLS, user: "tandem", password: "s3cret")).send(message)
            #expect(try loginOnly.messages().first?["auth"] as? String == "tandem")

            await #expect { try await mail.adapter(Self.settings(loginOnly, user: "tandem", password: "wrong")).send(message) } throws: { error in
                guard case .retry(let reason, _) = error as? SendFailure else { return false }
                return reason.contains("535")
            }
            await #expect { try await mail.adapter(Self.settings(plain, security: .requireStartTLS)).send(message) } throws: { error in
                guard case .retry(let reason, _) = error as? SendFailure else { return false }
                return reason.contains("does not offer STARTTLS")
            }
            await #expect { try await mail.adapter(Self.settings(plain, security: .none, user: "tandem", password: "x")).send(message) } throws: { error in
                guard case .retry(let reason, _) = error as? SendFailure else { return false }
                return reason.contains("does not offer") || reason.contains("AUTH")
            }

            // A server that accepts the connection and says nothing.
            let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .childChannelInitializer { $0.eventLoop.makeSucceededVoidFuture() }
                .bind(host: "127.0.0.1", port: 0).get()
            defer { silent.close(promise: nil) }
            var quiet = SMTPSettings(host: "127.0.0.1", port: silent.localAddress?.port ?? 0, security: .none, timeout: 1, fromAddress: "news@example.com")
            quiet.connections = 1
            await #expect { try await mail.adapter(quiet).send(message) } throws: { error in
                guard case .retry(let reason, _) = error as? SendFailure else { return false }
                return reason.contains("did not answer within 1 s")
            }
        }
    }

    @Test("ten connections at most, reused across messages; an unsubscribed person is skipped; mandatory mail has no unsubscribe link",
          arguments: TestDatabase.kinds)
    func pool(kind: DatabaseKind) async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        try await TestDatabase.with(kind, migrator: deliveryMigrator) { (database: Database) async throws in
            let mail = try await Mailroom.make(database, addresses: (0..<60).map { "person\($0)@example.com" }, mandatory: false)
            let optedOut = try #require(mail.people.first { $0.value == "person7@example.com" }?.key)
            _ = try await database.transaction { db in
                try await db.raw("INSERT INTO delivery_optouts (employee_id, topic_id, channel, created_at) VALUES (\(bind: optedOut), \(bind: mail.room.topic.id), 'email', 0)").run()
            }
            let worker = DeliveryWorker(database: database, adapters: [mail.adapter(Self.settings(sink, security: .none, connections: 10))], owner: "node-a")
            let outcome = try await worker.drain(limit: 25)
            #expect(outcome.sent == 59 && outcome.skipped == 1)
            let messages = try sink.messages()
            #expect(messages.count == 59)
            let peers = Set(messages.compactMap { ($0["peer"] as? [Any])?.last as? Int })
            #expect(peers.count <= 10 && peers.count >= 2, "\(peers.count) connections")
            #expect(Set(messages.compactMap { $0["message_id"] as? String }).count == 59)
            #expect(try await mail.states()["person7@example.com"]?.state == "cancelled")
        }
        let mandatorySink = try SMTPSink()
        defer { mandatorySink.stop() }
        try await TestDatabase.with(kind, migrator: deliveryMigrator) { (database: Database) async throws in
            let mail = try await Mailroom.make(database, addresses: ["a@example.com"], mandatory: true)
            let optedOut = try #require(mail.people.keys.first)
            _ = try await database.transaction { db in
                try await db.raw("INSERT INTO delivery_optouts (employee_id, topic_id, channel, created_at) VALUES (\(bind: optedOut), 0, 'email', 0)").run()
            }
            let worker = DeliveryWorker(database: database, adapters: [mail.adapter(Self.settings(mandatorySink, security: .none))], owner: "node-a")
            #expect(try await worker.drain().sent == 1, "mandatory posts ignore opt-outs")
            let message = try #require(try mandatorySink.messages().first)
            #expect(message["list_unsubscribe"] is NSNull || message["list_unsubscribe"] == nil)
            #expect((message["text"] as? String)?.contains("mandatory") == true)
        }
    }
}
