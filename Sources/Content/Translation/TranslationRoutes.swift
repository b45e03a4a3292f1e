import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// Translation requests by form and API, and the list of translations waiting.
struct TranslationRoutes {
    let feature: ContentFeature
    var translations: PostTranslations { feature.translations }

    static let taskSchema = Schema.object([
        Schema.Property("post_id", .id), Schema.Property("post_title", .text), Schema.Property("post_state", .enumeration(PostState.allCases.map(\.rawValue))),
        Schema.Property("language", .text), Schema.Property("status", .enumeration(VariantStatus.allCases.map(\.rawValue))),
        Schema.Property("translator_id", .nullable(.id), required: false), Schema.Property("translator_name", .nullable(.text), required: false),
        Schema.Property("updated_at", .dateTime),
    ])
    static let requestSchema = Schema.object([
        Schema.Property("language", .line(1...35), description: "BCP 47 tag of the new variant, e.g. de or pt-BR."),
        Schema.Property("version", .integer(minimum: 1), description: "The post version you are looking at."),
        Schema.Property("translator_id", .nullable(.id), required: false, description: "Someone who can edit posts."),
        Schema.Property("machine", .boolean, required: false, description: "Draft it with the machine-translation service (when one is set up)."),
    ])

    struct RequestInput: Decodable {
        let language: String
        let version: Int
        let translatorId: Int64?
        let machine: Bool?
    }

    func register(in table: RouteTable) {
        let readers = ContentFeature.readers, editors = ContentFeature.editors

        table.page(.get, "/translations", readers) { request, context in
            let userID = try context.requireIdentity().userID
            let everyone = request.query("assigned") == "anyone"
            let tasks = try await translations.tasks(assignedTo: everyone ? nil : userID)
            return Pages.render(request, context, title: "Translations") { _ in
                TranslationPages.list(tasks, everyone: everyone, provider: translations.provider?.name)
            }
        }

        table.page(.post, "/posts/{id}/translations", editors) { request, context in
            let postID = try context.pathID(what: "Post")
            let form = try await request.form(context: context)
            do {
                var translator: Int64?
                if let raw = form.text("translator_id") {
                    guard let id = Int64(raw), id > 0 else { throw AppError.invalid("translator_id", "Pick a translator from the list.") }
                    translator = id
                }
                guard let version = form.text("version").flatMap({ Int($0) }) else { throw AppError.invalid("version", "Reload the post and try again.") }
                let language = form["language"] ?? ""
                let post = try await translations.request(post: postID, language: language, translatorID: translator, machine: form["machine"] == "on",
                                                          expectedVersion: version, by: try ContentFeature.actor(context))
                let how = form["machine"] == "on" ? "Machine-translated draft added" : "Added"
                return Pages.redirect("/posts/\(post.id)", flash: Flash(.success, "\(how): the \(language.trimmed) version needs translation (version \(post.version))."), context: context)
            } catch let error as AppError where error.status != .unauthorized && error.status != .forbidden && error.status != .notFound {
                return Pages.redirect("/posts/\(postID)#translate", flash: Flash(.error, error.message), context: context)
            }
        }

        table.api(.get, "/api/v1/translations", readers,
                  APIOperation(id: "listTranslations", summary: "Language versions not yet approved, on posts still being prepared", tag: "Content",
                               parameters: [APIParameter("assigned", in: .query, .enumeration(["me", "anyone"]), description: "Yours (default) or everyone's.")],
                               success: APIOperation.ok(.object([Schema.Property("data", .array(Self.taskSchema))])), errors: [400])) { request, context in
            struct Tasks: Encodable { let data: [TranslationTask] }
            let userID = try context.requireIdentity().userID
            switch try request.queryText("assigned", max: 10, strict: true) {
            case nil, "me": return try Reply.json(Tasks(data: try await translations.tasks(assignedTo: userID)))
            case "anyone": return try Reply.json(Tasks(data: try await translations.tasks(assignedTo: nil)))
            default: throw AppError(.badRequest, code: "invalid_parameter", message: "'assigned' is me or anyone.", field: "assigned")
            }
        }

        table.api(.post, "/api/v1/posts/{id}/translations", editors,
                  APIOperation(id: "requestTranslation", summary: "Add a language version that needs translation, copied from the fallback or drafted by machine translation", tag: "Content",
                               parameters: [.pathID()], requestBody: Self.requestSchema, success: APIOperation.created(.ref("Post")),
                               errors: [400, 404, 409, 415, 422, 502])) { request, context in
            let input = try await request.json(RequestInput.self, context: context)
            let post = try await translations.request(post: try context.pathID(what: "Post"), language: input.language, translatorID: input.translatorId,
                                                      machine: input.machine ?? false, expectedVersion: input.version, by: try ContentFeature.actor(context))
            let actor = try ContentFeature.actor(context)
            return try Reply.json(ContentAPI.PostJSON(post, actions: PostWorkflow.available(to: actor.workflow, on: try await feature.posts.facts(post))), status: .created)
        }
    }
}

enum TranslationPages {
    static func list(_ tasks: [TranslationTask], everyone: Bool, provider: String?) -> [HTMLNode] {
        [
            UI.heading("Translations", subtitle: everyone ? "Every language version still to translate or approve." : "Language versions assigned to you."),
            el("p", [], [everyone ? link("Only mine", "/translations") : link("Everyone's", "/translations?assigned=anyone")]),
            UI.table(caption: everyone ? "Waiting" : "Assigned to you", headers: ["Post", "Language", "Status", "Translator", "Post state", "Updated"], rows: tasks.map { t in
                [link(t.postTitle, "/posts/\(t.postID)"), text(t.language), text(t.status.title), text(t.translatorName ?? "nobody yet"), text(t.postState.title),
                 text(t.updatedAt.formatted(date: .abbreviated, time: .shortened))]
            }, empty: everyone ? "No translations are waiting." : "Nothing is assigned to you."),
            el("p", [("class", "hint")], text: provider.map { "Machine translation: \($0). Drafts are checked by a person before approval." }
                ?? "No machine-translation service is set up (TANDEM_TRANSLATE_URL); translations are done by people."),
        ]
    }

    /// The "request a translation" form on a post page.
    static func form(_ page: PageContext, post: Post, translators: [(id: Int64, name: String)], provider: String?) -> HTMLNode {
        var fields: [HTMLNode] = [
            Layout.csrfField(page.csrfToken),
            void("input", [("type", "hidden"), ("name", "version"), ("value", String(post.version))]),
            UI.field("Language (BCP 47)", name: "language", hint: "de, fr-CA, pt-BR", attributes: [("maxlength", "35"), ("required", "required")]),
            UI.select("Translator", name: "translator_id", options: [(value: "", title: "Nobody yet")] + translators.map { (String($0.id), $0.name) }, selected: ""),
        ]
        if let provider {
            fields.append(UI.checkboxes("Machine translation", name: "machine", options: [("on", "Draft it with \(provider)")], checked: []))
        }
        fields.append(el("button", [("type", "submit")], text: "Add language"))
        return el("section", [("class", "card"), ("id", "translate")], [
            el("h2", text: "Request a translation"),
            el("p", [("class", "hint")], text: "Adds a version in another language, marked as needing translation (a new version of the post; approved posts return to review). It cannot be scheduled until the translation is done."),
            el("form", [("method", "post"), ("action", "/posts/\(post.id)/translations")], fields),
        ])
    }
}
