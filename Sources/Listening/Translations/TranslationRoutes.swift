import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// A draft's wording in other languages, written by its authors; each person then sees the
/// survey, its feed card and its invitations in the language of their HR record.
struct TranslationRoutes {
    let feature: ListeningFeature
    let api: SurveyRoutes

    static let text = Schema.object([
        Schema.Property("key", .string(maxLength: 8), required: false, description: "Set by the server from the order."),
        Schema.Property("prompt", .line(1...500)),
        Schema.Property("choices", .nullable(.array(.string(maxLength: 200), maxItems: 20)), required: false, description: "In the survey's order."),
        Schema.Property("rows", .nullable(.array(.string(maxLength: 200), maxItems: 20)), required: false, description: "A matrix's statements, in the survey's order."),
    ])
    static let schema = Schema.object([
        Schema.Property("language", .string(maxLength: 35)), Schema.Property("title", .line(1...120)),
        Schema.Property("intro", .string(maxLength: 2_000), required: false),
        Schema.Property("questions", .array(.ref("SurveyQuestionText"), maxItems: SurveyDraft.maximumQuestions)),
    ])
    static let input = Schema.object([
        Schema.Property("title", .line(1...120)), Schema.Property("intro", .string(maxLength: 2_000), required: false),
        Schema.Property("questions", .array(.ref("SurveyQuestionText"), maxItems: SurveyDraft.maximumQuestions, minItems: 1)),
    ])

    struct Input: Decodable {
        let title: String
        let intro: String?
        let questions: [SurveyTranslation.Text]
    }

    func register(in table: RouteTable) {
        let authors = ListeningFeature.authors
        table.component("SurveyQuestionText", Self.text)
        table.component("SurveyTranslation", Self.schema)
        let language = APIParameter("language", in: .path, .string(minLength: 2, maxLength: 35), description: "A language tag such as de or pt-BR.")

        table.api(.get, "/api/v1/surveys/{id}/translations", ListeningFeature.staff,
                  APIOperation(id: "listSurveyTranslations", summary: "A survey's wording in other languages", tag: "Listening", parameters: [.pathID()],
                               success: APIOperation.ok(.object([Schema.Property("data", .array(.ref("SurveyTranslation")))])), errors: [404])) { _, context in
            struct Out: Encodable { let data: [SurveyTranslation] }
            return try Reply.json(Out(data: try await feature.translations.list(survey: try await api.find(context).id)))
        }

        table.api(.put, "/api/v1/surveys/{id}/translations/{language}", authors,
                  APIOperation(id: "putSurveyTranslation", summary: "Set a draft's wording in one language (every question, choices and statements in order)",
                               tag: "Listening", parameters: [.pathID(), language], requestBody: Self.input, success: APIOperation.ok(.ref("SurveyTranslation")),
                               errors: [400, 404, 409, 415, 422])) { request, context in
            let survey = try await api.find(context)
            let input = try await request.json(Input.self, context: context)
            let translation = SurveyTranslation(language: context.parameters.get("language") ?? "", title: input.title, intro: input.intro ?? "", questions: input.questions)
            return try Reply.json(try await feature.translations.save(translation, survey: survey, by: try api.actor(context)))
        }

        table.api(.delete, "/api/v1/surveys/{id}/translations/{language}", authors,
                  APIOperation(id: "deleteSurveyTranslation", summary: "Remove a draft's wording in one language", tag: "Listening", parameters: [.pathID(), language],
                               success: APIOperation.noContent, errors: [404, 409])) { _, context in
            let survey = try await api.find(context)
            try await feature.translations.delete(language: context.parameters.get("language") ?? "", survey: survey, by: try api.actor(context))
            return Reply.noContent()
        }

        table.page(.post, "/surveys/{id}/translations", authors) { request, context in
            let survey = try await api.find(context)
            let form = try await request.form(context: context)
            do {
                let translation = SurveyTranslation(language: form["language"] ?? "", title: form["title"] ?? "", intro: form["intro"] ?? "",
                                                    questions: TranslationPages.parse(form["questions"] ?? "", for: survey))
                let saved = try await feature.translations.save(translation, survey: survey, by: try api.actor(context))
                return Pages.redirect("/surveys/\(survey.id)", flash: Flash(.success, "Saved the \(saved.language) wording."), context: context)
            } catch let error as AppError where error.field != nil || error.status == .conflict {
                return Pages.redirect("/surveys/\(survey.id)", flash: Flash(.error, error.message), context: context)
            }
        }

        table.page(.post, "/surveys/{id}/translations/{language}/delete", authors) { request, context in
            let survey = try await api.find(context)
            _ = try await request.form(context: context)
            let language = context.parameters.get("language") ?? ""
            try await feature.translations.delete(language: language, survey: survey, by: try api.actor(context))
            return Pages.redirect("/surveys/\(survey.id)", flash: Flash(.success, "Removed the \(language) wording."), context: context)
        }
    }
}

/// The translations card on a draft's page.
enum TranslationPages {
    /// One line per question, in the survey's order: the question, then its choices or
    /// statements after "|".
    static func parse(_ text: String, for survey: Survey) -> [SurveyTranslation.Text] {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return lines.enumerated().map { index, line in
            let parts = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let rest = Array(parts.dropFirst())
            let question = index < survey.questions.count ? survey.questions[index] : nil
            return SurveyTranslation.Text(key: question?.key ?? "", prompt: parts.first ?? "",
                                          choices: question?.choices != nil ? rest : nil, rows: question?.rows != nil ? rest : nil)
        }
    }

    static func lines(_ survey: Survey, _ translation: SurveyTranslation?) -> String {
        survey.questions.map { q in
            let text = translation?.questions.first { $0.key == q.key }
            return ([text?.prompt ?? q.prompt] + (text?.choices ?? text?.rows ?? q.choices ?? q.rows ?? [])).joined(separator: " | ")
        }.joined(separator: "\n")
    }

    static func section(_ page: PageContext, survey s: Survey, translations: [SurveyTranslation], mayEdit: Bool) -> HTMLNode {
        var body: [HTMLNode] = [
            el("p", [], text: "Each person sees the survey, its feed card and its invitations in the language of their HR record when there is a wording for it, else in these words. Answers are stored in these words, so results add up across languages."),
            UI.table(caption: "Languages", headers: ["Language", "Title", ""], rows: translations.map { t in
                [text(t.language), text(t.title), mayEdit && s.state == .draft
                    ? el("form", [("method", "post"), ("action", "/surveys/\(s.id)/translations/\(t.language)/delete"), ("class", "inline")],
                         [Layout.csrfField(page.csrfToken), el("button", [("type", "submit"), ("class", "secondary")], text: "Remove")])
                    : text("")]
            }, empty: "Only the survey's own words so far."),
        ]
        if mayEdit && s.state == .draft {
            body.append(el("form", [("method", "post"), ("action", "/surveys/\(s.id)/translations")], [
                Layout.csrfField(page.csrfToken),
                UI.field("Language", name: "language", value: "", hint: "A tag such as de, fr or pt-BR. Saving one that exists replaces it.", attributes: [("maxlength", "35")]),
                UI.field("Title", name: "title", value: "", attributes: [("maxlength", "120")]),
                UI.textArea("Introduction", name: "intro", value: "", rows: 2),
                UI.textArea("Questions", name: "questions", value: lines(s, nil), rows: max(3, s.questions.count + 1),
                            hint: "One line per question, in order: the question, then its choices or statements after |, in the same order. Replace the words, keep the |."),
                el("button", [("type", "submit")], text: "Save the translation"),
            ]))
        }
        return UI.card("Languages", body)
    }
}
