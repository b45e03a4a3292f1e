import AsyncHTTPClient
public import Content
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import SQLKit
public import TandemStore

/// Sends a post's SMS text to a person's mobile number through the gateway in `channel_settings`.
///
/// | Gateway answer | Delivery |
/// |---|---|
/// | 2xx with a JSON body (its `sid` or `id` is kept) | `sent` |
/// | 429 | `failed`, due after Retry-After; the channel holds off until then |
/// | 408, 5xx, a timeout, no connection, 2xx that is not JSON, 401/403 | `failed`, retried; counts towards the pause |
/// | other 4xx (a number the gateway refuses) | `dead` |
///
/// After `pauseAfter` channel failures in a row the channel is paused for every server, with
/// the reason, until an admin resumes it. Each request carries `Idempotency-Key: tandem-d<id>`,
/// so gateways that honour it drop a repeat after a crash.
public struct SMSAdapter: ChannelAdapter {
    public var channel: Content.Channel { .sms }
    public var concurrency: Int { 4 }
    let database: Database
    let posts: PostStore
    let settings: ChannelSettingsStore
    let client: HTTPClient
    let pacer = ChannelPacer()
    let cache = SentPostCache()
    /// The largest answer read.
    static let maximumAnswer = 64 * 1_024

    public init(database: Database, posts: PostStore, settings: ChannelSettingsStore, client: HTTPClient = .shared) {
        self.database = database
        self.posts = posts
        self.settings = settings
        self.client = client
    }

    public func isReady() async -> Bool {
        guard !(await pacer.isHeld()), let current = try? await settings.smsForSending() else { return false }
        return !current.paused
    }

    public func send(_ message: OutboundMessage) async throws -> String? {
        guard let current = try await settings.smsForSending() else { throw SendFailure.retry(reason: "no SMS gateway is set up", after: 300) }
        if current.paused { throw SendFailure.retry(reason: "the SMS channel is paused", after: 300) }
        if await pacer.isHeld(), let until = await pacer.holdUntil {
            throw SendFailure.retry(reason: "the gateway asked to slow down", after: max(1, until.timeIntervalSinceNow))
        }
        guard let row = try await database.reader.raw("SELECT mobile_phone FROM employees WHERE id = \(bind: message.employeeID)").first() else {
            throw SendFailure.permanent(reason: "the employee no longer exists")
        }
        guard let raw = try row.decode(column: "mobile_phone", as: String?.self), !raw.isEmpty else {
            throw SendFailure.permanent(reason: "the employee has no mobile number")
        }
        guard let number = PhoneNumber.normalized(raw) else { throw SendFailure.permanent(reason: "\(raw.prefix(30)) is not an international mobile number") }
        guard let sent = try await cache.post(message.postID, posts: posts, database: database) else {
            throw SendFailure.permanent(reason: "the post's published version is missing")
        }
        if !sent.content.mandatory,
           try await OptOutStore(database: database).isOptedOut(employee: message.employeeID, topics: sent.content.topicIDs, channel: .sms) {
            throw SendFailure.skipped(reason: "unsubscribed from these text messages")
        }
        try await PreferenceStore(database: database).hold(message, channel: .sms, content: sent.content)
        let language = try await database.reader.raw("SELECT language FROM employees WHERE id = \(bind: message.employeeID)").first()?
            .decode(column: "language", as: String.self) ?? sent.content.fallbackLanguage
        guard let variant = sent.content.variant(for: language) else { throw SendFailure.permanent(reason: "the post has no text for this person") }
        let text = (message.round > 0 ? "Reminder: " : "") + PostRules.channelText(variant, channel: .sms)

        try await pacer.acquire(rate: current.gateway.ratePerSecond, burst: current.gateway.burst)
        // A reminder is a new message for the gateway: its own idempotency key.
        let key = "tandem-d\(message.deliveryID)" + (message.round > 0 ? "-r\(message.round)" : "")
        return try await post(to: number, text: text, idempotencyKey: key, gateway: current.gateway, token: current.token)
    }

