import Audit
import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// Campaigns as pages and API. HR, Internal Communications and Marketing plan them together.
struct CampaignRoutes {
    let store: CampaignStore
    let posts: PostStore

    static let schema = Schema.object([
        Schema.Property("id", .id), Schema.Property("name", .text), Schema.Property("goal", .text),
        Schema.Property("owner_teams", .array(.enumeration(CampaignTeam.allCases.map(\.rawValue)))),
        Schema.Property("starts_on", .string(format: "date")), Schema.Property("ends_on", .string(format: "date")),
        Schema.Property("external_name", .nullable(.text), required: false), Schema.Property("external_url", .nullable(.text), required: false),
        Schema.Property("outcome_metric", .text), Schema.Property("post_count", .integer(minimum: 0)),
        Schema.Property("updated_by", .text), Schema.Property("updated_at", .dateTime),
    ])
    static let input = Schema.object([
        Schema.Property("name", .line(1...80)), Schema.Property("goal", .string(maxLength: 1_000), required: false),
        Schema.Property("owner_teams", .array(.enumeration(CampaignTeam.allCases.map(\.rawValue)), maxItems: 3, minItems: 1)),
        Schema.Property("starts_on", .string(format: "date")), Schema.Property("ends_on", .string(format: "date")),
        Schema.Property("external_name", .nullable(.string(maxLength: 80)), required: false, description: "A paired external (brand) campaign."),
        Schema.Property("external_url", .nullable(.string(maxLength: 2_000)), required: false),
        Schema.Property("outcome_metric", .string(maxLength: 120), required: false, description: "The outcome it should move, e.g. 401(k) participation."),
    ])

    struct Input: Decodable {
        let name: String
        let goal: String?
        let ownerTeams: [String]
        let startsOn: String
        let endsOn: String
        let externalName: String?
        let externalUrl: String?
        let outcomeMetric: String?
    }

    func register(in table: RouteTable) {
        let readers = ContentFeature.readers, editors = ContentFeature.editors
        table.component("Campaign", Self.schema)

        table.page(.get, "/campaigns", readers) { request, context in try await list(request, context, values: nil, error: nil) }

        table.page(.post, "/campaigns", editors) { request, context in
            let values = try await request.form(context: context)
            do {
                let campaign = try await store.create(try draft(values), by: try actor(context))
                return Pages.redirect("/campaigns/\(campaign.id)", flash: Flash(.success, "Created the campaign \(campaign.name)."), context: context)
            } catch let error as AppError where error.field != nil || error.status == .conflict {
                return try await list(request, context, values: values, error: error)
            }
        }

        table.page(.get, "/campaigns/{id}", readers) { request, context in
            try await detail(request, context, campaign: try await find(context), values: nil, error: nil)
        }

        table.page(.post, "/campaigns/{id}", editors) { request, context in
            let campaign = try await find(context)
            let values = try await request.form(context: context)
            do {
                let saved = try await store.update(campaign.id, try draft(values), by: try actor(context))
                return Pages.redirect("/campaigns/\(saved.id)", flash: Flash(.success, "Saved \(saved.name)."), context: context)
            } catch let error as AppError where error.field != nil || error.status == .conflict {
                return try await detail(request, context, campaign: campaign, values: values, error: error)
            }
        }

        table.page(.post, "/campaigns/{id}/delete", editors) { request, context in
            let campaign = try await find(context)
            _ = try await request.form(context: context)
            do {
                try await store.delete(campaign.id, by: try actor(context))
            } catch let error as AppError where error.status == .conflict {
                return try await detail(request, context, campaign: campaign, values: nil, error: error)
            }
            return Pages.redirect("/campaigns", flash: Flash(.success, "Deleted the campaign \(campaign.name)."), context: context)
        }

        table.api(.get, "/api/v1/campaigns", readers,
                  APIOperation(id: "listCampaigns", summary: "Campaigns, latest first, with their post counts", tag: "Content",
                               success: APIOperation.ok(.object([Schema.Property("data", .array(.ref("Campaign")))])))) { _, _ in
            struct Campaigns: Encodable { let data: [Campaign] }
            return try Reply.json(Campaigns(data: try await store.all()))
        }

        table.api(.post, "/api/v1/campaigns", editors,
                  APIOperation(id: "createCampaign", summary: "Create a campaign", tag: "Content", requestBody: Self.input,
                               success: APIOperation.created(.ref("Campaign")), errors: [400, 409, 415, 422])) { request, context in
            let input = try await request.json(Input.self, context: context)
            return try Reply.json(try await store.create(try draft(input), by: try actor(context)), status: .created)
        }

        table.api(.get, "/api/v1/campaigns/{id}", readers,
                  APIOperation(id: "getCampaign", summary: "One campaign", tag: "Content", parameters: [.pathID()], success: APIOperation.ok(.ref("Campaign")), errors: [404])) { _, context in
            try Reply.json(try await find(context))
        }

        table.api(.put, "/api/v1/campaigns/{id}", editors,
                  APIOperation(id: "updateCampaign", summary: "Replace a campaign", tag: "Content", parameters: [.pathID()], requestBody: Self.input,
                               success: APIOperation.ok(.ref("Campaign")), errors: [400, 404, 409, 415, 422])) { request, context in
            let campaign = try await find(context)
            let input = try await request.json(Input.self, context: context)
            return try Reply.json(try await store.update(campaign.id, try draft(input), by: try actor(context)))
        }

        table.api(.delete, "/api/v1/campaigns/{id}", editors,
                  APIOperation(id: "deleteCampaign", summary: "Delete a campaign without posts", tag: "Content", parameters: [.pathID()],
                               success: APIOperation.noContent, errors: [404, 409])) { _, context in
            try await store.delete(try await find(context).id, by: try actor(context))
            return Reply.noContent()
        }
    }

