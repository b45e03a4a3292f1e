import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// One open, greeted (and, where configured, encrypted and authenticated) SMTP session that
/// sends one message at a time. Any error leaves it unusable; the pool then drops it.
final class SMTPConnection: Sendable {
    let channel: any Channel
    /// EHLO keywords the server announced, upper-cased (`STARTTLS`, `AUTH`, `SIZE`…).
    let extensions: Set<String>
    let encrypted: Bool

    private init(channel: any Channel, extensions: Set<String>, encrypted: Bool) {
        self.channel = channel
        self.extensions = extensions
        self.encrypted = encrypted
    }

    var isActive: Bool { channel.isActive }

    static func tlsContext(_ settings: SMTPSettings) throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if let ca = settings.caFile {
            tls.trustRoots = .file(ca)
        }
        return try NIOSSLContext(configuration: tls)
    }

    /// Connects, reads the greeting, says EHLO, upgrades with STARTTLS and authenticates as the
    /// settings ask.
    static func open(_ settings: SMTPSettings, tls: NIOSSLContext?, group: any EventLoopGroup) async throws -> SMTPConnection {
        let loop = group.next()
        let greeting = loop.makePromise(of: SMTPReply.self)
        let timeout = TimeAmount.seconds(Int64(settings.timeout))
        let implicit = settings.security == .implicitTLS
        let hostname = Self.isIPAddress(settings.host) ? nil : settings.host
        if implicit && tls == nil { throw SMTPError.configuration("smtps:// needs a TLS context") }
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let sync = channel.pipeline.syncOperations
                        if implicit, let tls {
                            try sync.addHandler(NIOSSLClientHandler(context: tls, serverHostname: hostname))
                        }
                        try sync.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                        try sync.addHandler(SMTPClientHandler(greeting: greeting, timeout: timeout))
                    }
                }
                .connect(host: settings.host, port: settings.port).get()
        } catch {
            greeting.fail(error)
            throw error
        }
        do {
            let hello = try await greeting.futureResult.get()
            guard hello.code == 220 else { throw SMTPError.rejected("the connection", hello) }
            var extensions = try await ehlo(channel, name: settings.heloName)
            var encrypted = implicit
            if !implicit && settings.security != .none {
                if extensions.contains("STARTTLS") {
                    guard let tls else { throw SMTPError.configuration("STARTTLS needs a TLS context") }
                    let reply = try await command(channel, "STARTTLS")
                    guard reply.code == 220 else { throw SMTPError.rejected("STARTTLS", reply) }
                    try await channel.eventLoop.submit {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: hostname), position: .first)
                    }.get()
                    encrypted = true
                    extensions = try await ehlo(channel, name: settings.heloName)
                } else if settings.security == .requireStartTLS {
                    throw SMTPError.configuration("the SMTP server \(settings.host) does not offer STARTTLS, and TANDEM_SMTP_URL requires it")
                }
            }
            if let user = settings.username {
                guard encrypted || Self.isLoopback(settings.host) else {
                    throw SMTPError.configuration("the SMTP server \(settings.host) offers no TLS, so the password is not sent; use starttls=required or smtps://")
                }
                try await authenticate(channel, user: user, password: settings.password ?? "", mechanisms: extensions)
            }
            return SMTPConnection(channel: channel, extensions: extensions, encrypted: encrypted)
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    /// MAIL FROM, RCPT TO, DATA, then the message; returns the server's acceptance. A refusal
    /// of MAIL or RCPT is followed by RSET so the connection can carry the next message.
    func send(from: String, to: String, message: ByteBuffer) async throws -> SMTPReply {
        let mail = try await Self.command(channel, "MAIL FROM:<\(from)>")
        guard mail.code == 250 else {
            try await reset()
            throw SMTPError.rejected("the sender", mail)
        }
        let recipient = try await Self.command(channel, "RCPT TO:<\(to)>")
        guard recipient.code == 250 || recipient.code == 251 else {
            try await reset()
            throw SMTPError.rejected("the recipient", recipient)
        }
        let data = try await Self.command(channel, "DATA")
        guard data.code == 354 else {
            try await reset()
            throw SMTPError.rejected("DATA", data)
        }
        let accepted = try await Self.request(channel, message)
        guard accepted.code == 250 else { throw SMTPError.rejected("the message", accepted) }
        return accepted
    }

    /// Says QUIT and closes.
    func close() async {
        _ = try? await Self.command(channel, "QUIT")
        try? await channel.close()
    }

    private func reset() async throws {
        let reply = try await Self.command(channel, "RSET")
        guard reply.code == 250 else { throw SMTPError.rejected("RSET", reply) }
    }

    private static func ehlo(_ channel: any Channel, name: String) async throws -> Set<String> {
        let reply = try await command(channel, "EHLO \(name)")
        guard reply.code == 250 else { throw SMTPError.rejected("EHLO", reply) }
        var keywords = Set<String>()
        for line in reply.lines.dropFirst() {
            let words = line.uppercased().split(separator: " ")
            guard let first = words.first else { continue }
            keywords.insert(String(first))
            // AUTH mechanisms are kept as AUTH=PLAIN and so on.
            if first == "AUTH" { for word in words.dropFirst() { keywords.insert("AUTH=\(word)") } }
        }
        return keywords
    }

    private static func authenticate(_ channel: any Channel, user: String, password: String, mechanisms: Set<String>) async throws {
        if mechanisms.contains("AUTH=PLAIN") {
            let token = Data(("\0" + user + "\0" + password).utf8).base64EncodedString()
            let reply = try await command(channel, "AUTH PLAIN \(token)")
            guard reply.code == 235 else { throw SMTPError.rejected("the user name and password (AUTH PLAIN)", reply) }
        } else if mechanisms.contains("AUTH=LOGIN") {
            let start = try await command(channel, "AUTH LOGIN")
            guard start.code == 334 else { throw SMTPError.rejected("AUTH LOGIN", start) }
            let name = try await command(channel, Data(user.utf8).base64EncodedString())
            guard name.code == 334 else { throw SMTPError.rejected("the user name (AUTH LOGIN)", name) }
            let done = try await command(channel, Data(password.utf8).base64EncodedString())
            guard done.code == 235 else { throw SMTPError.rejected("the user name and password (AUTH LOGIN)", done) }
        } else {
            throw SMTPError.configuration("the SMTP server offers neither AUTH PLAIN nor AUTH LOGIN; Tandem supports those two")
        }
    }

    static func command(_ channel: any Channel, _ line: String) async throws -> SMTPReply {
        var buffer = channel.allocator.buffer(capacity: line.utf8.count + 2)
        buffer.writeString(line)
        buffer.writeString("\r\n")
        return try await request(channel, buffer)
    }

    static func request(_ channel: any Channel, _ bytes: ByteBuffer) async throws -> SMTPReply {
        let promise = channel.eventLoop.makePromise(of: SMTPReply.self)
        channel.writeAndFlush(SMTPRequest(bytes: bytes, replies: [promise])).whenFailure { error in
            promise.fail(error)
        }
        return try await promise.futureResult.get()
    }

    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
