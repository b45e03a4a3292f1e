public import Foundation
public import TandemCore

/// A subject posts are filed under (Benefits, Safety, Careers…), owned by a team, with the
/// board that approves its posts.
public struct Topic: Sendable, Equatable, Codable {
    public typealias ID = Int64
    public let id: ID
    public let name: String
    public let description: String
    public let ownerTeamID: Int64?
    public let ownerTeamName: String?
    /// First stage, then an optional second one.
    public let stages: [ApprovalStage]
    public let updatedBy: String
    public let updatedAt: Date
}

/// A new or changed topic, validated.
public struct TopicDraft: Sendable, Equatable {
    public let name: String
    public let description: String
    public let ownerTeamID: Int64?
    public let stages: [ApprovalStage]

    public static let maximumApprovers = 50

    public init(name: String, description: String, ownerTeamID: Int64?, stages: [ApprovalStage]) throws {
        self.name = try TextRules.singleLine(name, field: "name", label: "The name", range: 1...60)
        let description = description.trimmed
        guard description.count <= 1_000 else { throw AppError.invalid("description", "The description must be at most 1,000 characters.") }
        self.description = description
        self.ownerTeamID = ownerTeamID
        guard (1...2).contains(stages.count) else {
            throw AppError.invalid("approvers", "An approval board has a first stage and optionally a second one; add at least one approver.")
        }
        for (index, stage) in stages.enumerated() {
            let field = index == 0 ? "approvers" : "second_approvers"
            guard !stage.approvers.isEmpty else {
                throw AppError.invalid(field, index == 0 ? "Choose at least one approver." : "Choose the second stage's approvers, or remove the second stage.")
            }
            guard stage.approvers.count <= Self.maximumApprovers else { throw AppError.invalid(field, "A stage has at most \(Self.maximumApprovers) approvers.") }
            guard stage.isSatisfiable else {
                throw AppError.invalid(index == 0 ? "rule" : "second_rule", "The rule asks for more approvals than the stage has approvers (\(stage.approvers.count)).")
            }
        }
        self.stages = stages
    }
}
