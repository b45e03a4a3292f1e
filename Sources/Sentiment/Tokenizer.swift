import Foundation

/// One unit of a comment as the scorer sees it.
struct Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// Letters/digits with inner apostrophes ("don't", "great", "24h").
        case word
        /// A lexicon emoticon written as one whitespace-delimited chunk (":)", ":-(", "<3").
        case emoticon
        /// A single emoji grapheme (skin tones and variation selectors removed).
        case emoji
        /// Sentence or clause punctuation: . , ; : ! ? and line breaks (as "\n").
        case punctuation
    }

    let kind: Kind
    /// Lower-cased word, lower-cased emoticon, normalised emoji, or the punctuation character.
    let text: String
    /// The word was written in capitals (at least two letters, no lower-case letter).
    let shouted: Bool
    /// The word stretched a letter three or more times ("soooo") and was found only after collapsing it.
    var elongated: Bool = false

    var isSentenceEnd: Bool {
        kind == .punctuation && (text == "." || text == "!" || text == "?" || text == ";" || text == "\n")
    }
}

/// Splits text into `Token`s. Pure function of its input and the emoticon set.
struct Tokenizer: Sendable {
    let emoticons: Set<String>

    private static let punctuation: Set<Character> = [".", ",", ";", ":", "!", "?"]
    private static let entities: [(String, String)] = [
        ("&amp;", "&"), ("&quot;", "\""), ("&#39;", "'"), ("&apos;", "'"), ("&lt;", "<"), ("&gt;", ">"),
    ]

    func tokenize(_ input: String) -> [Token] {
        var text = input
        if text.contains("&") {
            for (entity, replacement) in Self.entities where text.contains(entity) {
                text = text.replacingOccurrences(of: entity, with: replacement)
            }
        }
        var tokens: [Token] = []
        tokens.reserveCapacity(text.utf8.count / 4)
        var chunk = Substring()
        var chunkStart = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character.isWhitespace {
                if chunkStart < index {
                    chunk = text[chunkStart..<index]
                    appendChunk(chunk, to: &tokens)
                }
                if character.isNewline {
                    tokens.append(Token(kind: .punctuation, text: "\n", shouted: false))
                }
                index = text.index(after: index)
                chunkStart = index
                continue
            }
            index = text.index(after: index)
        }
        if chunkStart < text.endIndex {
            appendChunk(text[chunkStart...], to: &tokens)
        }
        return tokens
    }

    private func appendChunk(_ chunk: Substring, to tokens: inout [Token]) {
        let lowered = chunk.lowercased()
        if isEmoticon(lowered) {
            tokens.append(Token(kind: .emoticon, text: lowered, shouted: false))
            return
        }
        // An emoticon followed by sentence punctuation: ":)." or ":(!!"
        var core = lowered[...]
        var trailing: [Character] = []
        while let last = core.last, Self.punctuation.contains(last), core.count > 1 {
            trailing.append(last)
            core = core.dropLast()
        }
        if !trailing.isEmpty, isEmoticon(String(core)) {
            tokens.append(Token(kind: .emoticon, text: String(core), shouted: false))
            for mark in trailing.reversed() {
                tokens.append(Token(kind: .punctuation, text: String(mark), shouted: false))
            }
            return
        }
        scanCharacters(chunk, into: &tokens)
    }

    /// Emoticons must contain at least one character that is neither a letter
    /// nor a digit, so plain words and numbers are never taken for emoticons.
    private func isEmoticon(_ candidate: String) -> Bool {
        guard candidate.count >= 2, emoticons.contains(candidate) else { return false }
        return candidate.contains { !$0.isLetter && !$0.isNumber }
    }

    private func scanCharacters(_ chunk: Substring, into tokens: inout [Token]) {
        var word = ""
        func flush() {
            guard !word.isEmpty else { return }
            let trimmed = word.trimmingApostrophes()
            word = ""
            guard !trimmed.isEmpty else { return }
            var letters = 0
            var upper = 0
            for character in trimmed where character.isLetter {
                letters += 1
                if character.isUppercase { upper += 1 }
            }
            let shouted = letters >= 2 && upper == letters
            tokens.append(Token(kind: .word, text: trimmed.lowercased(), shouted: shouted))
        }
        for character in chunk {
            if character == "'" || character == "\u{2019}" || character == "\u{2018}" {
                word.append("'")
            } else if character.isLetter || character.isNumber && !Self.isEmoji(character) {
                word.append(character)
            } else if Self.isEmoji(character) {
                flush()
                tokens.append(Token(kind: .emoji, text: Self.normaliseEmoji(character), shouted: false))
            } else if Self.punctuation.contains(character) {
                flush()
                tokens.append(Token(kind: .punctuation, text: String(character), shouted: false))
            } else {
                flush()
            }
        }
        flush()
    }

    static func isEmoji(_ character: Character) -> Bool {
        guard let first = character.unicodeScalars.first, !first.isASCII else { return false }
        if character.unicodeScalars.contains(where: { $0.properties.isEmojiPresentation }) { return true }
        if first.properties.isEmoji {
            if first.value >= 0x2600 { return true }
            return character.unicodeScalars.contains { $0.value == 0xFE0F }
        }
        return false
    }

    /// Drops variation selectors and skin-tone modifiers so "👍🏽" and "👍" share one entry.
    static func normaliseEmoji(_ character: Character) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in character.unicodeScalars {
            switch scalar.value {
            case 0xFE0E, 0xFE0F, 0x1F3FB...0x1F3FF: continue
            default: scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}

extension String {
    func trimmingApostrophes() -> String {
        var start = startIndex
        var end = endIndex
        while start < end, self[start] == "'" { start = index(after: start) }
        while end > start, self[index(before: end)] == "'" { end = index(before: end) }
        return String(self[start..<end])
    }
}
