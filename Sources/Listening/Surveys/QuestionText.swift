public import Foundation
public import TandemCore

/// The survey form's questions box: one question per line, so a survey can be written (or
/// pasted) in one go.
///
///     # Benefits                                   ← starts a section
///     enps: How likely are you to recommend us?
///     rating: I understand my benefits             ← 1–5; "rating 0-10:" for 0–10
///     single: Which plan did you pick? | Basic | Plus
///     multiple?: What would help? | Talks | Guides  ← "?" makes it optional
///     text? if q3 = Basic: Why not Plus?            ← shown only when q3 is answered Basic
///     matrix: About your manager | Listens | Explains
public enum QuestionText {
    public static func parse(_ text: String) throws -> [Question] {
        var questions: [Question] = []
        var section: String?
        for (number, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty else { continue }
            if line.hasPrefix("#") {
                section = String(line.dropFirst()).trimmingCharacters(in: .whitespaces)
                continue
            }
            func fail(_ message: String) -> AppError { AppError.invalid("questions", "Line \(number + 1): \(message)") }
            guard let colon = line.firstIndex(of: ":") else {
                throw fail("start with the kind and a colon, e.g. \"rating: I understand my benefits\".")
            }
            var head = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
            let rest = line[line.index(after: colon)...].split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            var condition: Question.Condition?
            if let range = head.range(of: " if ", options: .caseInsensitive) {
                let clause = head[range.upperBound...].split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard clause.count == 2, !clause[0].isEmpty, !clause[1].isEmpty else { throw fail("write the condition as \"if q3 = Basic\".") }
                condition = Question.Condition(question: clause[0].lowercased(), anyOf: clause[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                head = String(head[..<range.lowerBound])
            }
            head = head.lowercased()
            var required = true
            if head.hasSuffix("?") {
                required = false
                head.removeLast()
            }
            var scaleMin: Int?, scaleMax: Int?
            let words = head.split(separator: " ")
            guard let word = words.first, let kind = QuestionKind(rawValue: String(word)) else {
                throw fail("the kind is one of \(QuestionKind.allCases.map(\.rawValue).joined(separator: ", ")) (got \"\(head.prefix(20))\").")
            }
            if words.count > 1 {
                guard kind == .rating, words.count == 2, ["0-10", "1-5"].contains(words[1]) else { throw fail("only a rating takes a scale, 1-5 or 0-10.") }
                scaleMin = words[1] == "0-10" ? 0 : 1
                scaleMax = words[1] == "0-10" ? 10 : 5
            }
            guard let prompt = rest.first, !prompt.isEmpty else { throw fail("write the question after the colon.") }
            let options = Array(rest.dropFirst())
            switch kind {
            case .single, .multiple, .matrix:
                guard !options.isEmpty else { throw fail("list the \(kind == .matrix ? "statements" : "choices") after the question, each after a |.") }
            case .rating, .enps, .text:
                guard options.isEmpty else { throw fail("a \(kind.rawValue) question has no choices after |.") }
            }
            questions.append(Question(key: "", kind: kind, prompt: prompt, section: section, required: required,
                                      choices: kind == .matrix || options.isEmpty ? nil : options, rows: kind == .matrix ? options : nil,
                                      scaleMin: scaleMin, scaleMax: scaleMax, showIf: condition))
        }
        return questions
    }

    /// The questions written back in the same notation, for editing a draft.
    public static func format(_ questions: [Question]) -> String {
        var lines: [String] = []
        var section: String?
        for question in questions {
            if let next = question.section, next != section { lines.append("# " + next) }
            section = question.section
            var head = question.kind.rawValue
            if question.kind == .rating, question.scaleMin == 0 { head += " 0-10" }
            if !question.required { head += "?" }
            if let condition = question.showIf { head += " if \(condition.question) = \(condition.anyOf.joined(separator: ", "))" }
            lines.append(([head + ": " + question.prompt] + (question.choices ?? question.rows ?? [])).joined(separator: " | "))
        }
        return lines.joined(separator: "\n")
    }
}
