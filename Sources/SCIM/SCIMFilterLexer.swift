import Foundation

/// Splits a filter into words, quoted strings and brackets, remembering 1-based positions.
enum SCIMFilterLexer {
    struct Token: Sendable {
        enum Kind: Sendable { case word, string, open, close, openBracket, closeBracket }
        let kind: Kind
        /// For strings, the unescaped value.
        let text: String
        let position: Int

        func isWord(_ word: String) -> Bool { kind == .word && text.lowercased() == word }

        var shown: String {
            switch kind {
            case .string: "the string \"\(text.prefix(40))\""
            case .word: "'\(text.prefix(40))'"
            case .open: "'('"
            case .close: "')'"
            case .openBracket: "'['"
            case .closeBracket: "']'"
            }
        }
    }

    static func tokens(_ text: String) throws -> [Token] {
        let characters = Array(text)
        var tokens: [Token] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            let position = index + 1
            switch character {
            case " ", "\t", "\n", "\r": index += 1
            case "(": tokens.append(Token(kind: .open, text: "(", position: position)); index += 1
            case ")": tokens.append(Token(kind: .close, text: ")", position: position)); index += 1
            case "[": tokens.append(Token(kind: .openBracket, text: "[", position: position)); index += 1
            case "]": tokens.append(Token(kind: .closeBracket, text: "]", position: position)); index += 1
            case "\"":
                let (value, next) = try string(characters, from: index)
                tokens.append(Token(kind: .string, text: value, position: position))
                index = next
            default:
                var end = index
                while end < characters.count, !" \t\n\r()[]\"".contains(characters[end]) { end += 1 }
                tokens.append(Token(kind: .word, text: String(characters[index..<end]), position: position))
                index = end
            }
        }
        return tokens
    }

    /// A JSON string literal starting at the opening quote (RFC 8259 §7 escapes).
    static func string(_ characters: [Character], from start: Int) throws -> (String, Int) {
        var value = ""
        var index = start + 1
        while index < characters.count {
            let character = characters[index]
            if character == "\"" { return (value, index + 1) }
            if character == "\\" {
                guard index + 1 < characters.count else { break }
                let escaped = characters[index + 1]
                switch escaped {
                case "\"", "\\", "/": value.append(escaped)
                case "b": value.append("\u{8}")
                case "f": value.append("\u{c}")
                case "n": value.append("\n")
                case "r": value.append("\r")
                case "t": value.append("\t")
                case "u":
                    let hex = String(characters[min(index + 2, characters.count)..<min(index + 6, characters.count)])
                    guard hex.count == 4, let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
                        throw SCIMError.invalidFilter("At position \(index + 1): '\\u' must be followed by four hex digits of a character.")
                    }
                    guard code != 0 else { throw SCIMError.invalidFilter("At position \(index + 1): a string must not contain NUL (\\u0000).") }
                    value.unicodeScalars.append(scalar)
                    index += 4
                default:
                    throw SCIMError.invalidFilter("At position \(index + 1): unknown escape '\\\(escaped)' in a string.")
                }
                index += 2
                continue
            }
            guard character != "\u{0}" else { throw SCIMError.invalidFilter("At position \(index + 1): a string must not contain NUL.") }
            value.append(character)
            index += 1
        }
        throw SCIMError.invalidFilter("At position \(start + 1): the string is not closed; expected a '\"' before the end of the filter.")
    }

    static func literal(_ token: Token) throws -> SCIMLiteral {
        switch token.kind {
        case .string: return .string(token.text)
        case .word:
            switch token.text {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            default:
                if token.text.range(of: #"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$"#, options: .regularExpression) != nil,
                    let number = Double(token.text), number.isFinite {
                    return .number(number)
                }
            }
        default: break
        }
        throw SCIMError.invalidFilter("At position \(token.position): expected a value (a \"string\", number, true, false or null), found \(token.shown).")
    }
}

/// SCIM dateTime values (xsd:dateTime, RFC 7643 §2.3.5) as milliseconds since 1970.
public enum SCIMDate {
    public static func parse(_ text: String) -> Int64? {
        for style in [Date.ISO8601FormatStyle(includingFractionalSeconds: true), Date.ISO8601FormatStyle()] {
            if let date = try? style.parse(text) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        }
        return nil
    }

    /// Formatted from whole milliseconds by arithmetic: going through a Double can print
    /// .209 for 210 ms, and then the rendered date would not equal the stored one.
    public static func format(_ millis: Int64) -> String {
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let fraction = Int(millis - seconds * 1000)
        let base = Date(timeIntervalSince1970: Double(seconds)).formatted(Date.ISO8601FormatStyle())
        return base.dropLast() + "." + String(repeating: "0", count: 3 - String(fraction).count) + String(fraction) + "Z"
    }
}
