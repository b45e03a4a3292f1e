import NIOCore

/// One SMTP reply: a three-digit code and its text lines (RFC 5321 §4.2).
struct SMTPReply: Sendable, Equatable {
    let code: Int
    let lines: [String]

    var text: String { lines.joined(separator: " ") }
    var isTransient: Bool { (400..<500).contains(code) }
    /// "550 5.1.1 no such user", cut to a length fit for a delivery's last error.
    var summary: String { String("\(code) \(text)".prefix(300)) }
}

/// Splits the server's bytes into replies. A reply is one or more lines `NNN-text` ending with a
/// line `NNN text`; a line too long, a bad code or a code that changes mid-reply is a protocol
/// error that closes the connection.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply
    static let maximumLine = 4_096
    static let maximumLines = 200

    private var code: Int?
    private var lines: [String] = []

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maximumLine { throw SMTPError.protocolViolation("a reply line longer than \(Self.maximumLine) bytes") }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex + 1
        guard length <= Self.maximumLine + 2, let raw = buffer.readString(length: length) else {
            throw SMTPError.protocolViolation("a reply line longer than \(Self.maximumLine) bytes")
        }
        var line = Substring(raw)
        while let last = line.last, last == "\n" || last == "\r" || last == "\r\n" { line = line.dropLast() }
        guard line.count >= 3, let code = Int(line.prefix(3)), (200...599).contains(code) else {
            throw SMTPError.protocolViolation("a reply that does not start with a code: \(line.prefix(80))")
        }
        let rest = line.dropFirst(3)
        let separator = rest.first
        guard separator == nil || separator == " " || separator == "-" else {
            throw SMTPError.protocolViolation("a reply code followed by '\(separator.map(String.init) ?? "")'")
        }
        if let current = self.code, current != code {
            throw SMTPError.protocolViolation("a reply whose code changed from \(current) to \(code) between lines")
        }
        self.code = code
        lines.append(String(rest.dropFirst()))
        if separator == "-" {
            guard lines.count < Self.maximumLines else { throw SMTPError.protocolViolation("a reply of more than \(Self.maximumLines) lines") }
            return .continue
        }
        let reply = SMTPReply(code: code, lines: lines)
        self.code = nil
        lines = []
        context.fireChannelRead(wrapInboundOut(reply))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// Why talking to the SMTP server failed.
public enum SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    case timeout(seconds: Int)
    case closed
    case protocolViolation(String)
    /// The server refused a step; `stage` is greeting, ehlo, starttls, auth, mail, recipient, data or message.
    case rejected(stage: String, code: Int, text: String)
    case configuration(String)

    public var description: String {
        switch self {
        case .timeout(let seconds): "the SMTP server did not answer within \(seconds) s"
        case .closed: "the SMTP server closed the connection"
        case .protocolViolation(let what): "the SMTP server sent \(what)"
        case .rejected(let stage, let code, let text): "the SMTP server refused \(stage): \(code) \(text)"
        case .configuration(let what): what
        }
    }

    static func rejected(_ stage: String, _ reply: SMTPReply) -> SMTPError {
        .rejected(stage: stage, code: reply.code, text: String(reply.text.prefix(300)))
    }
}
