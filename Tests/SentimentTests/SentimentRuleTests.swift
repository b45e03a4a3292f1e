import Foundation
import Testing
@testable import Sentiment

/// One scorer for the whole suite; loading the lexicon is the expensive part.
let sharedScorer: SentimentScorer = {
    do {
        return try SentimentScorer()
    } catch {
        fatalError("lexicon failed to load: \(error)")
    }
}()

@Suite("Sentiment rules")
struct SentimentRuleTests {
    let scorer = sharedScorer

    @Test("lexicon loads from the bundle with thousands of entries")
    func lexiconLoads() throws {
        let lexicon = try Lexicon.loadFromBundle()
        #expect(lexicon.valences.count > 7_000)
        #expect(lexicon.valences["good"] ?? 0 > 0)
        #expect(lexicon.valences["awful"] ?? 0 < 0)
        #expect(lexicon.emoticons.contains(":)"))
    }

    @Test("plain positive and negative comments")
    func plainPolarity() {
        #expect(scorer.score("The team is great and my manager is supportive.").label == .positive)
        #expect(scorer.score("The onboarding was awful and I feel ignored.").label == .negative)
        #expect(scorer.score("The meeting is on Tuesday in room 4.").label == .neutral)
    }

    @Test("tokeniser keeps contractions, splits punctuation, recognises emoticons and emoji")
    func tokeniser() {
        let tokens = scorer.tokenize("Don't stop :) Great!! 👍🏽")
        #expect(tokens.map(\.text) == ["don't", "stop", ":)", "great", "!", "!", "👍"])
        #expect(tokens.map(\.kind) == [.word, .word, .emoticon, .word, .punctuation, .punctuation, .emoji])
        let curly = scorer.tokenize("isn\u{2019}t")
        #expect(curly.map(\.text) == ["isn't"])
    }

    @Test("negation flips polarity", arguments: [
        ("The onboarding is good.", "The onboarding is not good."),
        ("My manager is helpful.", "My manager is never helpful."),
        ("We get support from HR.", "We get no support from HR."),
        ("The process is fair.", "The process isn't fair."),
        ("I like the new tools.", "I don't like the new tools."),
        ("I like the new tools.", "I dont like the new tools."),
    ])
    func negationFlips(plain: String, negated: String) {
        let before = scorer.score(plain)
        let after = scorer.score(negated)
        #expect(before.label == .positive)
        #expect(after.label == .negative)
        #expect(after.score < 0)
    }

    @Test("negating a negative word makes it mildly positive")
    func negatedNegative() {
        let result = scorer.score("The workload is not bad.")
        #expect(result.score > 0)
        #expect(result.score < scorer.score("The workload is good.").score)
    }

    @Test("negation scope ends at punctuation")
    func negationScopeStopsAtPunctuation() {
        let result = scorer.score("Not today, but the team is great.")
        #expect(result.label == .positive)
        let comma = scorer.score("No, the team is great.")
        #expect(comma.label == .positive)
    }

    @Test("negation reaches only a few words")
    func negationScopeIsShort() {
        // "great" is far beyond the negator's reach.
        let result = scorer.score("I did not expect that after three long weeks the launch would feel great")
        #expect(result.label == .positive)
    }

    @Test("'not only' is not a negation")
    func notOnly() {
        #expect(scorer.score("The team is not only helpful").label == .positive)
    }

    @Test("intensifiers raise and dampeners lower the magnitude")
    func degreeWords() {
        let plain = scorer.score("The training was good.").score
        let very = scorer.score("The training was very good.").score
        let extremely = scorer.score("The training was extremely good.").score
        let slightly = scorer.score("The training was slightly good.").score
        let somewhat = scorer.score("The training was somewhat good.").score
        #expect(very > plain)
        #expect(extremely > very)
        #expect(slightly < plain && slightly > 0)
        #expect(somewhat < plain && somewhat > 0)
        let bad = scorer.score("The tooling is bad.").score
        let veryBad = scorer.score("The tooling is very bad.").score
        #expect(veryBad < bad)
        let kindOf = scorer.score("The tooling is kind of bad.").score
        #expect(kindOf > bad && kindOf < 0)
    }

    @Test("a negated intensifier is weaker than a plain negation")
    func notVeryGood() {
        let notGood = scorer.score("The canteen is not good.").score
        let notVeryGood = scorer.score("The canteen is not very good.").score
        #expect(notGood < notVeryGood)
        #expect(notVeryGood < 0)
    }

