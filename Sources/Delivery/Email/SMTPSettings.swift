import Foundation

/// Where and how Tandem sends email, from `TANDEM_SMTP_URL` and `TANDEM_MAIL_FROM`:
///
///     smtp://user:password@mail.example.com:587?starttls=required&connections=10
///     smtps://mail.example.com:465
///
/// `starttls` is `optional` (the default: upgrade when offered), `required` or `off`; `smtps`
/// is TLS from the first byte. `ca` names a PEM file of certificates to trust instead of the
/// system's. Passwords are never sent without TLS, except to a loopback address.
public struct SMTPSettings: Sendable, Equatable {
    public enum Security: String, Sendable, Equatable {
        case opportunistic, requireStartTLS, implicitTLS, none
    }

    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    public var security: Security
    public var caFile: String?
    /// Connections kept open at most; each sends one message at a time.
    public var connections: Int
    /// Seconds to wait for any reply before giving up on the connection.
    public var timeout: Int
    /// Messages sent on one connection before it is closed and a fresh one opened.
    public var messagesPerConnection: Int
    public var fromAddress: String
    public var fromName: String
    /// The name given in EHLO.
    public var heloName: String

    public init(host: String, port: Int, username: String? = nil, password: String? = nil, security: Security = .opportunistic,
                caFile: String? = nil, connections: Int = 10, timeout: Int = 30, messagesPerConnection: Int = 1_000,
                fromAddress: String, fromName: String = "Tandem", heloName: String = "localhost") {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.security = security
        self.caFile = caFile
        self.connections = connections
        self.timeout = timeout
        self.messagesPerConnection = messagesPerConnection
        self.fromAddress = fromAddress
        self.fromName = fromName
        self.heloName = heloName
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// Reads the URL and the sender (`Name <address>` or a bare address).
    public static func parse(url text: String, from sender: String, heloName: String = "localhost") throws -> SMTPSettings {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), scheme == "smtp" || scheme == "smtps",
              let host = url.host, !host.isEmpty else {
            throw Invalid("TANDEM_SMTP_URL must look like smtp://user:password@host:587 or smtps://host:465 (got '\(text.prefix(60))').")
        }
        let port = url.port ?? (scheme == "smtps" ? 465 : 25)
        guard (1...65535).contains(port) else { throw Invalid("TANDEM_SMTP_URL has port \(port); use 1–65535.") }
        var query: [String: String] = [:]
        for item in url.queryItems ?? [] { query[item.name.lowercased()] = item.value ?? "" }
        let known: Set<String> = ["starttls", "ca", "connections", "timeout", "messages_per_connection"]
        if let unknown = query.keys.first(where: { !known.contains($0) }) {
            throw Invalid("TANDEM_SMTP_URL has an unknown option '\(unknown)'; known: \(known.sorted().joined(separator: ", ")).")
        }
        var security: Security = scheme == "smtps" ? .implicitTLS : .opportunistic
        if let value = query["starttls"] {
            guard scheme == "smtp" else { throw Invalid("TANDEM_SMTP_URL: starttls applies to smtp://, not smtps:// (which is TLS from the start).") }
            switch value.lowercased() {
            case "optional": security = .opportunistic
            case "required": security = .requireStartTLS
            case "off": security = .none
            default: throw Invalid("TANDEM_SMTP_URL: starttls must be optional, required or off (got '\(value)').")
            }
        }
        func number(_ key: String, _ range: ClosedRange<Int>, _ fallback: Int) throws -> Int {
            guard let raw = query[key] else { return fallback }
            guard let value = Int(raw), range.contains(value) else {
                throw Invalid("TANDEM_SMTP_URL: \(key) must be a whole number from \(range.lowerBound) to \(range.upperBound) (got '\(raw)').")
            }
            return value
        }
        let (name, address) = try parseSender(sender)
        let user = url.percentEncodedUser.flatMap { $0.removingPercentEncoding }
        let password = url.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        if let ca = query["ca"], !FileManager.default.isReadableFile(atPath: ca) {
            throw Invalid("TANDEM_SMTP_URL: the ca file \(ca) cannot be read.")
        }
        return SMTPSettings(host: host, port: port, username: user.flatMap { $0.isEmpty ? nil : $0 }, password: password,
                            security: security, caFile: query["ca"].flatMap { $0.isEmpty ? nil : $0 },
                            connections: try number("connections", 1...100, 10), timeout: try number("timeout", 1...600, 30),
                            messagesPerConnection: try number("messages_per_connection", 1...1_000_000, 1_000),
                            fromAddress: address, fromName: name, heloName: heloName)
    }

    /// Checks what can be checked before the first message: that the CA file holds certificates.
    public func validate() throws {
        guard security != .none, caFile != nil else { return }
        do {
            _ = try SMTPConnection.tlsContext(self)
        } catch {
            throw Invalid("TANDEM_SMTP_URL: the ca file \(caFile ?? "") holds no usable PEM certificates (\(error)).")
        }
    }

    /// `Tandem News <news@example.com>` or `news@example.com`.
    static func parseSender(_ text: String) throws -> (name: String, address: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var name = "Tandem", address = trimmed
        if let open = trimmed.lastIndex(of: "<"), trimmed.hasSuffix(">") {
            name = trimmed[..<open].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        }
        guard EmailAddress.isDeliverable(address) else {
            throw Invalid("TANDEM_MAIL_FROM must be an address such as 'Tandem <news@example.com>' (got '\(text.prefix(80))').")
        }
        guard !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw Invalid("TANDEM_MAIL_FROM: the sender's name must be one line.")
        }
        return (name.isEmpty ? "Tandem" : name, address)
    }
}

/// The addresses Tandem sends to: plain ASCII `local@domain` that fits SMTP's limits. Anything
/// else (spaces, quotes, angle brackets, line breaks, non-ASCII that would need SMTPUTF8) is
/// refused before a server sees it.
public enum EmailAddress {
    public static func isDeliverable(_ address: String) -> Bool {
        let bytes = Array(address.utf8)
        guard bytes.count <= 254, let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { return false }
        let local = bytes[..<at], domain = bytes[(at + 1)...]
        guard (1...64).contains(local.count), (1...253).contains(domain.count) else { return false }
        let localAllowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~.".utf8)
        guard local.allSatisfy(localAllowed.contains), local.first != UInt8(ascii: "."), local.last != UInt8(ascii: "."),
              !zip(local, local.dropFirst()).contains(where: { $0 == UInt8(ascii: ".") && $1 == UInt8(ascii: ".") }) else { return false }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2 || String(decoding: domain, as: UTF8.self) == "localhost" else { return false }
        let labelAllowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-".utf8)
        return labels.allSatisfy { label in
            (1...63).contains(label.count) && label.allSatisfy(labelAllowed.contains) && label.first != UInt8(ascii: "-") && label.last != UInt8(ascii: "-")
        }
    }

    /// The domain part, for Message-IDs.
    static func domain(of address: String) -> String {
        address.split(separator: "@").last.map(String.init) ?? "localhost"
    }
}
