public import Foundation

/// An email as Tandem sends it: multipart/alternative with a plain-text and an HTML part, both
/// UTF-8 in quoted-printable (so every line is 7-bit and at most 76 characters), headers in
/// RFC 2047 encoded words where they are not plain ASCII.
public struct MailMessage: Sendable, Equatable {
    public var fromName: String
    public var fromAddress: String
    public var toName: String
    public var toAddress: String
    public var subject: String
    public var messageID: String
    public var date: Date
    /// The text and HTML parts, already quoted-printable.
    public var encodedText: String
    public var encodedHTML: String
    /// `List-Unsubscribe` (with `List-Unsubscribe-Post: List-Unsubscribe=One-Click`, RFC 8058).
    public var unsubscribeURL: String?
    /// Extra `X-` headers (ASCII values).
    public var extraHeaders: [(String, String)]
    public var boundary: String

    public init(fromName: String, fromAddress: String, toName: String, toAddress: String, subject: String, messageID: String, date: Date,
                text: String, html: String, unsubscribeURL: String? = nil, extraHeaders: [(String, String)] = [],
                boundary: String = MailMessage.newBoundary()) {
        self.init(fromName: fromName, fromAddress: fromAddress, toName: toName, toAddress: toAddress, subject: subject, messageID: messageID, date: date,
                  encodedText: MIME.quotedPrintable(text), encodedHTML: MIME.quotedPrintable(html), unsubscribeURL: unsubscribeURL,
                  extraHeaders: extraHeaders, boundary: boundary)
    }

    public static func newBoundary() -> String { "=_tandem_" + UUID().uuidString.replacingOccurrences(of: "-", with: "") }

    public init(fromName: String, fromAddress: String, toName: String, toAddress: String, subject: String, messageID: String, date: Date,
                encodedText: String, encodedHTML: String, unsubscribeURL: String? = nil, extraHeaders: [(String, String)] = [],
                boundary: String = MailMessage.newBoundary()) {
        self.fromName = fromName
        self.fromAddress = fromAddress
        self.toName = toName
        self.toAddress = toAddress
        self.subject = subject
        self.messageID = messageID
        self.date = date
        self.encodedText = encodedText
        self.encodedHTML = encodedHTML
        self.unsubscribeURL = unsubscribeURL
        self.extraHeaders = extraHeaders
        self.boundary = boundary
    }

    public static func == (lhs: MailMessage, rhs: MailMessage) -> Bool { lhs.render() == rhs.render() }

