import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// The audience pages. Every form posts back here; `intent` says whether to save, preview or
/// add/remove a builder row, so the builder works without JavaScript.
struct AudiencePageRoutes {
    let feature: AudiencesFeature

    func register(in table: RouteTable) {
        let access = AudiencesFeature.access

        table.page(.get, "/audiences", access) { request, context in
            let page = try await feature.store.list(cursor: try Cursor.decode(request.query("cursor")), limit: 50)
            var rows: [(Audience, String)] = []
            for audience in page.items {
                rows.append((audience, try await feature.counter.size(of: audience, seesSensitive: AudiencesFeature.seesSensitive(context))))
            }
            return Pages.render(request, context, title: "Audiences") { AudiencePages.list($0, audiences: rows, next: page.nextCursor) }
        }

        table.page(.get, "/audiences/new", access) { request, context in
            var form = AudienceForm(attributes: try await feature.attributes.all())
            if request.query("kind") == Audience.Kind.list.rawValue { form.kind = .list }
            return try await editor(request, context, title: "New audience", action: "/audiences", form: form, error: nil, preview: false)
        }

        table.page(.post, "/audiences", access) { request, context in
            let form = AudienceForm(try await request.form(context: context), attributes: try await feature.attributes.all())
            guard form.intent == .save else {
                return try await editor(request, context, title: "New audience", action: "/audiences", form: form, error: nil, preview: true)
            }
            do {
                let audience = try await feature.store.create(try form.draft(), mayUseSensitive: AudiencesFeature.seesSensitive(context), by: try AudiencesFeature.actor(context))
                return Pages.redirect("/audiences/\(audience.id)", flash: Flash(.success, "Saved the audience \(audience.name)."), context: context)
            } catch let error as AppError where error.status != .unauthorized {
                return try await editor(request, context, title: "New audience", action: "/audiences", form: form, error: error, preview: false, status: error.status)
            }
        }

        table.page(.get, "/audiences/{id}", access) { request, context in
            let audience = try await find(context)
            var form = AudienceForm(audience: audience, members: audience.kind == .list ? try await feature.store.members(of: audience.id, version: audience.version) : [],
                                    attributes: try await feature.attributes.all())
            form.intent = .preview
            return try await show(request, context, audience: audience, form: form, error: nil)
        }

        table.page(.post, "/audiences/{id}", access) { request, context in
            let audience = try await find(context)
            var form = AudienceForm(try await request.form(context: context), attributes: try await feature.attributes.all())
            form.kind = audience.kind
            guard form.intent == .save else { return try await show(request, context, audience: audience, form: form, error: nil) }
            do {
                let saved = try await feature.store.update(audience.id, try form.draft(), mayUseSensitive: AudiencesFeature.seesSensitive(context), by: try AudiencesFeature.actor(context))
                return Pages.redirect("/audiences/\(saved.id)", flash: Flash(.success, "Saved version \(saved.version) of \(saved.name)."), context: context)
            } catch let error as AppError where error.status != .unauthorized {
                return try await show(request, context, audience: audience, form: form, error: error, status: error.status)
            }
        }

        table.page(.post, "/audiences/{id}/delete", access) { request, context in
            let audience = try await find(context)
            _ = try await request.form(context: context)
            do {
                try await feature.store.delete(audience.id, mayUseSensitive: AudiencesFeature.seesSensitive(context), by: try AudiencesFeature.actor(context))
            } catch let error as AppError where error.status == .conflict || error.status == .forbidden {
                return Pages.redirect("/audiences/\(audience.id)", flash: Flash(.error, error.message), context: context)
            }
            return Pages.redirect("/audiences", flash: Flash(.success, "Deleted the audience \(audience.name)."), context: context)
        }
    }

    func find(_ context: TandemContext) async throws -> Audience {
        guard let audience = try await feature.store.find(id: try context.pathID(what: "Audience")) else { throw AppError.notFound("Audience") }
        return audience
    }

    func editor(
        _ request: Request, _ context: TandemContext, title: String, action: String, form: AudienceForm, error: AppError?, preview: Bool,
        status: HTTPResponse.Status = .ok, before: [HTMLNode] = []
    ) async throws -> Response {
        let seesSensitive = AudiencesFeature.seesSensitive(context)
        let names = try await feature.store.all().map(\.name)
        var result: AudienceCounter.Preview?
        var previewError: AppError?
        if preview && form.kind == .rule {
            do {
                result = try await feature.counter.preview(try form.rule(), seesSensitive: seesSensitive)
            } catch let error as AppError {
                previewError = error
            }
        }
        return Pages.render(request, context, title: title, status: status) { page in
            [UI.heading(title)] + before
                + AudiencePages.editor(page, action: action, form: form, audiences: names, includeSensitive: seesSensitive, attributes: form.attributes, error: error, preview: result, previewError: previewError)
        }
    }

    func show(_ request: Request, _ context: TandemContext, audience: Audience, form: AudienceForm, error: AppError?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let seesSensitive = AudiencesFeature.seesSensitive(context)
        let size = try await feature.counter.size(of: audience, seesSensitive: seesSensitive)
        let versions = try await feature.store.versions(of: audience.id)
        let personas = try await feature.personas.linked(to: audience.id)
        let referrers = try await feature.store.referrers(of: audience.id)
        let canEdit = seesSensitive || !audience.usesSensitiveFields
        let (detailPage, _) = Pages.context(request, context)
        let summary = AudiencePages.detail(detailPage, audience: audience, size: size, versions: versions, personas: personas, referrers: referrers, canEdit: canEdit)
        guard canEdit else {
            return Pages.render(request, context, title: audience.name) { _ in summary }
        }
        let heading: [HTMLNode] = [el("h2", text: "Edit (saving makes version \(audience.version + 1))")]
        var response = try await editor(request, context, title: audience.name, action: "/audiences/\(audience.id)", form: form, error: error,
                                        preview: form.intent != .save, status: status, before: Array(summary.dropFirst()) + heading)
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
