import Foundation

/// Rule-based sentiment scorer for short English comments.
///
/// Create one instance (loading the lexicon reads a ~100 KB resource) and keep it;
/// `score(_:)` is a pure function and safe to call from any task. Nothing leaves
/// the process: there are no network calls.
public struct SentimentScorer: Sendable {
    let lexicon: Lexicon
    let tokenizer: Tokenizer
    let weights: SentimentWeights

    /// Loads the bundled lexicon (`Lexicon/vader_lexicon.tsv`) from `Bundle.module`.
    public init() throws {
        try self.init(lexicon: Lexicon.loadFromBundle(), weights: .tuned)
    }

    init(lexicon: Lexicon, weights: SentimentWeights) {
        self.lexicon = lexicon
        self.tokenizer = Tokenizer(emoticons: lexicon.emoticons)
        self.weights = weights
    }

    /// Scores one comment. Empty, whitespace-only or unrecognised text is neutral with score 0.
    public func score(_ text: String) -> SentimentResult {
        score(tokens: tokenizer.tokenize(text), weights: weights)
    }

    // MARK: - Internals (also used by the evaluation and tuning tests)

    func tokenize(_ text: String) -> [Token] {
        tokenizer.tokenize(text)
    }

    func score(tokens: [Token], weights w: SentimentWeights) -> SentimentResult {
        let value = rawScore(tokens: tokens, weights: w)
        let rounded = (value * 10_000).rounded() / 10_000
        let label: SentimentLabel
        if rounded >= w.neutralBand, rounded > 0 {
            label = .positive
        } else if rounded <= -w.neutralBand, rounded < 0 {
            label = .negative
        } else {
            label = .neutral
        }
        return SentimentResult(label: label, score: rounded)
    }

    /// Baseline without rules: the sum of the lexicon values of all words and emoticons.
    func plainLexiconSum(tokens: [Token]) -> Double {
        var sum = 0.0
        for token in tokens where token.kind == .word || token.kind == .emoticon {
            sum += lexicon.valences[token.text] ?? 0
        }
        return sum
    }

    private enum Role: Equatable {
        case plain
        case negator
        case modifier(Double)
        /// First word of a two-word modifier or lexicon phrase; carries no value itself.
        case absorbed
        case adversative
        case concessive
        case punctuation
    }

