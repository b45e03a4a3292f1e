@testable import Content
import Foundation
import TandemCore
import Testing

/// The workflow is pure, so every state × action × kind of actor is checked against a table
/// written out by hand here (not derived from the code under test).
@Suite("Post workflow state machine")
struct PostWorkflowTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let author: Int64 = 1, otherEditor: Int64 = 2, approverA: Int64 = 10, approverB: Int64 = 11, approverC: Int64 = 12

    static let editor = WorkflowActor(userID: otherEditor, roles: [.comms])
    static let authorActor = WorkflowActor(userID: author, roles: [.hr])
    static let approver = WorkflowActor(userID: approverA, roles: [.approver])
    static let outsider = WorkflowActor(userID: 99, roles: [.approver])
    static let analyst = WorkflowActor(userID: 98, roles: [.analyst])

    static func facts(_ state: PostState, stages: [ApprovalStage] = [ApprovalStage(approvers: [approverA, approverB], rule: .any)]) -> WorkflowFacts {
        WorkflowFacts(state: state, authorID: author, stages: stages, now: now)
    }

    static let future = PostAction.schedule(at: now.addingTimeInterval(3_600))
    static let past = PostAction.schedule(at: now.addingTimeInterval(-60))
    static let actions: [PostAction] = [.submit, .approve, .requestChanges, .edit, future, past, .unschedule, .publish, .archive, .withdraw, .reopen]

    /// What an editor (HR, IC, Marketing) who is not on the board may do: state → action → next state.
    static let editorTable: [PostState: [String: PostState]] = [
        .draft: ["submit": .inReview, "edit": .draft],
        .inReview: ["edit": .inReview],
        .changesRequested: ["submit": .inReview, "edit": .changesRequested],
        .approved: ["edit": .inReview, "schedule": .scheduled, "publish": .published],
        .scheduled: ["edit": .inReview, "schedule": .scheduled, "unschedule": .approved, "publish": .published, "withdraw": .withdrawn],
        .published: ["archive": .archived, "withdraw": .withdrawn],
        .archived: [:],
        .withdrawn: ["reopen": .draft],
    ]

    /// What an approver on the board (and not the author, without editor roles) may do.
    static let approverTable: [PostState: [String: PostState]] = [
        .inReview: ["approve": .approved, "request changes": .changesRequested],
    ]

    static func key(_ action: PostAction) -> String {
        if case .schedule(let at) = action { return at > now ? "schedule" : "schedule-past" }
        return action.name
    }

    static func check(_ actor: WorkflowActor, table: [PostState: [String: PostState]]) {
        for state in PostState.allCases {
            for action in actions {
                let expected = table[state]?[key(action)]
                do {
                    let next = try PostWorkflow.apply(action, by: actor, to: facts(state))
                    #expect(next.state == expected, "\(state) --\(key(action))--> \(next.state), expected \(expected.map(\.rawValue) ?? "refusal")")
                } catch let error as AppError {
                    #expect(expected == nil, "\(state) --\(key(action))--> refused (\(error.message)), expected \(expected!)")
                    #expect(!error.message.isEmpty)
                } catch {
                    Issue.record("unexpected error \(error)")
                }
            }
        }
    }

    @Test("every state × action for an editor")
    func editorTransitions() { Self.check(Self.editor, table: Self.editorTable) }

    @Test("every state × action for the author (an editor too)")
    func authorTransitions() { Self.check(Self.authorActor, table: Self.editorTable) }

    @Test("every state × action for an approver on the board")
    func approverTransitions() { Self.check(Self.approver, table: Self.approverTable) }

    @Test("approvers not on the board, analysts and the scheduler can do nothing else")
    func outsiders() {
        Self.check(Self.outsider, table: [:])
        Self.check(Self.analyst, table: [:])
        Self.check(.scheduler, table: [.scheduled: ["publish": .published]])
    }

    @Test("authors cannot approve their own post, even when on the board")
    func noSelfApproval() {
        let stages = [ApprovalStage(approvers: [Self.author, Self.approverA], rule: .any)]
        let error = #expect(throws: AppError.self) {
            try PostWorkflow.apply(.approve, by: WorkflowActor(userID: Self.author, roles: [.hr, .approver]), to: Self.facts(.inReview, stages: stages))
        }
        #expect(error?.status == .forbidden)
    }

    @Test("N of M, all, and a second stage: approvals accumulate per stage and requests for changes reset them")
    func stages() throws {
        let stages = [
            ApprovalStage(approvers: [Self.approverA, Self.approverB, Self.approverC], rule: .atLeast(2)),
            ApprovalStage(approvers: [20, 21], rule: .all),
        ]
        var facts = Self.facts(.inReview, stages: stages)
        facts = try PostWorkflow.apply(.approve, by: Self.approver, to: facts)
        #expect(facts.state == .inReview && facts.stage == 0 && facts.approvals[0] == [Self.approverA])
        // Approving twice counts once.
        facts = try PostWorkflow.apply(.approve, by: Self.approver, to: facts)
        #expect(facts.stage == 0)
        facts = try PostWorkflow.apply(.approve, by: WorkflowActor(userID: Self.approverC, roles: [.approver]), to: facts)
        #expect(facts.state == .inReview && facts.stage == 1)
        // Stage-one approvers are not on stage two.
        #expect(throws: AppError.self) { try PostWorkflow.apply(.approve, by: WorkflowActor(userID: Self.approverB, roles: [.approver]), to: facts) }
        facts = try PostWorkflow.apply(.approve, by: WorkflowActor(userID: 20, roles: [.approver]), to: facts)
        #expect(facts.state == .inReview)
        let sentBack = try PostWorkflow.apply(.requestChanges, by: WorkflowActor(userID: 21, roles: [.approver]), to: facts)
        #expect(sentBack.state == .changesRequested && sentBack.approvals.isEmpty && sentBack.stage == 0)
        facts = try PostWorkflow.apply(.approve, by: WorkflowActor(userID: 21, roles: [.approver]), to: facts)
        #expect(facts.state == .approved)
        // Editing approved text starts review again from the first stage.
        let edited = try PostWorkflow.apply(.edit, by: Self.editor, to: facts)
        #expect(edited.state == .inReview && edited.stage == 0 && edited.approvals.isEmpty)
    }

    @Test("rules: any, all, N of M; unsatisfiable stages are detected")
    func rules() throws {
        #expect(ApprovalRule.any.isSatisfied(by: [1], of: [1, 2]))
        #expect(!ApprovalRule.all.isSatisfied(by: [1], of: [1, 2]))
        #expect(ApprovalRule.all.isSatisfied(by: [1, 2, 3], of: [1, 2]))
        #expect(!ApprovalRule.atLeast(2).isSatisfied(by: [1, 3], of: [1, 2]), "approvals from outside the stage do not count")
        #expect(try ApprovalRule(text: " ALL ") == .all && ApprovalRule(text: "2") == .atLeast(2))
        #expect(throws: AppError.self) { try ApprovalRule(text: "0") }
        #expect(throws: AppError.self) { try ApprovalRule(text: "most") }
        #expect(!ApprovalStage(approvers: [1], rule: .atLeast(2)).isSatisfiable)
        #expect(!ApprovalStage(approvers: [], rule: .any).isSatisfiable)
    }

    @Test("a post without an approval board cannot be submitted; the message says what to do")
    func noBoard() {
        let error = #expect(throws: AppError.self) { try PostWorkflow.apply(.submit, by: Self.editor, to: Self.facts(.draft, stages: [])) }
        #expect(error?.message.contains("topic") == true)
    }

    @Test("available actions are exactly those that succeed")
    func available() {
        #expect(PostWorkflow.available(to: Self.editor, on: Self.facts(.approved)).map(\.name) == ["schedule", "publish"])
        #expect(PostWorkflow.available(to: Self.approver, on: Self.facts(.inReview)).map(\.name) == ["approve", "request changes"])
        #expect(PostWorkflow.available(to: Self.analyst, on: Self.facts(.draft)).isEmpty)
    }
}
