public import Foundation
public import TandemCore

/// Where a post is in the editorial workflow.
public enum PostState: String, Sendable, Codable, CaseIterable {
    case draft
    case inReview = "in_review"
    case changesRequested = "changes_requested"
    case approved, scheduled, published, archived, withdrawn

    public var title: String {
        switch self {
        case .draft: "Draft"
        case .inReview: "In review"
        case .changesRequested: "Changes requested"
        case .approved: "Approved"
        case .scheduled: "Scheduled"
        case .published: "Published"
        case .archived: "Archived"
        case .withdrawn: "Withdrawn"
        }
    }

    /// States whose text is frozen: changing it sends the post back to review.
    var isApprovedText: Bool { self == .approved || self == .scheduled }
}

/// How many approvers of a stage must approve.
public enum ApprovalRule: Sendable, Equatable, Codable {
    case any
    case all
    case atLeast(Int)

    /// `any`, `all`, or a number such as `2` (N of M).
    public init(text: String) throws {
        switch text.trimmed.lowercased() {
        case "any": self = .any
        case "all": self = .all
        case let other:
            guard let n = Int(other), n >= 1, n <= 50 else {
                throw AppError.invalid("rule", "The approval rule is any, all, or a number of approvers (1–50).")
            }
            self = .atLeast(n)
        }
    }

    public var text: String {
        switch self {
        case .any: "any"
        case .all: "all"
        case .atLeast(let n): String(n)
        }
    }

    func isSatisfied(by approvals: Set<Int64>, of approvers: Set<Int64>) -> Bool {
        let counted = approvals.intersection(approvers).count
        switch self {
        case .any: return counted >= 1
        case .all: return !approvers.isEmpty && counted == approvers.count
        case .atLeast(let n): return counted >= n
        }
    }
}

/// One stage of an approval board: who approves, and how many of them must.
public struct ApprovalStage: Sendable, Equatable, Codable {
    public var approvers: Set<Int64>
    public var rule: ApprovalRule

    public init(approvers: Set<Int64>, rule: ApprovalRule) {
        self.approvers = approvers
        self.rule = rule
    }

    /// A rule that the stage's approvers could never satisfy is refused when the board is saved.
    public var isSatisfiable: Bool {
        switch rule {
        case .any, .all: !approvers.isEmpty
        case .atLeast(let n): approvers.count >= n
        }
    }
}

/// What a transition may happen on.
public enum PostAction: Sendable, Equatable {
    case submit
    case approve
    case requestChanges
    /// A new version of the text or settings.
    case edit
    case schedule(at: Date)
    case unschedule
    case publish
    case archive
    case withdraw
    case reopen

    public var name: String {
        switch self {
        case .submit: "submit"
        case .approve: "approve"
        case .requestChanges: "request changes"
        case .edit: "edit"
        case .schedule: "schedule"
        case .unschedule: "unschedule"
        case .publish: "publish"
        case .archive: "archive"
        case .withdraw: "withdraw"
        case .reopen: "reopen"
        }
    }
}

/// Who acts: a staff user with roles, or the scheduler publishing at the set time.
public struct WorkflowActor: Sendable, Equatable {
    public let userID: Int64?
    public let roles: Set<Role>

    public init(userID: Int64?, roles: Set<Role>) {
        self.userID = userID
        self.roles = roles
    }

    public static let scheduler = WorkflowActor(userID: nil, roles: [])
    var isScheduler: Bool { userID == nil }
    /// Authors: HR, Internal Communications and Marketing (and admins) write and publish posts.
    var isEditor: Bool { roles.contains(.admin) || !roles.isDisjoint(with: [.hr, .comms, .marketing]) }
}

/// Everything a transition depends on: pure data, so the machine is testable exhaustively.
public struct WorkflowFacts: Sendable, Equatable {
    public var state: PostState
    public var authorID: Int64
    /// The boards of the post's topics, merged: every stage of every board must pass, in order.
    public var stages: [ApprovalStage]
    /// The stage now being decided (while in review).
    public var stage: Int
    /// Approvals of the current version, per stage.
    public var approvals: [Int: Set<Int64>]
    public var now: Date

    public init(state: PostState, authorID: Int64, stages: [ApprovalStage], stage: Int = 0, approvals: [Int: Set<Int64>] = [:], now: Date) {
        self.state = state
        self.authorID = authorID
        self.stages = stages
        self.stage = stage
        self.approvals = approvals
        self.now = now
    }
}

