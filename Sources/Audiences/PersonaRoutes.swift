import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// Personas as pages (everyone who targets reads them; HR writes them) and as API.
struct PersonaRoutes {
    let feature: AudiencesFeature

    func register(in table: RouteTable) {
        let readers = AudiencesFeature.access, writers = AudiencesFeature.personaWriters

        table.page(.get, "/personas", readers) { request, context in
            let personas = try await sized(try await feature.personas.all(), context)
            return Pages.render(request, context, title: "Personas") {
                PersonaPages.list($0, personas: personas, canWrite: writers.allows(context.identity))
            }
        }

        table.page(.get, "/personas/new", writers) { request, context in
            try await form(request, context, persona: nil, values: nil, error: nil)
        }

        table.page(.post, "/personas", writers) { request, context in
            let values = try await request.form(context: context)
            do {
                let persona = try await feature.personas.create(try draft(values), by: try AudiencesFeature.actor(context))
                return Pages.redirect("/personas/\(persona.id)", flash: Flash(.success, "Saved the persona \(persona.name)."), context: context)
            } catch let error as AppError where error.field != nil || error.status == .conflict {
                return try await form(request, context, persona: nil, values: values, error: error)
            }
        }

        table.page(.get, "/personas/{id}", readers) { request, context in
            let persona = try await find(context)
            let size = try await sized([persona], context)[0].1
            let canWrite = writers.allows(context.identity)
            let audiences = canWrite ? try await feature.store.all() : []
            return Pages.render(request, context, title: persona.name) {
                PersonaPages.detail($0, persona: persona, size: size) + (canWrite ? PersonaPages.form($0, persona: persona, values: nil, audiences: audiences, error: nil) : [])
            }
        }

        table.page(.post, "/personas/{id}", writers) { request, context in
            let persona = try await find(context)
            let values = try await request.form(context: context)
            do {
                let saved = try await feature.personas.update(persona.id, try draft(values), by: try AudiencesFeature.actor(context))
                return Pages.redirect("/personas/\(saved.id)", flash: Flash(.success, "Saved \(saved.name)."), context: context)
            } catch let error as AppError where error.field != nil || error.status == .conflict {
                return try await form(request, context, persona: persona, values: values, error: error)
            }
        }

        table.page(.post, "/personas/{id}/delete", writers) { request, context in
            let persona = try await find(context)
            _ = try await request.form(context: context)
            try await feature.personas.delete(persona.id, by: try AudiencesFeature.actor(context))
            return Pages.redirect("/personas", flash: Flash(.success, "Deleted the persona \(persona.name)."), context: context)
        }

        registerAPI(in: table, readers: readers, writers: writers)
    }

