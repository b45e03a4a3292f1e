public import Analytics
import Foundation
import Hummingbird
public import TandemCore
import TandemUI

/// Read together: a survey question's score beside engagement, per group. Needs both features,
/// so the app registers it after them.
public struct JointRoutes: Sendable {
    let listening: ListeningFeature
    let analytics: AnalyticsFeature

    public init(listening: ListeningFeature, analytics: AnalyticsFeature) {
        self.listening = listening
        self.analytics = analytics
    }

    static let parameters: [APIParameter] = [
        .pathID(),
        APIParameter("question", in: .query, .string(maxLength: 8), description: "A rating or eNPS question's key, e.g. q2 (default: the first one)."),
        APIParameter("by", in: .query, .enumeration(SurveyDimension.allCases.map(\.rawValue)), description: "The attribute to compare by (default department)."),
        APIParameter("topic", in: .query, .string(maxLength: 20), description: "Only posts on this topic (its id); empty or left out for every post."),
    ]

    public func register(in table: RouteTable) {
        let readers = ListeningFeature.readers
        let api = SurveyRoutes(feature: listening)

        table.api(.get, "/api/v1/surveys/{id}/joint", readers,
                  APIOperation(id: "getSurveyJoint",
                               summary: "A rating or eNPS question's score per group beside the reach and read rates of posts in the 90 days up to the survey's close, with Pearson's r over the groups; small groups hidden",
                               tag: "Listening", parameters: Self.parameters,
                               success: APIOperation.ok(.object([], additionalProperties: true)), errors: [400, 404, 422])) { request, context in
            try Reply.json(try await view(request, context, survey: try await api.find(context)))
        }

        table.page(.get, "/surveys/{id}/joint", readers) { request, context in
            let survey = try await api.find(context)
            let joint = try await view(request, context, survey: survey)
            let topics = try await store.topics()
            return Pages.render(request, context, title: survey.title) { _ in
                JointPages.page(survey, view: joint, questions: JointStore.comparable(survey), topics: topics)
            }
        }

        table.page(.get, "/surveys/{id}/joint.csv", readers) { request, context in
            let survey = try await api.find(context)
            let joint = try await view(request, context, survey: survey)
            return Reply.download(JointPages.csv(joint), filename: "tandem-survey-\(survey.id)-joint-by-\(joint.dimension.rawValue).csv", contentType: "text/csv; charset=utf-8")
        }
    }

    var store: JointStore { listening.joint }

    func view(_ request: Request, _ context: TandemContext, survey: Survey) async throws -> JointView {
        let query = try await store.query(survey, question: try request.queryText("question", max: 8, strict: false), by: try request.queryText("by", max: 20, strict: false),
                                          topic: try request.queryText("topic", max: 20, strict: false))
        // Dashboards roll up first, so the read rates include every stored event.
        try await analytics.engagement.rollUp()
        return try await store.view(survey, query)
    }
}