    func rawScore(tokens: [Token], weights w: SentimentWeights) -> Double {
        let count = tokens.count
        guard count > 0 else { return 0 }

        // Capitals only carry emphasis when most of the comment is not in capitals.
        var lettered = 0
        var shouted = 0
        for token in tokens where token.kind == .word && token.text.count >= 2 && token.text.contains(where: \.isLetter) {
            lettered += 1
            if token.shouted { shouted += 1 }
        }
        let capsAreEmphasis = shouted * 2 < lettered

        // English-only guard: in a comment of five or more words where fewer than a
        // quarter are common English function words or lexicon entries, lexicon hits
        // are coincidences ("die" in German, "fin" in French), so the comment is neutral.
        if lettered >= 5 {
            var known = 0
            for token in tokens where token.kind == .word && token.text.count >= 2 && token.text.contains(where: \.isLetter) {
                if ThemeFinder.stopWords.contains(token.text) || lexicon.valences[token.text] != nil { known += 1 }
            }
            if Double(known) < w.minimumEnglishShare * Double(lettered) { return 0 }
        }

        // Pass 1: what each token is, and its own value.
        var role = [Role](repeating: .plain, count: count)
        var base = [Double](repeating: 0, count: count)
        var elongated = [Bool](repeating: false, count: count)
        var index = 0
        while index < count {
            let token = tokens[index]
            switch token.kind {
            case .punctuation:
                role[index] = .punctuation
            case .emoticon:
                base[index] = lexicon.valences[token.text] ?? 0
            case .emoji:
                base[index] = WordLists.emoji[token.text] ?? 0
            case .word:
                let word = token.text
                let next = index + 1 < count && tokens[index + 1].kind == .word ? tokens[index + 1].text : nil
                if WordLists.adversatives.contains(word) {
                    role[index] = .adversative
                } else if WordLists.concessives.contains(word) {
                    role[index] = .concessive
                } else if let next, let value = lexicon.bigrams[word + " " + next] {
                    role[index] = .absorbed
                    base[index + 1] = value
                    index += 2
                    continue
                } else if let next, let factor = WordLists.modifierPhrases[word + " " + next] {
                    role[index] = .absorbed
                    role[index + 1] = .modifier(factor)
                    index += 2
                    continue
                } else if WordLists.isNegator(word) {
                    // "not only ... but also" is not a negation.
                    if !(word == "not" && next == "only") {
                        role[index] = .negator
                        base[index] = lexicon.valences[word] ?? 0
                    }
                } else if let factor = WordLists.modifiers[word] {
                    role[index] = .modifier(factor)
                    base[index] = lexicon.valences[word] ?? 0
                } else {
                    let previous = index > 0 && tokens[index - 1].kind == .word ? tokens[index - 1].text : nil
                    let (value, stretched) = wordValence(word, previous: previous, weights: w)
                    base[index] = value
                    elongated[index] = stretched
                }
            }
            index += 1
        }

        func isBoundary(_ position: Int) -> Bool {
            switch role[position] {
            case .punctuation, .adversative, .concessive: return true
            default: return false
            }
        }

        // Pass 2: apply negation, degree words and emphasis to each sentiment token.
        var contribution = [Double](repeating: 0, count: count)
        var used = [Bool](repeating: false, count: count)
        for position in 0..<count where role[position] == .plain && base[position] != 0 {
            var factor = 1.0
            var negations = 0
            var back = position - 1
            var distance = 1
            while back >= 0, distance <= w.negationScope, !isBoundary(back) {
                switch role[back] {
                case .negator:
                    negations += 1
                    used[back] = true
                case .modifier(let strength) where distance <= 2:
                    factor *= 1 + w.modifierStrength * (strength - 1)
                    used[back] = true
                default:
                    break
                }
                back -= 1
                distance += 1
            }
            var value = base[position]
            if elongated[position] { value *= w.elongationBoost }
            if capsAreEmphasis, tokens[position].shouted { value *= w.capsBoost }
            if negations % 2 == 1 {
                // Negated: degree words soften instead of strengthen ("not very good" < "not good").
                let kept = value > 0 ? w.negatedPositive : w.negatedNegative
                value = -value / factor * kept
            } else {
                value *= factor
            }
            contribution[position] = value
        }
        // Negators and degree words that modified nothing keep their own lexicon value ("No.", "super").
        for position in 0..<count where !used[position] && base[position] != 0 && role[position] != .plain {
            var value = base[position]
            if capsAreEmphasis, tokens[position].shouted { value *= w.capsBoost }
            contribution[position] = value
        }

        // Pass 3: sentences, contrast weighting and end-of-sentence punctuation.
        var sentenceSums: [Double] = []
        var sentimentTokens = 0
        var start = 0
        while start < count {
            var end = start
            while end < count, !tokens[end].isSentenceEnd { end += 1 }
            var exclamations = 0
            var question = false
            var after = end
            while after < count, tokens[after].kind == .punctuation {
                if tokens[after].text == "!" { exclamations += 1 }
                if tokens[after].text == "?" { question = true }
                after += 1
            }
            var weightsInSentence = [Double](repeating: 1, count: end - start)
            var lastAdversative: Int?
            for position in start..<end where role[position] == .adversative { lastAdversative = position }
            if let pivot = lastAdversative {
                if pivot == start {
                    if !sentenceSums.isEmpty { sentenceSums[sentenceSums.count - 1] *= w.beforeContrast }
                    for offset in weightsInSentence.indices { weightsInSentence[offset] = w.afterContrast }
                } else {
                    for position in start..<end {
                        weightsInSentence[position - start] = position < pivot ? w.beforeContrast : w.afterContrast
                    }
                }
            } else if let pivot = (start..<end).first(where: { role[$0] == .concessive }) {
                var clauseEnd = pivot + 1
                while clauseEnd < end, tokens[clauseEnd].text != "," || tokens[clauseEnd].kind != .punctuation { clauseEnd += 1 }
                for position in start..<end {
                    weightsInSentence[position - start] = (pivot..<clauseEnd).contains(position) ? w.beforeContrast : w.afterContrast
                }
            }
            var sum = 0.0
            for position in start..<end where contribution[position] != 0 {
                sum += contribution[position] * weightsInSentence[position - start]
                sentimentTokens += 1
            }
            if sum != 0 {
                sum *= 1 + w.exclamationStep * Double(min(exclamations, w.maxExclamations))
                if question { sum *= w.questionFactor }
            }
            sentenceSums.append(sum)
            start = max(after, end + 1)
        }
        let total = sentenceSums.reduce(0, +)
        guard total != 0, sentimentTokens > 0 else { return 0 }
        let normalised = total / pow(Double(sentimentTokens), w.lengthExponent)
        return tanh(normalised / w.scale)
    }

