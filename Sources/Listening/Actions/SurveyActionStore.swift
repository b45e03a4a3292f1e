public import Audit
public import Foundation
import People
import SQLKit
public import TandemCore
public import TandemStore

/// Who owns an action: HR, IC, Marketing, or the teams together.
public enum ActionOwner: String, Sendable, Codable, CaseIterable {
    case hr, ic, marketing, shared

    public var title: String {
        switch self {
        case .hr: "HR"
        case .ic: "Internal Communications"
        case .marketing: "Marketing"
        case .shared: "Shared"
        }
    }
}

public enum ActionStatus: String, Sendable, Codable, CaseIterable {
    case planned
    case inProgress = "in_progress"
    case done
}

/// What the owners will do about a finding of a survey, by when; both teams follow it.
public struct SurveyAction: Sendable, Codable, Equatable, Identifiable {
    public let id: Int64
    public let surveyID: Int64
    public let finding: String
    public let action: String
    public let ownerTeam: ActionOwner
    public let dueOn: String
    public let status: ActionStatus
    public let version: Int
    public let updatedBy: String
    public let updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, surveyID = "surveyId", finding, action, ownerTeam, dueOn, status, version, updatedBy, updatedAt
    }

    /// Past its day and not done.
    public func overdue(today: String) -> Bool { status != .done && dueOn < today }
}

public struct SurveyActionDraft: Sendable, Equatable {
    public var finding: String
    public var action: String
    public var ownerTeam: String
    public var dueOn: String
    public var status: String

    public init(finding: String, action: String, ownerTeam: String, dueOn: String, status: String = ActionStatus.planned.rawValue) {
        self.finding = finding
        self.action = action
        self.ownerTeam = ownerTeam
        self.dueOn = dueOn
        self.status = status
    }

    func validated() throws -> (finding: String, action: String, owner: ActionOwner, dueOn: String, status: ActionStatus) {
        let finding = finding.trimmingCharacters(in: .whitespacesAndNewlines), action = action.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...300).contains(finding.count) else { throw AppError.invalid("finding", "Say what the results showed, in 1 to 300 characters (e.g. \"Frontline staff do not understand their benefits\").") }
        guard (1...500).contains(action.count) else { throw AppError.invalid("action", "Say what will be done, in 1 to 500 characters.") }
        guard let owner = ActionOwner(rawValue: ownerTeam) else { throw AppError.invalid("owner_team", "The owner is hr, ic, marketing or shared.") }
        guard let due = try EmployeeRules.date(dueOn, field: "due_on") else { throw AppError.invalid("due_on", "Give the day it is due, as YYYY-MM-DD.") }
        guard let status = ActionStatus(rawValue: status) else { throw AppError.invalid("status", "The status is planned, in_progress or done.") }
        return (finding, action, owner, due, status)
    }
}

public struct SurveyActionStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func list(survey: Int64) async throws -> [SurveyAction] {
        try await database.reader.raw("SELECT * FROM survey_actions WHERE survey_id = \(bind: survey) ORDER BY due_on, id").all().map(Self.action)
    }

    public func find(_ id: Int64, survey: Int64) async throws -> SurveyAction? {
        try await database.reader.raw("SELECT * FROM survey_actions WHERE id = \(bind: id) AND survey_id = \(bind: survey)").first().map(Self.action)
    }

    /// Actions follow results, so a draft survey has none.
    public func create(_ draft: SurveyActionDraft, survey: Survey, by actor: AuditActor) async throws -> SurveyAction {
        guard survey.state != .draft else { throw AppError.conflict("Plan actions once the survey is open and results come in.") }
        let v = try draft.validated()
        return try await database.transaction { db in
            let now = Millis.from(Date())
            let row = try await db.raw("""
                INSERT INTO survey_actions (survey_id, finding, action, owner_team, due_on, status, version, updated_by, created_at, updated_at)
                VALUES (\(bind: survey.id), \(bind: v.finding), \(bind: v.action), \(bind: v.owner.rawValue), \(bind: v.dueOn), \(bind: v.status.rawValue), 1,
                        \(bind: actor.label), \(bind: now), \(bind: now))
                RETURNING id
                """).first()
            guard let id = try row?.decode(column: "id", as: Int64.self) else { throw AppError.badRequest("The action could not be saved.") }
            try await AuditStore.append(AuditEntry(action: "survey.action.create", entityType: "survey", entityID: String(survey.id),
                                                   summary: "Planned \"\(v.action.prefix(80))\" (\(v.owner.title), due \(v.dueOn))"), by: actor, on: db)
            return try Self.action(try await db.raw("SELECT * FROM survey_actions WHERE id = \(bind: id)").first()!)
        }
    }

    /// Changes an action; `version` must be the one the editor read.
    public func update(_ id: Int64, survey: Int64, _ draft: SurveyActionDraft, version: Int, by actor: AuditActor) async throws -> SurveyAction {
        let v = try draft.validated()
        return try await database.transaction { db in
            guard let before = try await db.raw("SELECT * FROM survey_actions WHERE id = \(bind: id) AND survey_id = \(bind: survey)").first().map(Self.action) else {
                throw AppError.notFound("Action")
            }
            guard before.version == version else {
                throw AppError.conflict("Someone else changed this action (version \(before.version), you had \(version)). Reload it and make your change again.", field: "version")
            }
            try await db.raw("""
                UPDATE survey_actions SET finding = \(bind: v.finding), action = \(bind: v.action), owner_team = \(bind: v.owner.rawValue), due_on = \(bind: v.dueOn),
                    status = \(bind: v.status.rawValue), version = version + 1, updated_by = \(bind: actor.label), updated_at = \(bind: Millis.from(Date()))
                WHERE id = \(bind: id)
                """).run()
            try await AuditStore.append(AuditEntry(action: "survey.action.update", entityType: "survey", entityID: String(survey),
                                                   summary: "Action \"\(v.action.prefix(80))\": \(v.status.rawValue)", before: ["status": before.status.rawValue],
                                                   after: ["status": v.status.rawValue]), by: actor, on: db)
            return try Self.action(try await db.raw("SELECT * FROM survey_actions WHERE id = \(bind: id)").first()!)
        }
    }

    static func action(_ row: any SQLRow) throws -> SurveyAction {
        SurveyAction(
            id: try row.decode(column: "id", as: Int64.self), surveyID: try row.decode(column: "survey_id", as: Int64.self),
            finding: try row.decode(column: "finding", as: String.self), action: try row.decode(column: "action", as: String.self),
            ownerTeam: ActionOwner(rawValue: try row.decode(column: "owner_team", as: String.self)) ?? .shared, dueOn: try row.decode(column: "due_on", as: String.self),
            status: ActionStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .planned, version: Int(try row.decode(column: "version", as: Int64.self)),
            updatedBy: try row.decode(column: "updated_by", as: String.self), updatedAt: Millis.date(try row.decode(column: "updated_at", as: Int64.self)))
    }
}