    /// The message as CRLF lines, before SMTP's dot-stuffing.
    public func render() -> String {
        var headers: [(String, String)] = [
            ("Date", MIME.date(date)),
            ("From", MIME.mailbox(name: fromName, address: fromAddress)),
            ("To", MIME.mailbox(name: toName, address: toAddress)),
            ("Subject", MIME.encodedWords(subject)),
            ("Message-ID", "<\(messageID)>"),
            ("MIME-Version", "1.0"),
            ("Auto-Submitted", "auto-generated"),
        ]
        if let unsubscribeURL {
            headers.append(("List-Unsubscribe", "<\(unsubscribeURL)>"))
            headers.append(("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
        }
        headers += extraHeaders
        // Folded so the line stays within 78 characters (RFC 5322 §2.1.1).
        headers.append(("Content-Type", "multipart/alternative;\r\n boundary=\"\(boundary)\""))
        var out = ""
        for (name, value) in headers {
            let clean = MIME.sanitizedHeader(value)
            // A long unbroken value (an unsubscribe URL) starts on a continuation line, which
            // keeps the line within 78 characters unless the value alone is longer.
            let fits = clean.contains("\r\n") || name.utf8.count + 2 + clean.utf8.count <= 78
            out += fits ? "\(name): \(clean)\r\n" : "\(name):\r\n \(clean)\r\n"
        }
        out += "\r\n"
        out += "This is a multipart message in MIME format.\r\n"
        for (type, body) in [("text/plain", encodedText), ("text/html", encodedHTML)] {
            out += "--\(boundary)\r\n"
            out += "Content-Type: \(type); charset=utf-8\r\n"
            out += "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
            out += body
            out += "\r\n"
        }
        out += "--\(boundary)--\r\n"
        return out
    }

    /// The bytes after DATA: lines starting with "." doubled (RFC 5321 §4.5.2), then CRLF.CRLF.
    public func smtpData() -> [UInt8] {
        let rendered = Array(render().utf8)
        var out: [UInt8] = []
        out.reserveCapacity(rendered.count + 64)
        var lineStart = true
        for byte in rendered {
            if lineStart && byte == UInt8(ascii: ".") { out.append(UInt8(ascii: ".")) }
            out.append(byte)
            lineStart = byte == UInt8(ascii: "\n")
        }
        if !lineStart { out += Array("\r\n".utf8) }
        out += Array(".\r\n".utf8)
        return out
    }
}

/// The encodings a message needs, kept apart so each is tested on its own.
enum MIME {
    /// Header values never carry line breaks or other controls (no header injection).
    static func sanitizedHeader(_ value: String) -> String {
        // Folded encoded words keep their CRLF + space; anything else that breaks a line is a space.
        let lines = value.components(separatedBy: "\r\n ")
        return lines.map { line in
            String(String.UnicodeScalarView(line.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
        }.joined(separator: "\r\n ")
    }

    static func isPlainASCII(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F } && !text.contains("=?")
    }

    /// `text` as is when printable ASCII, else as RFC 2047 B encoded words of at most 75
    /// characters, folded onto continuation lines, never splitting a character.
    static func encodedWords(_ text: String) -> String {
        let clean = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
        if isPlainASCII(clean) { return clean }
        var words: [String] = []
        var chunk: [UInt8] = []
        // 39 bytes become 52 base64 characters; with "=?UTF-8?B?" and "?=" a word is 64, so
        // even the first one fits after "Subject: " within 78 characters.
        for character in clean {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 39, !chunk.isEmpty {
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words.joined(separator: "\r\n ")
    }

    /// `Name <address>`: the name quoted when ASCII, encoded words otherwise.
    static func mailbox(name: String, address: String) -> String {
        let trimmed = String(String.UnicodeScalarView(name.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
            .trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return "<\(address)>" }
        let phrase: String
        if isPlainASCII(trimmed) {
            phrase = "\"" + trimmed.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        } else {
            phrase = encodedWords(trimmed)
        }
        // The address goes on a continuation line when the last line would pass 78 characters.
        let lastLine = phrase.components(separatedBy: "\r\n ").last ?? phrase
        return lastLine.utf8.count + address.utf8.count + 9 > 78 ? "\(phrase)\r\n <\(address)>" : "\(phrase) <\(address)>"
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// Quoted-printable (RFC 2045 §6.7): CRLF line ends, soft breaks before 76 characters,
    /// "=", non-ASCII and controls as =XX, trailing spaces encoded, and a "." opening a line
    /// encoded too so no line is ever a lone dot.
    static func quotedPrintable(_ text: String) -> String {
        var out: [UInt8] = []
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        let lines = normalised.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            var width = 0
            let bytes = Array(line.utf8)
            for (position, byte) in bytes.enumerated() {
                let last = position == bytes.count - 1
                let literal = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "="))
                    || ((byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")) && !last)
                let encodeDot = byte == UInt8(ascii: ".") && width == 0
                let piece: [UInt8] = literal && !encodeDot
                    ? [byte]
                    : [UInt8(ascii: "="), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
                // Keep room for the soft break "=" within 76 characters.
                if width + piece.count > 75 {
                    out += [UInt8(ascii: "="), UInt8(ascii: "\r"), UInt8(ascii: "\n")]
                    width = 0
                    if piece == [UInt8(ascii: ".")] {
                        out += Array("=2E".utf8)
                        width = 3
                        continue
                    }
                }
                out += piece
                width += piece.count
            }
            if index < lines.count - 1 { out += [UInt8(ascii: "\r"), UInt8(ascii: "\n")] }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// RFC 5322 date in UTC: `Wed, 25 Nov 2026 09:30:00 +0000`.
    static func date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int?) -> String { let v = n ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(days[(c.weekday ?? 1) - 1]), \(two(c.day)) \(months[(c.month ?? 1) - 1]) \(c.year ?? 1970) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) +0000"
    }
}
