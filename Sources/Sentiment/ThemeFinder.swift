/// A recurring keyword or two-word phrase across a set of comments.
public struct Theme: Sendable, Equatable, Codable {
    /// Lower-cased keyword ("parking") or two-word phrase ("parking lot").
    public let phrase: String
    /// Number of comments that mention it (each comment counts at most once).
    public let count: Int
    /// `count` divided by the number of comments given, in `0...1`.
    public let share: Double

    public init(phrase: String, count: Int, share: Double) {
        self.phrase = phrase
        self.count = count
        self.share = share
    }
}

/// Finds recurring keywords and two-word phrases in free-text comments.
///
/// Rules: words are lower-cased letter/digit runs (inner apostrophes kept); English
/// stop words, pure numbers and one-letter words are dropped. A phrase is two
/// non-stop words that stand next to each other with no stop word or punctuation
/// between them. Each theme is counted once per comment and must occur in at least
/// `minimumCount` comments. A single word is left out when a phrase containing it is
/// listed with the same count (the phrase says more). Order: count descending, then
/// phrases before single words, then alphabetical, so the result is deterministic.
public struct ThemeFinder: Sendable {
    public let minimumCount: Int

    public init(minimumCount: Int = 2) {
        self.minimumCount = max(1, minimumCount)
    }

    public func themes(_ texts: [String], limit: Int) -> [Theme] {
        guard limit > 0, !texts.isEmpty else { return [] }
        var counts: [String: Int] = [:]
        for text in texts {
            var seen = Set<String>()
            for segment in Self.segments(text) {
                var previous: String?
                for word in segment {
                    guard Self.isContent(word) else {
                        previous = nil
                        continue
                    }
                    seen.insert(word)
                    if let previous { seen.insert(previous + " " + word) }
                    previous = word
                }
            }
            for term in seen { counts[term, default: 0] += 1 }
        }
        let recurring = counts.filter { $0.value >= minimumCount }
        var covered = Set<String>()
        for (term, count) in recurring where term.contains(" ") {
            for word in term.split(separator: " ") where recurring[String(word)] == count {
                covered.insert(String(word))
            }
        }
        let total = Double(texts.count)
        let ordered = recurring
            .filter { !covered.contains($0.key) }
            .sorted { lhs, rhs in
                if lhs.value != rhs.value { return lhs.value > rhs.value }
                let lhsPhrase = lhs.key.contains(" ")
                let rhsPhrase = rhs.key.contains(" ")
                if lhsPhrase != rhsPhrase { return lhsPhrase }
                return lhs.key < rhs.key
            }
        return ordered.prefix(limit).map { Theme(phrase: $0.key, count: $0.value, share: Double($0.value) / total) }
    }

    /// Splits text into runs of lower-cased words; punctuation and line breaks end a run.
    static func segments(_ text: String) -> [[String]] {
        var segments: [[String]] = []
        var current: [String] = []
        var word = ""
        func flushWord() {
            var trimmed = word.trimmingApostrophes()
            // Possessives count with their noun ("manager's" -> "manager"), contractions stay whole.
            if trimmed.hasSuffix("'s"), !stopWords.contains(trimmed) { trimmed.removeLast(2) }
            if !trimmed.isEmpty { current.append(trimmed) }
            word = ""
        }
        func flushSegment() {
            flushWord()
            if !current.isEmpty { segments.append(current) }
            current = []
        }
        for character in text {
            if character.isLetter || character.isNumber {
                word.append(contentsOf: character.lowercased())
            } else if character == "'" || character == "\u{2019}" {
                word.append("'")
            } else if character.isWhitespace && !character.isNewline || character == "-" || character == "/" {
                flushWord()
            } else {
                flushSegment()
            }
        }
        flushSegment()
        return segments
    }

    static func isContent(_ word: String) -> Bool {
        guard word.count >= 2, !stopWords.contains(word) else { return false }
        if word.allSatisfy(\.isNumber) { return false }
        return true
    }

    /// English function words, pronouns, auxiliaries and fillers (Tandem's own list).
    static let stopWords: Set<String> = [
        "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are",
        "aren't", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but",
        "by", "can", "can't", "cannot", "could", "couldn't", "did", "didn't", "do", "does", "doesn't",
        "doing", "don't", "down", "during", "each", "even", "ever", "every", "few", "for", "from", "further",
        "get", "gets", "getting", "got", "had", "hadn't", "has", "hasn't", "have", "haven't", "having", "he",
        "he'd", "he'll", "he's", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "i'd",
        "i'll", "i'm", "i've", "if", "in", "into", "is", "isn't", "it", "it's", "its", "itself", "just",
        "let's", "like", "lot", "lots", "many", "may", "me", "might", "more", "most", "much", "must", "my",
        "myself", "no", "nor", "not", "now", "of", "off", "often", "on", "once", "one", "only", "or", "other",
        "our", "ours", "ourselves", "out", "over", "own", "quite", "rather", "really", "same", "she", "she'd",
        "she'll", "she's", "should", "shouldn't", "so", "some", "still", "such", "than", "that", "that's",
        "the", "their", "theirs", "them", "themselves", "then", "there", "there's", "these", "they", "they'd",
        "they'll", "they're", "they've", "thing", "things", "this", "those", "though", "through", "to", "too",
        "under", "until", "up", "us", "very", "was", "wasn't", "we", "we'd", "we'll", "we're", "we've", "well",
        "were", "weren't", "what", "what's", "when", "where", "which", "while", "who", "whom", "why", "will",
        "with", "won't", "would", "wouldn't", "yet", "you", "you'd", "you'll", "you're", "you've", "your",
        "yours", "yourself", "yourselves", "always", "never", "sometimes", "etc", "e.g", "ie", "maybe",
        "please", "think", "feel", "feels", "felt", "make", "makes", "made", "want", "need", "know",
    ]
}
