import Audit
import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// Topics and their boards as pages and API.
struct TopicRoutes {
    let store: TopicStore

    func register(in table: RouteTable) {
        let readers = ContentFeature.readers, writers = ContentFeature.topicWriters

        table.page(.get, "/topics", readers) { request, context in
            try await list(request, context, values: nil, error: nil)
        }

        table.page(.post, "/topics", writers) { request, context in
            let values = try await request.form(context: context)
            do {
                let topic = try await store.create(try draft(values), by: try actor(context))
                return Pages.redirect("/topics/\(topic.id)", flash: Flash(.success, "Created the topic \(topic.name)."), context: context)
            } catch let error as AppError where error.field != nil || error.status == .conflict {
                return try await list(request, context, values: values, error: error)
            }
        }

        table.page(.get, "/topics/{id}", readers) { request, context in
            try await detail(request, context, topic: try await find(context), values: nil, error: nil)
        }

        table.page(.post, "/topics/{id}", writers) { request, context in
            let topic = try await find(context)
            let values = try await request.form(context: context)
            do {
                let saved = try await store.update(topic.id, try draft(values), by: try actor(context))
                return Pages.redirect("/topics/\(saved.id)", flash: Flash(.success, "Saved \(saved.name)."), context: context)
            } catch let error as AppError where error.field != nil || error.status == .conflict {
                return try await detail(request, context, topic: topic, values: values, error: error)
            }
        }

        table.page(.post, "/topics/{id}/delete", writers) { request, context in
            let topic = try await find(context)
            _ = try await request.form(context: context)
            do {
                try await store.delete(topic.id, by: try actor(context))
            } catch let error as AppError where error.status == .conflict {
                return try await detail(request, context, topic: topic, values: nil, error: error)
            }
            return Pages.redirect("/topics", flash: Flash(.success, "Deleted the topic \(topic.name)."), context: context)
        }

        table.api(.get, "/api/v1/topics", readers,
                  APIOperation(id: "listTopics", summary: "Topics with their approval boards", tag: "Content",
                               success: APIOperation.ok(.object([Schema.Property("data", .array(.ref("Topic")))])))) { _, _ in
            struct Topics: Encodable { let data: [ContentAPI.TopicJSON] }
            return try Reply.json(Topics(data: try await store.all().map(ContentAPI.TopicJSON.init)))
        }

        table.api(.post, "/api/v1/topics", writers,
                  APIOperation(id: "createTopic", summary: "Create a topic with its approval board", tag: "Content", requestBody: ContentAPI.topicInput,
                               success: APIOperation.created(.ref("Topic")), errors: [400, 409, 415, 422])) { request, context in
            let input = try await request.json(ContentAPI.TopicInput.self, context: context)
            return try Reply.json(ContentAPI.TopicJSON(try await store.create(try ContentAPI.draft(input), by: try actor(context))), status: .created)
        }

        table.api(.get, "/api/v1/topics/{id}", readers,
                  APIOperation(id: "getTopic", summary: "One topic", tag: "Content", parameters: [.pathID()], success: APIOperation.ok(.ref("Topic")), errors: [404])) { _, context in
            try Reply.json(ContentAPI.TopicJSON(try await find(context)))
        }

        table.api(.put, "/api/v1/topics/{id}", writers,
                  APIOperation(id: "updateTopic", summary: "Replace a topic and its board", tag: "Content", parameters: [.pathID()], requestBody: ContentAPI.topicInput,
                               success: APIOperation.ok(.ref("Topic")), errors: [400, 404, 409, 415, 422])) { request, context in
            let topic = try await find(context)
            let input = try await request.json(ContentAPI.TopicInput.self, context: context)
            return try Reply.json(ContentAPI.TopicJSON(try await store.update(topic.id, try ContentAPI.draft(input), by: try actor(context))))
        }

        table.api(.delete, "/api/v1/topics/{id}", writers,
                  APIOperation(id: "deleteTopic", summary: "Delete a topic no post uses", tag: "Content", parameters: [.pathID()],
                               success: APIOperation.noContent, errors: [404, 409])) { _, context in
            try await store.delete(try await find(context).id, by: try actor(context))
            return Reply.noContent()
        }
    }

    func find(_ context: TandemContext) async throws -> Topic {
        guard let topic = try await store.find(id: try context.pathID(what: "Topic")) else { throw AppError.notFound("Topic") }
        return topic
    }

    func actor(_ context: TandemContext) throws -> AuditActor {
        AuditActor(identity: try context.requireIdentity(), requestID: context.id)
    }

    /// Form fields: approvers (checkboxes of user ids) and rule; second_approvers and second_rule.
    func draft(_ form: FormData) throws -> TopicDraft {
        func ids(_ name: String) throws -> Set<Int64> {
            Set(try form.all(name).map { raw in
                guard let id = Int64(raw), id > 0 else { throw AppError.invalid(name, "Pick approvers from the list.") }
                return id
            })
        }
        var stages = [ApprovalStage(approvers: try ids("approvers"), rule: try ApprovalRule(text: form["rule"] ?? "any"))]
        let second = try ids("second_approvers")
        if !second.isEmpty { stages.append(ApprovalStage(approvers: second, rule: try ApprovalRule(text: form["second_rule"] ?? "any"))) }
        var team: Int64?
        if let raw = form.text("owner_team_id") {
            guard let id = Int64(raw), id > 0 else { throw AppError.invalid("owner_team_id", "Pick a team from the list.") }
            team = id
        }
        return try TopicDraft(name: form["name"] ?? "", description: form["description"] ?? "", ownerTeamID: team, stages: stages)
    }

    func list(_ request: Request, _ context: TandemContext, values: FormData?, error: AppError?) async throws -> Response {
        let topics = try await store.all()
        let canWrite = ContentFeature.topicWriters.allows(context.identity)
        let people = canWrite ? try await store.eligibleApprovers() : []
        let teams = canWrite ? try await store.teams() : []
        let names = try await store.userNames()
        return Pages.render(request, context, title: "Topics", status: error?.status ?? .ok) { page in
            TopicPages.list(page, topics: topics, names: names)
                + (canWrite ? TopicPages.form(page, topic: nil, values: values, people: people, teams: teams, error: error) : [])
        }
    }

    func detail(_ request: Request, _ context: TandemContext, topic: Topic, values: FormData?, error: AppError?) async throws -> Response {
        let canWrite = ContentFeature.topicWriters.allows(context.identity)
        let people = canWrite ? try await store.eligibleApprovers() : []
        let teams = canWrite ? try await store.teams() : []
        let names = try await store.userNames()
        return Pages.render(request, context, title: topic.name, status: error?.status ?? .ok) { page in
            TopicPages.detail(page, topic: topic, names: names)
                + (canWrite ? TopicPages.form(page, topic: topic, values: values, people: people, teams: teams, error: error) : [])
        }
    }
}
