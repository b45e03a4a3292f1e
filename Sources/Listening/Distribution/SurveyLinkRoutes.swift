import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// `/s/{token}`: the personal link in a survey's email and SMS. The signed token names the survey
/// and the person, so it needs no sign-in; cookies grant nothing here, so the CSRF check does not
/// apply (see CSRFMiddleware). Answers given through it are stored exactly as through the feed.
struct SurveyLinkRoutes {
    let feature: ListeningFeature
    let api: SurveyRoutes

    func register(in table: RouteTable) {
        table.page(.get, "/s/{token}", .anyone) { request, context in
            let token = context.parameters.get("token") ?? ""
            guard let (survey, employee) = try await target(token) else { return invalid(request, context) }
            if let closed = try await refusal(survey, employee) { return notice(request, context, survey, closed) }
            let wording = try await feature.translations.wording(survey, employee: employee)
            return Pages.render(request, context, title: wording.title) { page in
                AnswerPages.form(page, survey: survey, wording: wording, submission: UUID().uuidString.lowercased(), values: nil, error: nil, action: "/s/" + token)
            }
        }

        table.page(.post, "/s/{token}", .anyone) { request, context in
            let token = context.parameters.get("token") ?? ""
            guard let (survey, employee) = try await target(token) else { return invalid(request, context) }
            let values = try await request.form(context: context)
            do {
                _ = try await feature.responses.submit(survey: survey, employee: employee, submission: values["submission"] ?? "",
                                                       answers: try AnswerPages.answers(values, survey: survey))
                return notice(request, context, survey, "Thank you: your answers are recorded.")
            } catch let error as AppError where error.field != nil {
                let wording = try await feature.translations.wording(survey, employee: employee)
                return Pages.render(request, context, title: wording.title, status: error.status) { page in
                    AnswerPages.form(page, survey: survey, wording: wording, submission: values["submission"] ?? UUID().uuidString.lowercased(), values: values,
                                     error: error, action: "/s/" + token)
                }
            } catch let error as AppError {
                // Answered already, closed meanwhile, or not asked: said plainly, nothing stored.
                return notice(request, context, survey, error.message, status: error.status)
            }
        }
    }

    func target(_ token: String) async throws -> (Survey, Int64)? {
        guard let ids = try await feature.links.verify(token), let survey = try await feature.surveys.find(id: ids.survey), survey.state != .draft else { return nil }
        return (survey, ids.employee)
    }

    /// Why this person cannot answer now; nil when they can.
    func refusal(_ survey: Survey, _ employee: Int64) async throws -> String? {
        switch try await feature.responses.invitation(survey: survey.id, employee: employee) {
        case .notInvited: return "This survey was not sent to you."
        case .answered: return "You have already answered this survey. Thank you."
        case .waiting: return survey.acceptsAnswers(today: ListeningFeature.today()) ? nil : "This survey has closed. Thank you all the same."
        }
    }

    func notice(_ request: Request, _ context: TandemContext, _ survey: Survey, _ message: String, status: HTTPResponse.Status = .ok) -> Response {
        Pages.render(request, context, title: survey.title, status: status) { _ in
            [UI.heading(survey.title), el("p", [("class", "notice"), ("role", "status")], text: message)]
        }
    }

    func invalid(_ request: Request, _ context: TandemContext) -> Response {
        Pages.render(request, context, title: "Link not valid", status: .notFound) { _ in
            [UI.heading("This survey link is not valid"),
             el("p", [], text: "It may have been changed or copied incompletely. Open the link in the survey's email or text message again, or sign in to Tandem: open surveys are at the top of your feed.")]
        }
    }
}