    func find(_ context: TandemContext) async throws -> Campaign {
        guard let campaign = try await store.find(id: try context.pathID(what: "Campaign")) else { throw AppError.notFound("Campaign") }
        return campaign
    }

    func actor(_ context: TandemContext) throws -> AuditActor { AuditActor(identity: try context.requireIdentity(), requestID: context.id) }

    func teams(_ raw: [String]) throws -> [CampaignTeam] {
        try raw.map { value in
            guard let team = CampaignTeam(rawValue: value) else { throw AppError.invalid("owner_teams", "Owner teams are hr, ic and marketing.") }
            return team
        }
    }

    func draft(_ input: Input) throws -> CampaignDraft {
        try CampaignDraft(name: input.name, goal: input.goal ?? "", ownerTeams: try teams(input.ownerTeams), startsOn: input.startsOn, endsOn: input.endsOn,
                          externalName: input.externalName, externalURL: input.externalUrl, outcomeMetric: input.outcomeMetric ?? "")
    }

    func draft(_ form: FormData) throws -> CampaignDraft {
        try CampaignDraft(name: form["name"] ?? "", goal: form["goal"] ?? "", ownerTeams: try teams(form.all("owner_teams")), startsOn: form["starts_on"] ?? "",
                          endsOn: form["ends_on"] ?? "", externalName: form["external_name"], externalURL: form["external_url"], outcomeMetric: form["outcome_metric"] ?? "")
    }

    func list(_ request: Request, _ context: TandemContext, values: FormData?, error: AppError?) async throws -> Response {
        let campaigns = try await store.all()
        let canWrite = ContentFeature.editors.allows(context.identity)
        return Pages.render(request, context, title: "Campaigns", status: error?.status ?? .ok) { page in
            CampaignPages.list(page, campaigns: campaigns) + (canWrite ? CampaignPages.form(page, campaign: nil, values: values, error: error) : [])
        }
    }

    func detail(_ request: Request, _ context: TandemContext, campaign: Campaign, values: FormData?, error: AppError?) async throws -> Response {
        let canWrite = ContentFeature.editors.allows(context.identity)
        let inCampaign = try await posts.list(PostStore.Filter(campaignID: campaign.id), cursor: nil, limit: 100).items
        return Pages.render(request, context, title: campaign.name, status: error?.status ?? .ok) { page in
            CampaignPages.detail(page, campaign: campaign, posts: inCampaign) + (canWrite ? CampaignPages.form(page, campaign: campaign, values: values, error: error) : [])
        }
    }
}
