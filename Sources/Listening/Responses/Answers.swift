public import TandemCore

/// One person's answers as sent: question key to value. Numbers for ratings and eNPS, a choice
/// or choices, text, or statement → rating for a matrix.
public enum AnswerValue: Sendable, Equatable {
    case number(Int)
    case choice(String)
    case choices([String])
    case text(String)
    case matrix([String: Int])
}

/// A validated answer row as stored: `item` is the matrix statement or a chosen option of a
/// multiple choice ("" otherwise).
public struct AnswerRow: Sendable, Equatable {
    public let question: String
    public let item: String
    public let number: Int?
    public let choice: String?
    public let body: String?
}

public enum AnswerCheck {
    public static let maximumText = 4_000

    /// Checks every answer against its question and the skip logic; throws a 422 naming the
    /// question. Answers to questions the skip logic hides are refused, as are unknown keys.
    public static func rows(_ answers: [String: AnswerValue], for questions: [Question]) throws -> [AnswerRow] {
        let known = Set(questions.map(\.key))
        if let unknown = answers.keys.sorted().first(where: { !known.contains($0) }) {
            throw AppError.invalid("answers", "There is no question \(unknown.prefix(20)) in this survey.")
        }
        var rows: [AnswerRow] = []
        for (index, question) in questions.enumerated() {
            let name = "Question \(index + 1)"
            let shown = question.showIf.map { condition in
                guard let earlier = answers[condition.question] else { return false }
                switch earlier {
                case .number(let n): return condition.anyOf.contains(String(n))
                case .choice(let c): return condition.anyOf.contains(c)
                case .choices(let cs): return cs.contains { condition.anyOf.contains($0) }
                case .text, .matrix: return false
                }
            } ?? true
            guard let answer = answers[question.key] else {
                if shown && question.required { throw AppError.invalid("answers", "\(name) needs an answer: \(question.prompt.prefix(80))") }
                continue
            }
            guard shown else { throw AppError.invalid("answers", "\(name) is skipped for your earlier answer; leave it out.") }
            switch (question.kind, answer) {
            case (.rating, .number(let n)), (.enps, .number(let n)):
                guard let scale = question.scale, scale.contains(n) else {
                    throw AppError.invalid("answers", "\(name) is answered on \(question.scale!.lowerBound)–\(question.scale!.upperBound); \(n) is outside it.")
                }
                rows.append(AnswerRow(question: question.key, item: "", number: n, choice: nil, body: nil))
            case (.single, .choice(let choice)):
                guard question.choices?.contains(choice) == true else { throw AppError.invalid("answers", "\(name): '\(choice.prefix(60))' is not one of its choices.") }
                rows.append(AnswerRow(question: question.key, item: "", number: nil, choice: choice, body: nil))
            case (.multiple, .choices(let picked)):
                guard Set(picked).count == picked.count else { throw AppError.invalid("answers", "\(name): each choice can be picked once.") }
                guard !picked.isEmpty || !question.required else { throw AppError.invalid("answers", "\(name) needs at least one choice.") }
                for choice in picked {
                    guard question.choices?.contains(choice) == true else { throw AppError.invalid("answers", "\(name): '\(choice.prefix(60))' is not one of its choices.") }
                    rows.append(AnswerRow(question: question.key, item: choice, number: nil, choice: choice, body: nil))
                }
            case (.text, .text(let raw)):
                let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
                guard text.count <= maximumText else { throw AppError.invalid("answers", "\(name): keep the answer under \(maximumText) characters.") }
                guard !text.unicodeScalars.contains("\0") else { throw AppError.invalid("answers", "\(name): the text must not contain NUL characters.") }
                if text.isEmpty {
                    if question.required { throw AppError.invalid("answers", "\(name) needs an answer: \(question.prompt.prefix(80))") }
                    continue
                }
                rows.append(AnswerRow(question: question.key, item: "", number: nil, choice: nil, body: text))
            case (.matrix, .matrix(let ratings)):
                let statements = question.rows ?? []
                if let unknown = ratings.keys.sorted().first(where: { !statements.contains($0) }) {
                    throw AppError.invalid("answers", "\(name): '\(unknown.prefix(60))' is not one of its statements.")
                }
                for statement in statements {
                    guard let n = ratings[statement] else {
                        if question.required { throw AppError.invalid("answers", "\(name): rate '\(statement.prefix(60))'.") }
                        continue
                    }
                    guard (1...5).contains(n) else { throw AppError.invalid("answers", "\(name): rate each statement 1–5; \(n) is outside it.") }
                    rows.append(AnswerRow(question: question.key, item: statement, number: n, choice: nil, body: nil))
                }
            default:
                throw AppError.invalid("answers", "\(name) takes \(Self.expected(question.kind)).")
            }
        }
        return rows
    }

    static func expected(_ kind: QuestionKind) -> String {
        switch kind {
        case .rating, .enps: "a number"
        case .single: "one of its choices"
        case .multiple: "a list of its choices"
        case .text: "text"
        case .matrix: "a rating for each statement"
        }
    }
}