/// The editorial workflow as a pure function: facts + actor + action → new facts, or an error
/// that says why not. Stores persist the result; nothing here touches a database.
///
///     draft ─submit→ in review ─approve (all stages pass)→ approved ─schedule→ scheduled ─(time)→ published → archived
///                      │  └─request changes→ changes requested ─submit→ in review
///     editing approved or scheduled text returns it to review; published and scheduled posts can be withdrawn;
///     a withdrawn post can be reopened as a draft.
public enum PostWorkflow {
    public static func apply(_ action: PostAction, by actor: WorkflowActor, to facts: WorkflowFacts) throws -> WorkflowFacts {
        var next = facts
        func refuse(_ message: String) -> AppError { AppError(.conflict, code: "invalid_transition", message: message) }
        func forbid(_ message: String) -> AppError { AppError(.forbidden, code: "not_allowed", message: message) }
        func requireEditor() throws {
            guard actor.isEditor else { throw forbid("Only HR, Internal Communications, Marketing and admins can \(action.name) posts.") }
        }
        func notFrom(_ allowed: String) -> AppError {
            refuse("A post that is \(facts.state.title.lowercased()) cannot be \(pastTense(action)); only \(allowed).")
        }

        switch action {
        case .submit:
            try requireEditor()
            guard facts.state == .draft || facts.state == .changesRequested else { throw notFrom("drafts and posts with changes requested can be submitted") }
            guard !facts.stages.isEmpty else {
                throw refuse("This post has no approval board: give it a topic whose board has approvers, then submit it.")
            }
            next.state = .inReview
            next.stage = 0
            next.approvals = [:]

        case .approve, .requestChanges:
            guard facts.state == .inReview else { throw notFrom("posts in review can be \(action == .approve ? "approved" : "sent back")") }
            guard let user = actor.userID, facts.stages.indices.contains(facts.stage), facts.stages[facts.stage].approvers.contains(user) else {
                throw forbid("Only approvers on this post's board (stage \(facts.stage + 1)) can \(action.name) it.")
            }
            guard user != facts.authorID else { throw forbid("Authors cannot approve their own posts; another approver on the board must.") }
            if action == .requestChanges {
                next.state = .changesRequested
                next.stage = 0
                next.approvals = [:]
                break
            }
            next.approvals[facts.stage, default: []].insert(user)
            let current = facts.stages[facts.stage]
            if current.rule.isSatisfied(by: next.approvals[facts.stage] ?? [], of: current.approvers) {
                if facts.stage + 1 < facts.stages.count {
                    next.stage = facts.stage + 1
                } else {
                    next.state = .approved
                }
            }

        case .edit:
            try requireEditor()
            switch facts.state {
            case .draft, .changesRequested:
                break
            case .inReview, .approved, .scheduled:
                // Approvals were for the text the approvers read; a new version starts review again.
                next.state = .inReview
                next.stage = 0
                next.approvals = [:]
            case .published, .archived, .withdrawn:
                throw notFrom("drafts and posts not yet published can be edited (withdraw a published post, reopen it, and edit the draft)")
            }

        case .schedule(let at):
            try requireEditor()
            guard facts.state == .approved || facts.state == .scheduled else { throw notFrom("approved posts can be scheduled") }
            guard at > facts.now else { throw AppError.invalid("publish_at", "The time to publish is in the past. Choose a time after now, or publish now.") }
            next.state = .scheduled

        case .unschedule:
            try requireEditor()
            guard facts.state == .scheduled else { throw notFrom("scheduled posts can be unscheduled") }
            next.state = .approved

        case .publish:
            if actor.isScheduler {
                guard facts.state == .scheduled else { throw notFrom("scheduled posts are published by the scheduler") }
            } else {
                try requireEditor()
                guard facts.state == .approved || facts.state == .scheduled else { throw notFrom("approved or scheduled posts can be published") }
            }
            next.state = .published

        case .archive:
            try requireEditor()
            guard facts.state == .published else { throw notFrom("published posts can be archived") }
            next.state = .archived

        case .withdraw:
            try requireEditor()
            guard facts.state == .published || facts.state == .scheduled else { throw notFrom("published or scheduled posts can be withdrawn") }
            next.state = .withdrawn

        case .reopen:
            try requireEditor()
            guard facts.state == .withdrawn else { throw notFrom("withdrawn posts can be reopened") }
            next.state = .draft
            next.stage = 0
            next.approvals = [:]
        }
        return next
    }

    /// The actions that would succeed for this actor now (what the page offers as buttons).
    public static func available(to actor: WorkflowActor, on facts: WorkflowFacts, scheduleAt: Date? = nil) -> [PostAction] {
        let candidates: [PostAction] = [.submit, .approve, .requestChanges, .schedule(at: scheduleAt ?? facts.now.addingTimeInterval(3_600)),
                                        .unschedule, .publish, .withdraw, .archive, .reopen]
        return candidates.filter { (try? apply($0, by: actor, to: facts)) != nil }
    }

    static func pastTense(_ action: PostAction) -> String {
        switch action {
        case .submit: "submitted"
        case .approve: "approved"
        case .requestChanges: "sent back for changes"
        case .edit: "edited"
        case .schedule: "scheduled"
        case .unschedule: "unscheduled"
        case .publish: "published"
        case .archive: "archived"
        case .withdraw: "withdrawn"
        case .reopen: "reopened"
        }
    }
}