    private func wordValence(_ word: String, previous: String?, weights w: SentimentWeights) -> (Double, Bool) {
        if let value = WordLists.overrides[word] { return (value, false) }
        if w.likeRule, word == "like", let previous, WordLists.likeAsPreposition.contains(previous) { return (0, false) }
        if let value = lexicon.valences[word] { return (value, false) }
        guard word.count >= 4, hasStretch(word) else { return (0, false) }
        for keep in [2, 1] {
            let collapsed = collapseRuns(word, keep: keep)
            if let value = lexicon.valences[collapsed] { return (value, true) }
        }
        return (0, false)
    }

    private func hasStretch(_ word: String) -> Bool {
        var previous: Character?
        var run = 0
        for character in word {
            run = character == previous ? run + 1 : 1
            if run >= 3 { return true }
            previous = character
        }
        return false
    }

    private func collapseRuns(_ word: String, keep: Int) -> String {
        var result = ""
        var previous: Character?
        var run = 0
        for character in word {
            run = character == previous ? run + 1 : 1
            if run <= keep { result.append(character) }
            previous = character
        }
        return result
    }
}

/// Every tunable number of the scorer in one place. `tuned` holds the values chosen
/// on the tuning split (see docs/SENTIMENT.md and SentimentTuningTests).
struct SentimentWeights: Sendable, Equatable, CustomStringConvertible {
    /// |score| below this is neutral.
    var neutralBand: Double
    /// Divisor inside tanh; fixed, so that one clear word ("good") lands near 0.5.
    var scale: Double = 3
    /// The summed value is divided by (number of sentiment tokens)^lengthExponent.
    var lengthExponent: Double
    /// Share of the magnitude kept when a positive word is negated ("not good").
    var negatedPositive: Double
    /// Share of the magnitude kept when a negative word is negated ("not bad").
    var negatedNegative: Double
    /// How many tokens after a negator it reaches (stops earlier at punctuation or contrast words).
    var negationScope: Int
    /// Scales every degree word's effect: factor' = 1 + strength * (factor - 1).
    var modifierStrength: Double
    /// Multiplier for a word in capitals inside an otherwise lower-case comment.
    var capsBoost: Double
    /// Multiplier for a stretched word ("sooo goood").
    var elongationBoost: Double
    /// Each "!" closing a sentence adds this share of the sentence's value.
    var exclamationStep: Double
    var maxExclamations: Int = 3
    /// Multiplier for a sentence ending in "?".
    var questionFactor: Double
    /// Weight of the conceded part ("X" in "X but Y", "although X, Y").
    var beforeContrast: Double
    /// Weight of the main part ("Y").
    var afterContrast: Double
    /// Below this share of known English words (in comments of 5+ words) the comment is neutral.
    var minimumEnglishShare: Double = 0.25
    /// Ignore "like" after "looks", "feels", "something", ...
    var likeRule: Bool

    /// Chosen by SentimentTuning (coordinate descent on macro-F1, tuning rows only),
    /// starting from hand-picked values; see docs/SENTIMENT.md.
    static let tuned = SentimentWeights(
        neutralBand: 0.1,
        lengthExponent: 0.25,
        negatedPositive: 0.7,
        negatedNegative: 0.2,
        negationScope: 4,
        modifierStrength: 1.5,
        capsBoost: 1.25,
        elongationBoost: 1.15,
        exclamationStep: 0.1,
        questionFactor: 0.3,
        beforeContrast: 0.25,
        afterContrast: 1.0,
        likeRule: true
    )

    var description: String {
        "neutralBand: \(neutralBand), lengthExponent: \(lengthExponent), negatedPositive: \(negatedPositive), "
            + "negatedNegative: \(negatedNegative), negationScope: \(negationScope), modifierStrength: \(modifierStrength), "
            + "capsBoost: \(capsBoost), elongationBoost: \(elongationBoost), exclamationStep: \(exclamationStep), "
            + "questionFactor: \(questionFactor), beforeContrast: \(beforeContrast), afterContrast: \(afterContrast), likeRule: \(likeRule)"
    }
}