    @Test("the clause after 'but' dominates")
    func butClauseDominates() {
        #expect(scorer.score("The pay is good but the management is terrible.").label == .negative)
        #expect(scorer.score("The pay is terrible but the management is good.").label == .positive)
        #expect(scorer.score("The office is nice. However, the hours are awful.").label == .negative)
    }

    @Test("'although' clause is conceded")
    func althoughClause() {
        #expect(scorer.score("Although the pay is good, the management is terrible.").label == .negative)
        #expect(scorer.score("The team is wonderful although the hours are bad.").label == .positive)
    }

    @Test("emoji and emoticons carry sentiment")
    func emoji() {
        #expect(scorer.score("New desks 👍").label == .positive)
        #expect(scorer.score("New desks 👎").label == .negative)
        #expect(scorer.score("Friday meeting 😡").label == .negative)
        #expect(scorer.score("Friday meeting 🎉🎉").label == .positive)
        #expect(scorer.score("Friday meeting :)").label == .positive)
        #expect(scorer.score("Friday meeting :(").label == .negative)
        #expect(scorer.score("Friday meeting").label == .neutral)
    }

    @Test("a word in capitals is emphasised, a comment in capitals is not")
    func capitals() {
        let plain = scorer.score("the rollout was good").score
        let shouted = scorer.score("the rollout was GOOD").score
        #expect(shouted > plain)
        let allCaps = scorer.score("THE ROLLOUT WAS GOOD").score
        #expect(allCaps == plain)
    }

    @Test("exclamation marks add emphasis, capped")
    func exclamation() {
        let plain = scorer.score("Great offsite.").score
        let one = scorer.score("Great offsite!").score
        let three = scorer.score("Great offsite!!!").score
        let ten = scorer.score("Great offsite!!!!!!!!!!").score
        #expect(one > plain)
        #expect(three > one)
        #expect(ten == three)
    }

    @Test("stretched words are recognised and emphasised")
    func elongation() {
        let plain = scorer.score("the party was good").score
        let stretched = scorer.score("the party was gooood").score
        #expect(plain > 0)
        #expect(stretched > plain)
    }

    @Test("scores stay within -1...1", arguments: [
        "BEST BEST BEST amazing wonderful fantastic love love love!!!!!! 😍😍😍",
        "worst horrible awful terrible hate hate hate disgusting!!!!!! 😡😡😡",
    ])
    func bounded(text: String) {
        let result = scorer.score(text)
        #expect(result.score >= -1 && result.score <= 1)
        #expect(result.label != .neutral)
    }

    @Test("empty and whitespace-only text is neutral", arguments: ["", " ", "\n\n\t  ", "...", "?!"])
    func emptyText(text: String) {
        #expect(scorer.score(text) == SentimentResult(label: .neutral, score: 0))
    }

    @Test("very long text (100 KB) returns a result without crashing")
    func veryLongText() {
        let neutralBlock = String(repeating: "the quarterly report lists the rooms and dates ", count: 2_200)
        #expect(neutralBlock.utf8.count >= 100_000)
        #expect(scorer.score(neutralBlock) == .neutral)
        let noSpaces = String(repeating: "x", count: 100_000)
        #expect(scorer.score(noSpaces) == .neutral)
        let mixed = String(repeating: "good bad ", count: 12_000)
        let result = scorer.score(mixed)
        #expect(result.score >= -1 && result.score <= 1)
    }

    @Test("non-English text is neutral", arguments: [
        "Die Besprechung findet am Dienstag statt und dauert zwei Stunden.",
        "会議は火曜日に行われます。",
        "Встреча состоится во вторник.",
        "La reunión será el martes en la sala cuatro.",
        "Le projet est fini, la fin est proche et die Kollegen sind da.",
    ])
    func nonEnglish(text: String) {
        #expect(scorer.score(text).label == .neutral)
    }

    @Test("results are Codable with lower-case labels")
    func codable() throws {
        let result = SentimentResult(label: .negative, score: -0.5)
        let data = try JSONEncoder().encode(result)
        let json = String(decoding: data, as: UTF8.self)
        #expect(json.contains("\"negative\""))
        #expect(try JSONDecoder().decode(SentimentResult.self, from: data) == result)
        #expect(SentimentLabel.allCases == [.positive, .neutral, .negative])
    }
}
