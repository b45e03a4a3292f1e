public import Foundation
public import TandemCore
import People

/// A persona written by HR: who a group of employees is, what they need and how to reach
/// them, linked to the saved audience that selects them so Comms sees its live size.
public struct Persona: Sendable, Codable, Equatable {
    public typealias ID = Int64
    public let id: ID
    public let name: String
    public let summary: String
    public let needs: String
    public let painPoints: String
    public let channels: [String]
    public let languages: [String]
    public let interests: [String]
    public let audienceId: Audience.ID?
    public let audienceName: String?
    public let updatedBy: String
    public let updatedAt: Date
}

public struct PersonaDraft: Sendable, Equatable {
    public var name: String
    public var summary: String
    public var needs: String
    public var painPoints: String
    public var channels: [String]
    public var languages: [String]
    public var interests: [String]
    public var audienceID: Audience.ID?

    /// Checks every field at the edge; errors name the field.
    public init(name: String, summary: String, needs: String, painPoints: String, channels: [String], languages: [String], interests: [String], audienceID: Audience.ID?) throws {
        self.name = try TextRules.singleLine(name, field: "name", label: "The name", range: 1...80)
        self.summary = try AudienceRules.paragraph(summary, field: "summary", label: "The description")
        self.needs = try AudienceRules.paragraph(needs, field: "needs", label: "Needs")
        self.painPoints = try AudienceRules.paragraph(painPoints, field: "pain_points", label: "Pain points")
        var seen = Set<String>()
        self.channels = try channels.map(\.trimmed).filter { !$0.isEmpty && seen.insert($0).inserted }.map { channel in
            guard Self.channels.contains(channel) else {
                throw AppError.invalid("channels", "'\(channel.prefix(30))' is not a channel. Use: \(Self.channels.joined(separator: ", ")).")
            }
            return channel
        }
        var tags: [String] = []
        for raw in languageList(languages) {
            let tag: String
            do { tag = try EmployeeRules.language(raw) } catch let error as AppError { throw AppError.invalid("languages", error.message) }
            if !tags.contains(tag) { tags.append(tag) }
        }
        self.languages = tags
        self.interests = try interests.flatMap { $0.split(separator: ",") }.map(\.trimmed).filter { !$0.isEmpty }.map { interest in
            try TextRules.singleLine(interest, field: "interests", label: "Each interest", range: 1...60)
        }
        guard self.interests.count <= 20 else { throw AppError.invalid("interests", "List at most 20 interests.") }
        self.audienceID = audienceID
    }

    public static let channels = ["feed", "email", "chat", "sms", "social", "signage"]
}

private func languageList(_ values: [String]) -> [String] {
    values.flatMap { $0.split(separator: ",") }.map(\.trimmed).filter { !$0.isEmpty }
}