    private func registerAPI(in table: RouteTable, readers: Access, writers: Access) {
        table.api(.get, "/api/v1/personas", readers,
                  APIOperation(id: "listPersonas", summary: "Personas with the live size of their linked audience", tag: "Audiences",
                               success: APIOperation.ok(.object([Schema.Property("data", .array(.ref("Persona")))])))) { _, context in
            struct Personas: Encodable { let data: [AudienceAPI.PersonaJSON] }
            let list = try await sized(try await feature.personas.all(), context)
            return try Reply.json(Personas(data: list.map { AudienceAPI.PersonaJSON(persona: $0.0, size: $0.1) }))
        }

        table.api(.post, "/api/v1/personas", writers,
                  APIOperation(id: "createPersona", summary: "Write a persona (HR)", tag: "Audiences", requestBody: AudienceAPI.personaInput,
                               success: APIOperation.created(.ref("Persona")), errors: [400, 409, 415, 422])) { request, context in
            let body = try await request.json(AudienceAPI.PersonaInput.self, context: context)
            let persona = try await feature.personas.create(try draft(body), by: try AudiencesFeature.actor(context))
            return try Reply.json(AudienceAPI.PersonaJSON(persona: persona, size: try await sized([persona], context)[0].1), status: .created)
        }

        table.api(.get, "/api/v1/personas/{id}", readers,
                  APIOperation(id: "getPersona", summary: "One persona", tag: "Audiences", parameters: [.pathID()],
                               success: APIOperation.ok(.ref("Persona")), errors: [404])) { _, context in
            let persona = try await find(context)
            return try Reply.json(AudienceAPI.PersonaJSON(persona: persona, size: try await sized([persona], context)[0].1))
        }

        table.api(.put, "/api/v1/personas/{id}", writers,
                  APIOperation(id: "updatePersona", summary: "Replace a persona (HR)", tag: "Audiences", parameters: [.pathID()],
                               requestBody: AudienceAPI.personaInput, success: APIOperation.ok(.ref("Persona")), errors: [400, 404, 409, 415, 422])) { request, context in
            let id = try context.pathID(what: "Persona")
            let body = try await request.json(AudienceAPI.PersonaInput.self, context: context)
            let persona = try await feature.personas.update(id, try draft(body), by: try AudiencesFeature.actor(context))
            return try Reply.json(AudienceAPI.PersonaJSON(persona: persona, size: try await sized([persona], context)[0].1))
        }

        table.api(.delete, "/api/v1/personas/{id}", writers,
                  APIOperation(id: "deletePersona", summary: "Delete a persona (HR)", tag: "Audiences", parameters: [.pathID()],
                               success: APIOperation.noContent, errors: [404])) { _, context in
            try await feature.personas.delete(try context.pathID(what: "Persona"), by: try AudiencesFeature.actor(context))
            return Reply.noContent()
        }
    }

    func find(_ context: TandemContext) async throws -> Persona {
        guard let persona = try await feature.personas.find(id: try context.pathID(what: "Persona")) else { throw AppError.notFound("Persona") }
        return persona
    }

    /// Each persona with its linked audience's live size.
    func sized(_ personas: [Persona], _ context: TandemContext) async throws -> [(Persona, String?)] {
        var result: [(Persona, String?)] = []
        for persona in personas {
            var size: String?
            if let id = persona.audienceId, let audience = try await feature.store.find(id: id) {
                size = try await feature.counter.size(of: audience, seesSensitive: AudiencesFeature.seesSensitive(context))
            }
            result.append((persona, size))
        }
        return result
    }

    func draft(_ body: AudienceAPI.PersonaInput) throws -> PersonaDraft {
        // The API takes one value per item (forms take comma-separated text and drop blanks).
        for (field, items) in [("channels", body.channels), ("languages", body.languages), ("interests", body.interests)] where items?.contains(where: { $0.trimmed.isEmpty }) == true {
            throw AppError.invalid(field, "'\(field)' must not contain empty values.")
        }
        return try PersonaDraft(name: body.name, summary: body.summary ?? "", needs: body.needs ?? "", painPoints: body.painPoints ?? "",
                         channels: body.channels ?? [], languages: body.languages ?? [], interests: body.interests ?? [], audienceID: body.audienceId)
    }

    func draft(_ form: FormData) throws -> PersonaDraft {
        var audienceID: Int64?
        if let raw = form.text("audience_id") {
            guard let id = Int64(raw), id > 0 else { throw AppError.invalid("audience_id", "Pick an audience from the list.") }
            audienceID = id
        }
        return try PersonaDraft(name: form["name"] ?? "", summary: form["summary"] ?? "", needs: form["needs"] ?? "", painPoints: form["pain_points"] ?? "",
                                channels: form.all("channels"), languages: [form["languages"] ?? ""], interests: [form["interests"] ?? ""], audienceID: audienceID)
    }

    func form(_ request: Request, _ context: TandemContext, persona: Persona?, values: FormData?, error: AppError?) async throws -> Response {
        let audiences = try await feature.store.all()
        return Pages.render(request, context, title: persona?.name ?? "New persona", status: error?.status ?? .ok) { page in
            [UI.heading(persona?.name ?? "New persona", subtitle: "Who a group of employees is, what they need, and how to reach them.")]
                + PersonaPages.form(page, persona: persona, values: values, audiences: audiences, error: error)
        }
    }
}
