import Foundation

/// Errors raised while loading the bundled word list.
public enum SentimentError: Error, Sendable, Equatable {
    /// The lexicon resource is not in the module bundle.
    case lexiconMissing
    /// The lexicon resource could not be decoded or had no usable lines.
    case lexiconUnreadable(String)
}

/// Token -> mean valence on the lexicon's own scale (-4...+4).
///
/// File format: UTF-8, one entry per line, `token<TAB>valence`; lines that start
/// with `#` followed by a space are comments. When a token appears twice the
/// first entry wins.
struct Lexicon: Sendable {
    let valences: [String: Double]
    /// Entries that contain something other than letters (":)", "</3", ":-d").
    /// The tokenizer uses them to recognise emoticons as whole tokens.
    let emoticons: Set<String>
    /// Two-word entries ("fed up", "can't stand").
    let bigrams: [String: Double]

    static let resourceName = "vader_lexicon"
    static let resourceExtension = "tsv"

    static func loadFromBundle() throws -> Lexicon {
        let bundle = Bundle.module
        let url = bundle.url(forResource: resourceName, withExtension: resourceExtension, subdirectory: "Lexicon")
            ?? bundle.url(forResource: resourceName, withExtension: resourceExtension)
        guard let url else { throw SentimentError.lexiconMissing }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw SentimentError.lexiconUnreadable("\(error)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SentimentError.lexiconUnreadable("not UTF-8")
        }
        return try Lexicon(parsing: text)
    }

    init(parsing text: String) throws {
        var valences: [String: Double] = [:]
        var bigrams: [String: Double] = [:]
        var emoticons: Set<String> = []
        for rawLine in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            if rawLine.hasPrefix("# ") || rawLine.isEmpty { continue }
            let fields = rawLine.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 2, let value = Double(fields[1].trimmingCharacters(in: .whitespaces)) else { continue }
            let token = String(fields[0]).lowercased()
            if token.isEmpty { continue }
            if token.contains(" ") {
                if bigrams[token] == nil { bigrams[token] = value }
                continue
            }
            if valences[token] == nil { valences[token] = value }
            if token.contains(where: { !$0.isLetter && $0 != "'" }) {
                emoticons.insert(token)
            }
        }
        guard !valences.isEmpty else { throw SentimentError.lexiconUnreadable("no entries") }
        self.valences = valences
        self.bigrams = bigrams
        self.emoticons = emoticons
    }

    init(valences: [String: Double], bigrams: [String: Double] = [:]) {
        self.valences = valences
        self.bigrams = bigrams
        self.emoticons = Set(valences.keys.filter { $0.contains(where: { !$0.isLetter && $0 != "'" }) })
    }
}
