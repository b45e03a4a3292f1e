import Foundation
public import People
import TandemCore

/// JSON shapes of the audiences and personas API and their OpenAPI schemas, side by side.
enum AudienceAPI {
    static let cell = Schema.object([Schema.Property("value", .text), Schema.Property("count", .nullable(.integer(minimum: 0)), required: false)])
    static let breakdown = Schema.object([
        Schema.Property("country", .array(cell)), Schema.Property("department", .array(cell)), Schema.Property("worker_type", .array(cell)),
    ])
    static let countResult = Schema.object([
        Schema.Property("rule", .text), Schema.Property("count", .nullable(.integer(minimum: 0)), required: false),
        Schema.Property("suppressed", .boolean), Schema.Property("display", .text), Schema.Property("breakdown", breakdown),
    ])
    static let builder = Schema.object([
        Schema.Property("match", .enumeration(["all", "any"])),
        Schema.Property("conditions", .array(.object([
            Schema.Property("field", .text), Schema.Property("op", .text), Schema.Property("value", .text),
        ]))),
    ])
    static let preview = Schema.object([
        Schema.Property("rule", .text), Schema.Property("count", .nullable(.integer(minimum: 0)), required: false),
        Schema.Property("suppressed", .boolean), Schema.Property("display", .text), Schema.Property("breakdown", breakdown),
        Schema.Property("sample", .nullable(.array(.object([
            Schema.Property("id", .id), Schema.Property("employee_id", .text), Schema.Property("name", .text),
            Schema.Property("job_title", .nullable(.text), required: false), Schema.Property("department", .nullable(.text), required: false),
            Schema.Property("country", .text), Schema.Property("site", .nullable(.text), required: false),
        ]))), required: false, description: "Up to 10 matching people; absent when hidden for privacy."),
        Schema.Property("sample_note", .nullable(.text), required: false, description: "Why the sample is hidden."),
        Schema.Property("builder", .nullable(builder), required: false, description: "The rule as builder rows, when it is a flat list of conditions."),
    ])
    static let audience = Schema.object([
        Schema.Property("id", .id), Schema.Property("name", .text), Schema.Property("description", .text),
        Schema.Property("kind", .enumeration(Audience.Kind.allCases.map(\.rawValue))),
        Schema.Property("rule", .nullable(.text), required: false), Schema.Property("list_size", .nullable(.integer(minimum: 1)), required: false),
        Schema.Property("version", .integer(minimum: 1)), Schema.Property("uses_sensitive_fields", .boolean),
        Schema.Property("updated_by", .text), Schema.Property("updated_at", .dateTime),
        Schema.Property("size", .text, required: false, description: "Live size, e.g. \"412 people\" or \"fewer than 5\"."),
    ])
    static let audienceInput = Schema.object([
        Schema.Property("name", .line(1...80)),
        Schema.Property("description", .string(maxLength: 1_000), required: false),
        Schema.Property("rule", .string(minLength: 1, maxLength: RuleParser.maximumLength), required: false,
                        description: "A rule in the audience language; give this or employee_ids."),
        Schema.Property("employee_ids", .array(.string(minLength: 1, maxLength: 64), maxItems: AudienceRules.maximumListSize, minItems: 1), required: false,
                        description: "A static list of HRIS employee ids; give this or rule."),
    ])
    static let version = Schema.object([
        Schema.Property("version", .integer(minimum: 1)), Schema.Property("name", .text), Schema.Property("rule", .nullable(.text), required: false),
        Schema.Property("list_size", .nullable(.integer(minimum: 1)), required: false), Schema.Property("saved_by", .text), Schema.Property("saved_at", .dateTime),
    ])
    static let persona = Schema.object([
        Schema.Property("id", .id), Schema.Property("name", .text), Schema.Property("summary", .text), Schema.Property("needs", .text),
        Schema.Property("pain_points", .text), Schema.Property("channels", .array(.enumeration(PersonaDraft.channels))),
        Schema.Property("languages", .array(.text)), Schema.Property("interests", .array(.text)),
        Schema.Property("audience_id", .nullable(.id), required: false), Schema.Property("audience_name", .nullable(.text), required: false),
        Schema.Property("updated_by", .text), Schema.Property("updated_at", .dateTime),
        Schema.Property("size", .nullable(.text), required: false, description: "Live size of the linked audience."),
    ])
    static let personaInput = Schema.object([
        Schema.Property("name", .line(1...80)),
        Schema.Property("summary", .string(maxLength: 1_000), required: false),
        Schema.Property("needs", .string(maxLength: 1_000), required: false),
        Schema.Property("pain_points", .string(maxLength: 1_000), required: false),
        Schema.Property("channels", .array(.enumeration(PersonaDraft.channels), maxItems: 6), required: false),
        Schema.Property("languages", .array(.string(minLength: 2, maxLength: 35), maxItems: 20), required: false),
        Schema.Property("interests", .array(.line(1...60), maxItems: 20), required: false),
        Schema.Property("audience_id", .nullable(.id), required: false),
    ])

    struct AudienceInput: Decodable {
        let name: String
        let description: String?
        let rule: String?
        let employeeIds: [String]?
    }

    struct PersonaInput: Decodable {
        let name: String
        let summary: String?
        let needs: String?
        let painPoints: String?
        let channels: [String]?
        let languages: [String]?
        let interests: [String]?
        let audienceId: Int64?
    }

    /// An audience with its live size.
    struct AudienceJSON: Encodable {
        let audience: Audience
        let size: String?
        func encode(to encoder: any Encoder) throws {
            try audience.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encodeIfPresent(size, forKey: .size)
        }
        enum Key: String, CodingKey { case size }
    }

    struct PersonaJSON: Encodable {
        let persona: Persona
        let size: String?
        func encode(to encoder: any Encoder) throws {
            try persona.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(size, forKey: .size)
        }
        enum Key: String, CodingKey { case size }
    }

    struct PreviewJSON: Encodable {
        let preview: AudienceCounter.Preview
        let builder: RuleBuilder?
        func encode(to encoder: any Encoder) throws {
            try preview.result.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(preview.sample, forKey: .sample)
            try container.encode(preview.sampleNote, forKey: .sampleNote)
            try container.encode(builder, forKey: .builder)
        }
        enum Key: String, CodingKey { case sample, sampleNote, builder }
    }

    struct List<Item: Encodable>: Encodable {
        let data: [Item]
        let nextCursor: String?
    }

}

extension AudienceDraft {
    /// A draft from API, form or command-line input: exactly one of a rule or a list of ids.
    public static func make(name: String, description: String?, rule: String?, employeeIDs: [String]?, attributes: [AttributeDefinition]) throws -> AudienceDraft {
        let name = try AudienceRules.name(name)
        let description = try AudienceRules.paragraph(description ?? "", field: "description", label: "The description")
        let ruleText = rule?.trimmed.isEmpty == false ? rule : nil
        switch (ruleText, employeeIDs) {
        case (let text?, nil): return AudienceDraft(name: name, description: description, definition: .rule(try RuleParser.parse(text, attributes: attributes)))
        case (nil, let ids?): return AudienceDraft(name: name, description: description, definition: .list(try AudienceRules.list(ids)))
        case (nil, nil): throw AppError.invalid("rule", "Give a rule, or a list of employee ids.")
        case (_?, _?): throw AppError.invalid("employee_ids", "Give a rule or a list of employee ids, not both.")
        }
    }
}
