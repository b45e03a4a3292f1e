/// Hand-written word lists used by the rules in `SentimentScorer`.
/// All entries are lower case. Values are Tandem's own choices (see docs/SENTIMENT.md).
enum WordLists {
    /// Words that reverse the polarity of the sentiment word(s) that follow them.
    /// Any word ending in "n't" is treated as a negator as well.
    static let negators: Set<String> = [
        "not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "nowhere", "cannot",
        "without", "lack", "lacks", "lacking", "lacked",
        // contractions typed without an apostrophe
        "dont", "doesnt", "didnt", "isnt", "wasnt", "arent", "werent", "cant", "couldnt",
        "wouldnt", "shouldnt", "wont", "havent", "hasnt", "hadnt", "aint", "mustnt", "neednt",
    ]

    static func isNegator(_ word: String) -> Bool {
        negators.contains(word) || word.hasSuffix("n't")
    }

    /// Multiplicative strength of degree words. > 1 intensifies, < 1 dampens.
    static let modifiers: [String: Double] = [
        // intensifiers
        "very": 1.3, "really": 1.25, "so": 1.25, "too": 1.2, "super": 1.3, "quite": 1.1, "pretty": 1.1,
        "extremely": 1.5, "incredibly": 1.5, "exceptionally": 1.45, "utterly": 1.45, "insanely": 1.4,
        "absolutely": 1.4, "hugely": 1.4, "ridiculously": 1.4, "totally": 1.3, "completely": 1.3,
        "highly": 1.3, "deeply": 1.3, "seriously": 1.3, "thoroughly": 1.3, "remarkably": 1.3,
        "terribly": 1.3, "awfully": 1.3, "most": 1.3, "truly": 1.25, "especially": 1.2, "particularly": 1.2,
        // dampeners
        "slightly": 0.6, "marginally": 0.6, "mildly": 0.65, "somewhat": 0.7, "kinda": 0.7, "sorta": 0.7,
        "partly": 0.7, "partially": 0.7, "barely": 0.45, "hardly": 0.45, "moderately": 0.8,
        "occasionally": 0.8, "almost": 0.8, "fairly": 0.85, "rather": 0.85,
    ]

    /// Two-word degree phrases: "kind of good", "a bit slow".
    static let modifierPhrases: [String: Double] = [
        "kind of": 0.7, "sort of": 0.7, "a bit": 0.7, "a little": 0.7, "a tad": 0.7,
    ]

    /// "X but Y": Y is the point the writer is making.
    static let adversatives: Set<String> = ["but", "however", "nevertheless", "nonetheless"]
    /// "although X, Y": X is conceded, Y is the point.
    static let concessives: Set<String> = ["although", "though", "despite", "albeit"]

    /// Lexicon entries overridden for workplace comments: requests and fillers that
    /// the general-purpose lexicon rates as positive.
    static let overrides: [String: Double] = [
        "please": 0,
    ]

    /// Words after which "like" is a comparison or filler rather than a preference:
    /// "looks like", "feels like", "something like", "just like".
    static let likeAsPreposition: Set<String> = [
        "look", "looks", "looked", "looking", "feel", "feels", "felt", "seem", "seems", "seemed",
        "sound", "sounds", "sounded", "something", "anything", "nothing", "just", "things", "stuff",
        "is", "was", "be", "are", "were", "more", "less", "much", "exactly", "act", "acts", "acting",
    ]

    /// Tandem's own ratings of common emoji, on the lexicon scale (-4...+4).
    static let emoji: [String: Double] = [
        "😀": 2.5, "😃": 2.5, "😄": 2.7, "😁": 2.5, "😆": 2.3, "😂": 1.8, "🤣": 2.0, "😊": 2.6,
        "🙂": 1.5, "☺": 2.0, "😉": 1.5, "😍": 3.0, "🥰": 3.0, "😘": 2.3, "😎": 1.8, "🤩": 3.0,
        "🥳": 2.8, "😅": 0.8, "👍": 2.0, "👏": 2.2, "🙌": 2.4, "💪": 1.8, "🎉": 2.5, "❤": 3.0,
        "💖": 3.0, "💯": 2.2, "✅": 1.2, "🔥": 1.5, "⭐": 1.5, "🌟": 1.8, "🙏": 1.5, "🤝": 1.6,
        "😐": -0.3, "😑": -0.8, "🤔": -0.2, "😬": -1.0, "😕": -1.3, "🙁": -1.6, "☹": -1.8,
        "😞": -2.2, "😔": -1.8, "😟": -1.8, "😢": -2.3, "😭": -2.5, "😠": -2.7, "😡": -3.0,
        "🤬": -3.3, "😤": -1.8, "😩": -2.2, "😫": -2.2, "😒": -1.8, "🙄": -1.6, "😱": -1.8,
        "😰": -2.0, "😖": -2.2, "👎": -2.0, "💔": -2.8, "🤮": -3.0, "🤢": -2.5, "❌": -1.2,
        "😴": -0.8, "💩": -2.4,
    ]
}
