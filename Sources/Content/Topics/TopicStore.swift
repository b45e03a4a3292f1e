public import Audit
public import Foundation
public import SQLKit
public import TandemCore
public import TandemStore

/// Topics with their approval boards.
public struct TopicStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func all() async throws -> [Topic] {
        try await Self.topics(where: "TRUE", on: database.reader)
    }

    public func find(id: Topic.ID) async throws -> Topic? {
        try await Self.topics(where: "t.id = \(bind: id)", on: database.reader).first
    }

    static func find(ids: [Topic.ID], on db: any SQLDatabase) async throws -> [Topic] {
        guard !ids.isEmpty else { return [] }
        return try await topics(where: "t.id IN (\(binds: ids))", on: db)
    }

    public func create(_ draft: TopicDraft, by actor: AuditActor) async throws -> Topic {
        try await database.transaction { db in
            try await Self.check(draft, except: nil, on: db)
            let now = Millis.from(Date())
            let row = try await db.raw("""
                INSERT INTO topics (name, name_key, description, owner_team_id, updated_by, created_at, updated_at)
                VALUES (\(bind: draft.name), \(bind: Self.key(draft.name)), \(bind: draft.description), \(bind: draft.ownerTeamID),
                        \(bind: actor.label), \(bind: now), \(bind: now))
                RETURNING id
                """).first()
            guard let id = try row?.decode(column: "id", as: Int64.self) else { throw AppError.badRequest("The topic could not be saved.") }
            try await Self.writeStages(draft.stages, topic: id, on: db)
            try await AuditStore.append(
                AuditEntry(action: "topic.create", entityType: "topic", entityID: String(id), summary: "Created topic \"\(draft.name)\"",
                           after: Self.fields(draft)), by: actor, on: db)
            return try await Self.topics(where: "t.id = \(bind: id)", on: db)[0]
        }
    }

    public func update(_ id: Topic.ID, _ draft: TopicDraft, by actor: AuditActor) async throws -> Topic {
        try await database.transaction { db in
            guard let before = try await Self.topics(where: "t.id = \(bind: id)", on: db).first else { throw AppError.notFound("Topic") }
            try await Self.check(draft, except: id, on: db)
            try await db.raw("""
                UPDATE topics SET name = \(bind: draft.name), name_key = \(bind: Self.key(draft.name)), description = \(bind: draft.description),
                    owner_team_id = \(bind: draft.ownerTeamID), updated_by = \(bind: actor.label), updated_at = \(bind: Millis.from(Date()))
                WHERE id = \(bind: id)
                """).run()
            try await db.raw("DELETE FROM topic_approvers WHERE topic_id = \(bind: id)").run()
            try await db.raw("DELETE FROM topic_stages WHERE topic_id = \(bind: id)").run()
            try await Self.writeStages(draft.stages, topic: id, on: db)
            try await AuditStore.append(
                AuditEntry(action: "topic.update", entityType: "topic", entityID: String(id), summary: "Updated topic \"\(draft.name)\"",
                           before: ["name": before.name, "board": Self.describe(before.stages)], after: Self.fields(draft)), by: actor, on: db)
            return try await Self.topics(where: "t.id = \(bind: id)", on: db)[0]
        }
    }

    /// Refused while posts carry the topic: their approval boards come from it.
    public func delete(_ id: Topic.ID, by actor: AuditActor) async throws {
        try await database.transaction { db in
            guard let topic = try await Self.topics(where: "t.id = \(bind: id)", on: db).first else { throw AppError.notFound("Topic") }
            let used = try await db.raw("SELECT COUNT(*) AS n FROM post_topics WHERE topic_id = \(bind: id)").first()?.decode(column: "n", as: Int64.self) ?? 0
            guard used == 0 else {
                throw AppError.conflict("\(used) post(s) are filed under \(topic.name); move them to another topic first.")
            }
            try await db.raw("DELETE FROM topic_approvers WHERE topic_id = \(bind: id)").run()
            try await db.raw("DELETE FROM topic_stages WHERE topic_id = \(bind: id)").run()
            try await db.raw("DELETE FROM topics WHERE id = \(bind: id)").run()
            try await AuditStore.append(
                AuditEntry(action: "topic.delete", entityType: "topic", entityID: String(id), summary: "Deleted topic \"\(topic.name)\"",
                           before: ["name": topic.name]), by: actor, on: db)
        }
    }

    /// The people who may sit on a board: active staff with the approver role (or an editor
    /// role), so a board never waits for someone who cannot sign in.
    public func eligibleApprovers() async throws -> [(id: Int64, name: String, email: String)] {
        try await database.reader.raw("""
            SELECT DISTINCT u.id, u.display_name, u.email FROM users u JOIN user_roles r ON r.user_id = u.id
            WHERE u.is_active = \(bind: true) AND r.role IN ('approver', 'hr', 'comms', 'marketing', 'admin') ORDER BY u.display_name
            """).all().map { (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "display_name", as: String.self), try $0.decode(column: "email", as: String.self)) }
    }

    public func teams() async throws -> [(id: Int64, name: String)] {
        try await database.reader.raw("SELECT id, name FROM teams ORDER BY name_key").all()
            .map { (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "name", as: String.self)) }
    }

    /// Saved audiences a post can target.
    public func audienceNames() async throws -> [(id: Int64, name: String)] {
        try await database.reader.raw("SELECT id, name FROM audiences ORDER BY name_key").all()
            .map { (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "name", as: String.self)) }
    }

    /// Display names of staff, for showing boards.
    public func userNames() async throws -> [Int64: String] {
        var names: [Int64: String] = [:]
        for row in try await database.reader.raw("SELECT id, display_name FROM users").all() {
            names[try row.decode(column: "id", as: Int64.self)] = try row.decode(column: "display_name", as: String.self)
        }
        return names
    }

    static func check(_ draft: TopicDraft, except id: Topic.ID?, on db: any SQLDatabase) async throws {
        if let row = try await db.raw("SELECT id FROM topics WHERE name_key = \(bind: key(draft.name))").first(),
           try row.decode(column: "id", as: Int64.self) != id {
            throw AppError.conflict("A topic named \"\(draft.name)\" already exists.", field: "name")
        }
        if let team = draft.ownerTeamID, try await db.raw("SELECT id FROM teams WHERE id = \(bind: team)").first() == nil {
            throw AppError.invalid("owner_team_id", "That team does not exist; choose one from the list.")
        }
        let wanted = Set(draft.stages.flatMap(\.approvers))
        let eligible = Set(try await db.raw("""
            SELECT DISTINCT u.id FROM users u JOIN user_roles r ON r.user_id = u.id
            WHERE u.id IN (\(binds: Array(wanted))) AND u.is_active = \(bind: true) AND r.role IN ('approver', 'hr', 'comms', 'marketing', 'admin')
            """).all().map { try $0.decode(column: "id", as: Int64.self) })
        if let missing = wanted.subtracting(eligible).sorted().first {
            throw AppError.invalid("approvers", "User \(missing) cannot approve: approvers must be active staff with the approver role (or HR, Internal Communications, Marketing, admin).")
        }
    }

    static func writeStages(_ stages: [ApprovalStage], topic id: Topic.ID, on db: any SQLDatabase) async throws {
        for (index, stage) in stages.enumerated() {
            try await db.raw("INSERT INTO topic_stages (topic_id, stage, rule) VALUES (\(bind: id), \(bind: Int64(index)), \(bind: stage.rule.text))").run()
            for user in stage.approvers.sorted() {
                try await db.raw("INSERT INTO topic_approvers (topic_id, stage, user_id) VALUES (\(bind: id), \(bind: Int64(index)), \(bind: user))").run()
            }
        }
    }

    static func topics(where condition: SQLQueryString, on db: any SQLDatabase) async throws -> [Topic] {
        let rows = try await db.raw("""
            SELECT t.*, tm.name AS team_name FROM topics t LEFT JOIN teams tm ON tm.id = t.owner_team_id WHERE
            """ + " " + condition + " ORDER BY t.name_key").all()
        guard !rows.isEmpty else { return [] }
        let ids = try rows.map { try $0.decode(column: "id", as: Int64.self) }
        var rules: [Int64: [Int: ApprovalRule]] = [:]
        for row in try await db.raw("SELECT topic_id, stage, rule FROM topic_stages WHERE topic_id IN (\(binds: ids))").all() {
            rules[try row.decode(column: "topic_id", as: Int64.self), default: [:]][Int(try row.decode(column: "stage", as: Int64.self))] =
                (try? ApprovalRule(text: try row.decode(column: "rule", as: String.self))) ?? .all
        }
        var approvers: [Int64: [Int: Set<Int64>]] = [:]
        for row in try await db.raw("SELECT topic_id, stage, user_id FROM topic_approvers WHERE topic_id IN (\(binds: ids))").all() {
            approvers[try row.decode(column: "topic_id", as: Int64.self), default: [:]][Int(try row.decode(column: "stage", as: Int64.self)), default: []]
                .insert(try row.decode(column: "user_id", as: Int64.self))
        }
        return try rows.map { row in
            let id = try row.decode(column: "id", as: Int64.self)
            let stages = (rules[id] ?? [:]).keys.sorted().map { ApprovalStage(approvers: approvers[id]?[$0] ?? [], rule: rules[id]![$0]!) }
            return Topic(
                id: id, name: try row.decode(column: "name", as: String.self), description: try row.decode(column: "description", as: String.self),
                ownerTeamID: try row.decode(column: "owner_team_id", as: Int64?.self), ownerTeamName: try row.decode(column: "team_name", as: String?.self),
                stages: stages, updatedBy: try row.decode(column: "updated_by", as: String.self),
                updatedAt: Millis.date(try row.decode(column: "updated_at", as: Int64.self)))
        }
    }

    static func key(_ name: String) -> String { name.trimmed.lowercased() }

    static func describe(_ stages: [ApprovalStage]) -> String {
        stages.enumerated().map { "stage \($0.offset + 1): \($0.element.rule.text) of \($0.element.approvers.sorted().map(String.init).joined(separator: ","))" }
            .joined(separator: "; ")
    }

    static func fields(_ draft: TopicDraft) -> [String: String] {
        ["name": draft.name, "owner_team_id": draft.ownerTeamID.map(String.init) ?? "", "board": describe(draft.stages)]
    }
}
