public import Foundation
import People
public import TandemCore

/// One language's wording of a survey. Each question keeps its key, and its choices and
/// statements stay in the same order as the survey's own, so an answer given in this language
/// is stored in the survey's own words and results add up across languages.
public struct SurveyTranslation: Sendable, Codable, Equatable {
    public struct Text: Sendable, Codable, Equatable {
        public var key: String
        public var prompt: String
        public var choices: [String]?
        public var rows: [String]?

        public init(key: String, prompt: String, choices: [String]? = nil, rows: [String]? = nil) {
            self.key = key
            self.prompt = prompt
            self.choices = choices
            self.rows = rows
        }

        enum CodingKeys: String, CodingKey { case key, prompt, choices, rows }

        /// `key` is set from the order, so callers may leave it out.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            key = try c.decodeIfPresent(String.self, forKey: .key) ?? ""
            prompt = try c.decode(String.self, forKey: .prompt)
            choices = try c.decodeIfPresent([String].self, forKey: .choices)
            rows = try c.decodeIfPresent([String].self, forKey: .rows)
        }
    }

    public var language: String
    public var title: String
    public var intro: String
    public var questions: [Text]

    public init(language: String, title: String, intro: String = "", questions: [Text]) {
        self.language = language
        self.title = title
        self.intro = intro
        self.questions = questions
    }

    /// Checks it against the survey's questions: every question, in order, with as many
    /// choices and statements. Throws a 422 naming the question.
    public func validated(for survey: Survey) throws -> SurveyTranslation {
        var out = self
        out.language = try EmployeeRules.language(language)
        out.title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        out.intro = intro.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...120).contains(out.title.count) else { throw AppError.invalid("title", "Give the translated title (1 to 120 characters).") }
        guard out.intro.count <= 2_000 else { throw AppError.invalid("intro", "Keep the introduction under 2,000 characters.") }
        guard questions.count == survey.questions.count else {
            throw AppError.invalid("questions", "Translate all \(survey.questions.count) questions, in the survey's order (\(questions.count) given).")
        }
        for (index, question) in survey.questions.enumerated() {
            var text = questions[index]
            let name = "Question \(index + 1)"
            text.key = question.key
            text.prompt = text.prompt.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...500).contains(text.prompt.count) else { throw AppError.invalid("questions", "\(name): write the question (1 to 500 characters).") }
            func check(_ given: [String]?, _ original: [String]?, what: String) throws -> [String]? {
                guard let original else { return nil }
                let trimmed = (given ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                guard trimmed.count == original.count, trimmed.allSatisfy({ (1...200).contains($0.count) }), Set(trimmed).count == trimmed.count else {
                    throw AppError.invalid("questions", "\(name): give its \(original.count) \(what) in the same order, each different (1 to 200 characters).")
                }
                return trimmed
            }
            text.choices = try check(text.choices, question.choices, what: "choices")
            text.rows = try check(text.rows, question.rows, what: "statements")
            out.questions[index] = text
        }
        return out
    }

    /// The best of `translations` for someone reading `language`: the same tag, then the same
    /// primary language (pt-BR reads pt), else nil for the survey's own words.
    public static func pick(_ translations: [SurveyTranslation], for language: String) -> SurveyTranslation? {
        let wanted = language.lowercased()
        if let exact = translations.first(where: { $0.language.lowercased() == wanted }) { return exact }
        let primary = wanted.split(separator: "-").first.map(String.init) ?? wanted
        return translations.first { $0.language.lowercased() == primary }
            ?? translations.first { $0.language.lowercased().split(separator: "-").first.map(String.init) == primary }
    }
}

/// The words a reader sees: the survey's own, or a translation's. Keys, and the values answers
/// are stored with, never change.
public struct SurveyWording: Sendable, Equatable {
    public let language: String?
    public let title: String
    public let intro: String
    let prompts: [String: String]
    /// Question key → the survey's own choice or statement → its words here.
    let labels: [String: [String: String]]

    public init(_ survey: Survey, _ translation: SurveyTranslation?) {
        language = translation?.language
        title = translation?.title ?? survey.title
        intro = translation?.intro ?? survey.intro
        var prompts: [String: String] = [:], labels: [String: [String: String]] = [:]
        for text in translation?.questions ?? [] {
            guard let question = survey.questions.first(where: { $0.key == text.key }) else { continue }
            prompts[text.key] = text.prompt
            var map: [String: String] = [:]
            for (original, shown) in zip(question.choices ?? [], text.choices ?? []) { map[original] = shown }
            for (original, shown) in zip(question.rows ?? [], text.rows ?? []) { map[original] = shown }
            labels[text.key] = map
        }
        self.prompts = prompts
        self.labels = labels
    }

    public func prompt(_ question: Question) -> String { prompts[question.key] ?? question.prompt }
    public func label(_ question: Question, _ value: String) -> String { labels[question.key]?[value] ?? value }
}