    /// One gateway call, its answer sorted into the outcomes above.
    func post(to number: String, text: String, idempotencyKey: String?, gateway: SMSGateway, token: String?) async throws -> String? {
        var request = HTTPClientRequest(url: gateway.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        if let idempotencyKey { request.headers.add(name: "Idempotency-Key", value: idempotencyKey) }
        if !gateway.username.isEmpty || token != nil {
            request.headers.add(name: "Authorization", value: "Basic " + Data("\(gateway.username):\(token ?? "")".utf8).base64EncodedString())
        }
        request.body = .bytes(ByteBuffer(string: FormEncoding.encode([("To", number), ("From", gateway.from), ("Body", text)])))
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await client.execute(request, timeout: .seconds(Int64(gateway.timeoutSeconds)))
            bytes = try await response.body.collect(upTo: Self.maximumAnswer)
        } catch {
            throw try await channelFailure("the SMS gateway could not be reached or did not answer within \(gateway.timeoutSeconds) s (\(error))", gateway)
        }
        let status = response.status.code
        let answer = try? JSONSerialization.jsonObject(with: Data(buffer: bytes))
        let detail = (answer as? [String: Any]).flatMap { ($0["message"] as? String) ?? ($0["error"] as? String) } ?? String(String(buffer: bytes).prefix(200))
        switch status {
        case 200..<300:
            guard let object = answer as? [String: Any] else {
                throw try await channelFailure("the SMS gateway answered \(status) but not with JSON; check the gateway URL", gateway)
            }
            await pacer.succeeded()
            return (object["sid"] as? String) ?? (object["id"] as? String) ?? (object["id"] as? Int).map(String.init) ?? "accepted"
        case 429:
            let wait = response.headers.first(name: "Retry-After").flatMap { Double($0) }.map { min(3_600, max(1, $0)) } ?? 30
            await pacer.hold(until: Date().addingTimeInterval(wait))
            throw SendFailure.retry(reason: "the SMS gateway asked to slow down (429); retrying after \(Int(wait)) s", after: wait)
        case 401, 403:
            throw try await channelFailure("the SMS gateway refused the account id or token (\(status)): \(detail)", gateway)
        case 408, 500..<600:
            throw try await channelFailure("the SMS gateway failed (\(status)): \(detail)", gateway)
        default:
            await pacer.succeeded()
            throw SendFailure.permanent(reason: "the SMS gateway refused this message (\(status)): \(detail)")
        }
    }

    /// A failure of the gateway rather than of one number: retried, and counted towards the pause.
    func channelFailure(_ reason: String, _ gateway: SMSGateway) async throws -> SendFailure {
        if await pacer.failed(limit: gateway.pauseAfter) {
            try await settings.pause(.sms, reason: "\(gateway.pauseAfter) failures in a row; the last: \(reason)")
            // Counting starts again once an admin resumes the channel.
            await pacer.succeeded()
        }
        return SendFailure.retry(reason: reason, after: nil)
    }

    /// Sends a text that is not a post (a survey invitation) to an employee's mobile number, paced
    /// and with the same outcomes as a post. `key` is the gateway's idempotency key.
    public func sendNotice(to employeeID: Int64, text: String, key: String) async throws -> String? {
        guard let current = try await settings.smsForSending() else { throw SendFailure.retry(reason: "no SMS gateway is set up", after: 300) }
        if current.paused { throw SendFailure.retry(reason: "the SMS channel is paused", after: 300) }
        if await pacer.isHeld(), let until = await pacer.holdUntil {
            throw SendFailure.retry(reason: "the gateway asked to slow down", after: max(1, until.timeIntervalSinceNow))
        }
        guard let row = try await database.reader.raw("SELECT mobile_phone FROM employees WHERE id = \(bind: employeeID)").first() else {
            throw SendFailure.permanent(reason: "the employee no longer exists")
        }
        guard let raw = try row.decode(column: "mobile_phone", as: String?.self), !raw.isEmpty else {
            throw SendFailure.permanent(reason: "the employee has no mobile number")
        }
        guard let number = PhoneNumber.normalized(raw) else { throw SendFailure.permanent(reason: "\(raw.prefix(30)) is not an international mobile number") }
        if try await OptOutStore(database: database).isOptedOut(employee: employeeID, topics: [], channel: .sms) {
            throw SendFailure.skipped(reason: "unsubscribed from all optional text messages")
        }
        try await pacer.acquire(rate: current.gateway.ratePerSecond, burst: current.gateway.burst)
        return try await post(to: number, text: text, idempotencyKey: "tandem-" + key, gateway: current.gateway, token: current.token)
    }

    /// Sends one text outside the outbox (sign-in links); throws SendFailure with the reason.
    public func sendText(to number: String, text: String) async throws -> String? {
        guard let normalized = PhoneNumber.normalized(number) else { throw SendFailure.permanent(reason: "\(number.prefix(30)) is not an international mobile number") }
        guard let current = try await settings.smsForSending() else { throw SendFailure.permanent(reason: "no SMS gateway is set up") }
        return try await post(to: normalized, text: text, idempotencyKey: nil, gateway: current.gateway, token: current.token)
    }

    /// Sends a test message to `number` (admins checking the settings); throws with the reason.
    public func sendTest(to number: String) async throws -> String? {
        guard let normalized = PhoneNumber.normalized(number) else { throw SendFailure.permanent(reason: "\(number.prefix(30)) is not an international mobile number such as +15551234567") }
        guard let current = try await settings.smsForSending() else { throw SendFailure.permanent(reason: "no SMS gateway is set up") }
        return try await post(to: normalized, text: "Tandem test message: SMS works.", idempotencyKey: nil, gateway: current.gateway, token: current.token)
    }
}

/// application/x-www-form-urlencoded, as HTML forms and gateways read it.
enum FormEncoding {
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._*")

    static func encode(_ fields: [(String, String)]) -> String {
        fields.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }

    static func escape(_ text: String) -> String {
        (text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "").replacingOccurrences(of: "%20", with: "+")
    }
}
