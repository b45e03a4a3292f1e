public import Foundation
public import Hummingbird
public import TandemCore
public import TandemStore
import People

/// Audiences: rules over HR data that Comms, Marketing and HR use to target people.
public struct AudiencesFeature: Sendable {
    public static let access: Access = .roles([.hr, .comms, .marketing])
    public let counter: AudienceCounter

    public init(database: Database, privacyThreshold: Int) {
        counter = AudienceCounter(database: database, threshold: privacyThreshold)
    }

    public func register(in table: RouteTable) {
        let cell = Schema.object([Schema.Property("value", .text), Schema.Property("count", .nullable(.integer(minimum: 0)), required: false)])
        table.api(.get, "/api/v1/audiences/count", Self.access,
                  APIOperation(id: "countAudience", summary: "Size of the audience a rule selects, with a breakdown; small groups are suppressed for non-HR", tag: "Audiences",
                               parameters: [APIParameter("rule", in: .query, .string(minLength: 1, maxLength: RuleParser.maximumLength), required: true,
                                                         description: "A rule such as: country in (\"US\",\"CA\") and hire_date >= today - 90d")],
                               success: APIOperation.ok(.object([
                                   Schema.Property("rule", .text), Schema.Property("count", .nullable(.integer(minimum: 0)), required: false),
                                   Schema.Property("suppressed", .boolean), Schema.Property("display", .text),
                                   Schema.Property("breakdown", .object([
                                       Schema.Property("country", .array(cell)), Schema.Property("department", .array(cell)), Schema.Property("worker_type", .array(cell)),
                                   ])),
                               ])), errors: [400, 422])) { request, context in
            guard let rule = request.query("rule"), !rule.isEmpty else {
                throw AppError(.badRequest, code: "missing_parameter", message: "Give the rule as ?rule=…, e.g. country = \"US\".", field: "rule")
            }
            let result = try await counter.count(rule, seesSensitive: context.identity?.has(.hr) ?? false)
            return try Reply.json(result)
        }
    }
}
