import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import People
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import Testing

/// Who may call each route, written out by hand: adding a route without deciding its access
/// here fails the first test, and a route that lets the wrong role through fails the second.
let expectedAccess: [String: Access] = [
    "GET /": .anyone,
    "GET /login": .anyone, "POST /login": .anyone, "POST /logout": .signedIn,
    "GET /setup": .anyone, "POST /setup": .anyone,
    "GET /account": .signedIn, "GET /account/password": .signedIn, "POST /account/password": .signedIn,
    "POST /account/tokens": .signedIn, "POST /account/tokens/{id}/revoke": .signedIn,
    "GET /api/v1/me": .signedIn, "GET /api/v1/tokens": .signedIn, "POST /api/v1/tokens": .signedIn, "DELETE /api/v1/tokens/{id}": .signedIn,
    "GET /admin/users": .only(.admin), "GET /admin/users/new": .only(.admin), "POST /admin/users": .only(.admin),
    "GET /admin/users/{id}": .only(.admin), "POST /admin/users/{id}": .only(.admin), "POST /admin/users/{id}/password": .only(.admin),
    "GET /api/v1/users": .only(.admin), "POST /api/v1/users": .only(.admin), "GET /api/v1/users/{id}": .only(.admin), "PATCH /api/v1/users/{id}": .only(.admin),
    "GET /admin/teams": .only(.admin), "POST /admin/teams": .only(.admin), "GET /api/v1/teams": .signedIn, "POST /api/v1/teams": .only(.admin),
    "GET /admin/audit": .only(.admin), "GET /admin/audit.csv": .only(.admin), "GET /api/v1/audit": .only(.admin),
    "GET /people": .roles([.hr, .comms, .marketing]), "GET /people/{id}": .roles([.hr, .comms, .marketing]),
    "GET /api/v1/employees": .roles([.hr, .comms, .marketing]), "GET /api/v1/employees/{id}": .roles([.hr, .comms, .marketing]),
    "GET /people/import": .roles([.hr]), "POST /people/import": .roles([.hr]), "POST /people/import/{upload}/apply": .roles([.hr]),
    "GET /people/import/{upload}/rejections.csv": .roles([.hr]),
    "POST /api/v1/employees/import": .roles([.hr]), "GET /api/v1/employees/imports": .roles([.hr]),
    "GET /people/export.csv": .roles([.hr, .comms, .marketing]), "GET /people/{id}/export.json": .roles([.hr]), "POST /people/{id}/erase": .roles([.hr]),
    "GET /api/v1/employees/{id}/export": .roles([.hr]), "POST /api/v1/employees/{id}/erase": .roles([.hr]),
    "GET /api/v1/audiences/count": .roles([.hr, .comms, .marketing]), "GET /api/v1/audiences/preview": .roles([.hr, .comms, .marketing]),
    "GET /api/v1/audiences": .roles([.hr, .comms, .marketing]), "POST /api/v1/audiences": .roles([.hr, .comms, .marketing]),
    "GET /api/v1/audiences/{id}": .roles([.hr, .comms, .marketing]), "PUT /api/v1/audiences/{id}": .roles([.hr, .comms, .marketing]),
    "DELETE /api/v1/audiences/{id}": .roles([.hr, .comms, .marketing]), "GET /api/v1/audiences/{id}/versions": .roles([.hr, .comms, .marketing]),
    "GET /audiences": .roles([.hr, .comms, .marketing]), "GET /audiences/new": .roles([.hr, .comms, .marketing]), "POST /audiences": .roles([.hr, .comms, .marketing]),
    "GET /audiences/{id}": .roles([.hr, .comms, .marketing]), "POST /audiences/{id}": .roles([.hr, .comms, .marketing]),
    "POST /audiences/{id}/delete": .roles([.hr, .comms, .marketing]),
    "GET /people/attributes": .roles([.hr, .comms, .marketing]), "GET /people/attributes/{name}": .roles([.hr, .comms, .marketing]),
    "POST /people/attributes": .roles([.hr]), "POST /people/attributes/{name}": .roles([.hr]), "POST /people/attributes/{name}/delete": .roles([.hr]),
    "GET /api/v1/attributes": .roles([.hr, .comms, .marketing]), "GET /api/v1/attributes/{name}": .roles([.hr, .comms, .marketing]),
    "POST /api/v1/attributes": .roles([.hr]), "PUT /api/v1/attributes/{name}": .roles([.hr]), "DELETE /api/v1/attributes/{name}": .roles([.hr]),
    "GET /topics": .roles([.hr, .comms, .marketing, .approver]),
    "POST /topics": .roles([.hr, .comms]),
    "GET /topics/{id}": .roles([.hr, .comms, .marketing, .approver]),
    "POST /topics/{id}": .roles([.hr, .comms]),
    "POST /topics/{id}/delete": .roles([.hr, .comms]),
    "GET /api/v1/topics": .roles([.hr, .comms, .marketing, .approver]),
    "POST /api/v1/topics": .roles([.hr, .comms]),
    "GET /api/v1/topics/{id}": .roles([.hr, .comms, .marketing, .approver]),
    "PUT /api/v1/topics/{id}": .roles([.hr, .comms]),
    "DELETE /api/v1/topics/{id}": .roles([.hr, .comms]),
    "POST /posts/{id}/attachments": .roles([.hr, .comms, .marketing]), "POST /posts/{id}/attachments/{attachment}/delete": .roles([.hr, .comms, .marketing]),
    "GET /posts/{id}/attachments/{attachment}": .roles([.hr, .comms, .marketing, .approver]),
    "GET /api/v1/posts/{id}/attachments": .roles([.hr, .comms, .marketing, .approver]), "POST /api/v1/posts/{id}/attachments": .roles([.hr, .comms, .marketing]),
    "DELETE /api/v1/posts/{id}/attachments/{attachment}": .roles([.hr, .comms, .marketing]),
    "POST /posts/{id}/comments": .roles([.hr, .comms, .marketing, .approver]), "POST /posts/{id}/comments/{comment}/delete": .roles([.hr, .comms, .marketing, .approver]),
    "POST /posts/{id}/comments/{comment}/resolve": .roles([.hr, .comms, .marketing, .approver]),
    "GET /api/v1/posts/{id}/comments": .roles([.hr, .comms, .marketing, .approver]), "POST /api/v1/posts/{id}/comments": .roles([.hr, .comms, .marketing, .approver]),
    "DELETE /api/v1/posts/{id}/comments/{comment}": .roles([.hr, .comms, .marketing, .approver]),
    "POST /api/v1/posts/{id}/comments/{comment}/resolve": .roles([.hr, .comms, .marketing, .approver]),
    "GET /api/v1/mentions": .roles([.hr, .comms, .marketing, .approver]),
    "GET /api/v1/posts/{id}/reach": .roles([.hr, .comms, .marketing, .approver]), "GET /api/v1/reach": .roles([.hr, .comms, .marketing, .approver]),
    "GET /translations": .roles([.hr, .comms, .marketing, .approver]), "POST /posts/{id}/translations": .roles([.hr, .comms, .marketing]),
    "GET /api/v1/translations": .roles([.hr, .comms, .marketing, .approver]), "POST /api/v1/posts/{id}/translations": .roles([.hr, .comms, .marketing]),
    "GET /deliveries": .roles([.hr, .comms, .marketing, .approver]), "GET /posts/{id}/deliveries": .roles([.hr, .comms, .marketing, .approver]),
    "GET /api/v1/posts/{id}/deliveries": .roles([.hr, .comms, .marketing, .approver]),
    "GET /posts/{id}/deliveries/recipients": .roles([.admin]), "GET /api/v1/posts/{id}/deliveries/recipients": .roles([.admin]),
    "POST /posts/{id}/deliveries/retry": .roles([.hr, .comms, .marketing]), "POST /api/v1/posts/{id}/deliveries/retry": .roles([.hr, .comms, .marketing]),
    "GET /api/v1/posts/{id}/diff": .roles([.hr, .comms, .marketing, .approver]), "POST /api/v1/posts/{id}/seen": .roles([.hr, .comms, .marketing, .approver]),
    "GET /calendar": .roles([.hr, .comms, .marketing, .approver]), "POST /calendar/reschedule": .roles([.hr, .comms, .marketing]),
    "GET /api/v1/calendar": .roles([.hr, .comms, .marketing, .approver]),
    "GET /calendar/feeds": .roles([.hr, .comms, .marketing, .approver]), "POST /calendar/feeds": .roles([.hr, .comms, .marketing, .approver]),
    "POST /calendar/feeds/{id}/delete": .roles([.hr, .comms, .marketing, .approver]),
    "GET /api/v1/calendar/feeds": .roles([.hr, .comms, .marketing, .approver]), "POST /api/v1/calendar/feeds": .roles([.hr, .comms, .marketing, .approver]),
    "DELETE /api/v1/calendar/feeds/{id}": .roles([.hr, .comms, .marketing, .approver]),
    "GET /calendar/feed/{token}": .anyone,
    "GET /unsubscribe/{token}": .anyone, "POST /unsubscribe/{token}": .anyone,
    "GET /signin": .anyone, "POST /signin": .anyone, "GET /signin/link/{token}": .anyone, "POST /signin/link/{token}": .anyone,
    "POST /api/v1/signin/links": .anyone, "POST /feed/signout": .employee,
    "GET /feed": .employee, "GET /feed/posts/{id}": .employee, "POST /feed/posts/{id}/acknowledge": .employee, "POST /feed/posts/{id}/reaction": .employee,
    "GET /signage": .roles([.hr, .comms]), "POST /signage": .roles([.hr, .comms]), "POST /signage/{id}/delete": .roles([.hr, .comms]),
    "GET /signage/screen/{token}": .anyone, "GET /api/v1/signage/screens": .roles([.hr, .comms]), "POST /api/v1/signage/screens": .roles([.hr, .comms]),
    "DELETE /api/v1/signage/screens/{id}": .roles([.hr, .comms]),
    "POST /api/v1/events": .anyone, "GET /t/o/{token}": .anyone, "GET /t/c/{token}": .anyone,
    "GET /analytics": .roles([.hr, .comms, .marketing, .analyst]), "GET /analytics/posts/{id}": .roles([.hr, .comms, .marketing, .analyst]),
    "GET /analytics/posts/{id}/breakdowns.csv": .roles([.hr, .comms, .marketing, .analyst]), "GET /analytics/posts/{id}/timeline.csv": .roles([.hr, .comms, .marketing, .analyst]),
    "GET /analytics/posts/{id}/unreached.csv": .roles([.hr]), "GET /api/v1/analytics/posts/{id}/unreached": .roles([.hr]),
    "GET /api/v1/analytics/posts": .roles([.hr, .comms, .marketing, .analyst]), "GET /api/v1/analytics/posts/{id}": .roles([.hr, .comms, .marketing, .analyst]),
    "GET /analytics/campaigns/{id}": .roles([.hr, .comms, .marketing, .analyst]),
    "GET /analytics/posts/{id}/personas.csv": .roles([.hr, .comms, .marketing, .analyst]), "GET /analytics/campaigns/{id}/personas.csv": .roles([.hr, .comms, .marketing, .analyst]), "GET /analytics/annotations.csv": .roles([.hr, .comms, .marketing, .analyst]),
    "GET /analytics/posts/{id}/personas": .roles([.hr, .comms, .marketing, .analyst]), "GET /analytics/campaigns/{id}/personas": .roles([.hr, .comms, .marketing, .analyst]),
    "GET /api/v1/analytics/posts/{id}/personas": .roles([.hr, .comms, .marketing, .analyst]), "GET /api/v1/analytics/campaigns/{id}/personas": .roles([.hr, .comms, .marketing, .analyst]),
    "GET /analytics/kpis": .roles([.hr, .comms, .marketing, .analyst]), "POST /analytics/kpis": .roles([.hr, .comms, .marketing]), "GET /analytics/kpis/{id}": .roles([.hr, .comms, .marketing, .analyst]), "POST /analytics/kpis/{id}": .roles([.hr, .comms, .marketing]),
    "POST /analytics/kpis/{id}/delete": .roles([.hr, .comms, .marketing]), "GET /analytics/kpis/{id}/progress.csv": .roles([.hr, .comms, .marketing, .analyst]),
    "GET /analytics/scorecards": .roles([.hr, .comms, .marketing, .analyst]), "GET /analytics/scorecards.csv": .roles([.hr, .comms, .marketing, .analyst]),
    "GET /analytics/annotations": .roles([.hr, .comms, .marketing, .analyst]), "POST /analytics/annotations": .roles([.hr, .comms, .marketing]), "POST /analytics/annotations/{id}/delete": .roles([.hr, .comms, .marketing]),
    "GET /api/v1/kpis": .roles([.hr, .comms, .marketing, .analyst]), "POST /api/v1/kpis": .roles([.hr, .comms, .marketing]), "GET /api/v1/kpis/{id}": .roles([.hr, .comms, .marketing, .analyst]), "PUT /api/v1/kpis/{id}": .roles([.hr, .comms, .marketing]), "DELETE /api/v1/kpis/{id}": .roles([.hr, .comms, .marketing]),
    "GET /surveys": .roles([.hr, .comms, .analyst]), "POST /surveys": .roles([.hr, .comms]), "GET /surveys/{id}": .roles([.hr, .comms, .analyst]),
    "POST /surveys/{id}": .roles([.hr, .comms]), "POST /surveys/{id}/open": .roles([.hr]), "POST /surveys/{id}/close": .roles([.hr]),
    "POST /surveys/{id}/schedule": .roles([.hr]), "POST /surveys/{id}/unschedule": .roles([.hr]),
    "GET /surveys/{id}/heatmap": .roles([.hr, .comms, .analyst]), "GET /surveys/{id}/heatmap.csv": .roles([.hr, .comms, .analyst]),
    "GET /api/v1/surveys/{id}/heatmap": .roles([.hr, .comms, .analyst]),
    "GET /surveys/{id}/joint": .roles([.hr, .comms, .analyst]), "GET /surveys/{id}/joint.csv": .roles([.hr, .comms, .analyst]),
    "GET /api/v1/surveys/{id}/joint": .roles([.hr, .comms, .analyst]),
    "POST /surveys/{id}/actions": .roles([.hr, .comms]), "POST /surveys/{id}/actions/{action}": .roles([.hr, .comms]),
    "GET /api/v1/surveys/{id}/actions": .roles([.hr, .comms, .analyst]), "POST /api/v1/surveys/{id}/actions": .roles([.hr, .comms]),
    "PUT /api/v1/surveys/{id}/actions/{action}": .roles([.hr, .comms]),
    "GET /surveys/{id}/answer": .employee, "POST /surveys/{id}/answer": .employee,
    "GET /s/{token}": .anyone, "POST /s/{token}": .anyone, "POST /surveys/{id}/remind": .roles([.hr]),
    "GET /api/v1/surveys/{id}/distribution": .roles([.hr, .comms, .analyst]), "POST /api/v1/surveys/{id}/reminders": .roles([.hr]),
    "PUT /api/v1/surveys/{id}/pulse": .roles([.hr]), "DELETE /api/v1/surveys/{id}/pulse": .roles([.hr]), "GET /api/v1/surveys/{id}/trend": .roles([.hr, .comms, .analyst]),
    "GET /api/v1/surveys/{id}/translations": .roles([.hr, .comms, .analyst]), "PUT /api/v1/surveys/{id}/translations/{language}": .roles([.hr, .comms]),
    "DELETE /api/v1/surveys/{id}/translations/{language}": .roles([.hr, .comms]), "POST /surveys/{id}/translations": .roles([.hr, .comms]),
    "POST /surveys/{id}/translations/{language}/delete": .roles([.hr, .comms]),
    "GET /api/v1/surveys/{id}/answers": .roles([.hr]), "GET /surveys/{id}/answers": .roles([.hr]), "GET /surveys/{id}/answers.csv": .roles([.hr]),
    "GET /surveys/{id}/results.csv": .roles([.hr, .comms, .analyst]),
    "POST /surveys/{id}/pulse": .roles([.hr]), "POST /surveys/{id}/pulse/stop": .roles([.hr]), "GET /surveys/{id}/trend": .roles([.hr, .comms, .analyst]),
    "GET /api/v1/surveys": .roles([.hr, .comms, .analyst]), "POST /api/v1/surveys": .roles([.hr, .comms]), "GET /api/v1/surveys/{id}": .roles([.hr, .comms, .analyst]),
    "PUT /api/v1/surveys/{id}": .roles([.hr, .comms]), "POST /api/v1/surveys/{id}/transitions": .roles([.hr]),
    "GET /api/v1/surveys/{id}/results": .roles([.hr, .comms, .analyst]), "GET /api/v1/me/surveys": .employee, "POST /api/v1/surveys/{id}/responses": .employee,
    "GET /api/v1/kpis/{id}/progress": .roles([.hr, .comms, .marketing, .analyst]), "GET /api/v1/scorecards": .roles([.hr, .comms, .marketing, .analyst]),
    "GET /api/v1/annotations": .roles([.hr, .comms, .marketing, .analyst]), "POST /api/v1/annotations": .roles([.hr, .comms, .marketing]), "DELETE /api/v1/annotations/{id}": .roles([.hr, .comms, .marketing]),
    "GET /analytics/channels": .roles([.hr, .comms, .marketing, .analyst]), "GET /analytics/channels.csv": .roles([.hr, .comms, .marketing, .analyst]),
    "GET /analytics/best": .roles([.hr, .comms, .marketing, .analyst]), "GET /analytics/best.csv": .roles([.hr, .comms, .marketing, .analyst]),
    "GET /api/v1/analytics/channels": .roles([.hr, .comms, .marketing, .analyst]), "GET /api/v1/analytics/best-posts": .roles([.hr, .comms, .marketing, .analyst]),
    "GET /api/v1/analytics/send-times": .roles([.hr, .comms, .marketing, .analyst]),
    "GET /analytics/campaigns/{id}/breakdowns.csv": .roles([.hr, .comms, .marketing, .analyst]), "GET /analytics/campaigns/{id}/timeline.csv": .roles([.hr, .comms, .marketing, .analyst]),
    "GET /analytics/campaigns/{id}/unreached.csv": .roles([.hr]),
    "GET /api/v1/analytics/campaigns": .roles([.hr, .comms, .marketing, .analyst]), "GET /api/v1/analytics/campaigns/{id}": .roles([.hr, .comms, .marketing, .analyst]),
    "POST /signin/password": .anyone, "GET /feed/account": .employee, "POST /feed/account/password": .employee,
    "POST /feed/account/password/delete": .employee, "PUT /api/v1/feed/password": .employee, "DELETE /api/v1/feed/password": .employee,
    "GET /feed/preferences": .employee, "POST /feed/preferences": .employee,
    "GET /api/v1/feed/preferences": .employee, "PUT /api/v1/feed/preferences": .employee,
    "GET /api/v1/feed": .employee, "GET /api/v1/feed/posts/{id}": .employee, "POST /api/v1/feed/posts/{id}/acknowledgement": .employee,
    "PUT /api/v1/feed/posts/{id}/reaction": .employee, "DELETE /api/v1/feed/posts/{id}/reaction": .employee,
    "GET /posts/{id}/acknowledgements": .roles([.hr, .comms]), "GET /posts/{id}/acknowledgements.csv": .roles([.hr, .comms]),
    "GET /api/v1/posts/{id}/acknowledgements": .roles([.hr, .comms]),
    "POST /feed/posts/{id}/comments": .employee, "GET /api/v1/feed/posts/{id}/comments": .employee, "POST /api/v1/feed/posts/{id}/comments": .employee,
    "GET /moderation/comments": .roles([.hr, .comms]), "POST /moderation/comments/{id}": .roles([.hr, .comms]),
    "GET /api/v1/feed/comments": .roles([.hr, .comms]), "POST /api/v1/feed/comments/{id}/moderation": .roles([.hr, .comms]),
    "GET /deliveries/email": .roles([.hr]), "POST /deliveries/email/flags/clear": .roles([.hr]),
    "GET /api/v1/email/flags": .roles([.hr]), "DELETE /api/v1/email/flags/{address}": .roles([.hr]),
    "GET /deliveries/channels": .only(.admin), "POST /deliveries/channels/sms": .only(.admin),
    "POST /deliveries/channels/sms/resume": .only(.admin), "POST /deliveries/channels/sms/test": .only(.admin),
    "GET /api/v1/channels/sms": .only(.admin), "PUT /api/v1/channels/sms": .only(.admin), "POST /api/v1/channels/sms/resume": .only(.admin),
    "GET /deliveries/destinations": .only(.admin), "POST /deliveries/destinations": .only(.admin),
    "POST /deliveries/destinations/{id}/resume": .only(.admin), "POST /deliveries/destinations/{id}/delete": .only(.admin),
    "GET /api/v1/destinations": .only(.admin), "POST /api/v1/destinations": .only(.admin),
    "DELETE /api/v1/destinations/{id}": .only(.admin), "POST /api/v1/destinations/{id}/resume": .only(.admin),
    "GET /api/v1/posts": .roles([.hr, .comms, .marketing, .approver]),
    "POST /api/v1/posts": .roles([.hr, .comms, .marketing]),
    "GET /api/v1/posts/{id}": .roles([.hr, .comms, .marketing, .approver]),
    "PUT /api/v1/posts/{id}": .roles([.hr, .comms, .marketing]),
    "POST /api/v1/posts/{id}/transitions": .roles([.hr, .comms, .marketing, .approver]),
    "GET /api/v1/posts/{id}/versions": .roles([.hr, .comms, .marketing, .approver]),
    "GET /api/v1/posts/{id}/events": .roles([.hr, .comms, .marketing, .approver]),
    "GET /api/v1/reviews": .roles([.hr, .comms, .marketing, .approver]),
    "GET /posts": .roles([.hr, .comms, .marketing, .approver]),
    "GET /reviews": .roles([.hr, .comms, .marketing, .approver]),
    "GET /posts/new": .roles([.hr, .comms, .marketing]),
    "POST /posts": .roles([.hr, .comms, .marketing]),
    "GET /posts/{id}": .roles([.hr, .comms, .marketing, .approver]),
    "GET /posts/{id}/edit": .roles([.hr, .comms, .marketing]),
    "POST /posts/{id}": .roles([.hr, .comms, .marketing]),
    "POST /posts/{id}/transition": .roles([.hr, .comms, .marketing, .approver]),
    "POST /posts/{id}/restore": .roles([.hr, .comms, .marketing]),
    "GET /campaigns": .roles([.hr, .comms, .marketing, .approver]),
    "POST /campaigns": .roles([.hr, .comms, .marketing]),
    "GET /campaigns/{id}": .roles([.hr, .comms, .marketing, .approver]),
    "POST /campaigns/{id}": .roles([.hr, .comms, .marketing]),
    "POST /campaigns/{id}/delete": .roles([.hr, .comms, .marketing]),
    "GET /api/v1/campaigns": .roles([.hr, .comms, .marketing, .approver]),
    "POST /api/v1/campaigns": .roles([.hr, .comms, .marketing]),
    "GET /api/v1/campaigns/{id}": .roles([.hr, .comms, .marketing, .approver]),
    "PUT /api/v1/campaigns/{id}": .roles([.hr, .comms, .marketing]),
    "DELETE /api/v1/campaigns/{id}": .roles([.hr, .comms, .marketing]),
    "GET /personas": .roles([.hr, .comms, .marketing]), "GET /personas/{id}": .roles([.hr, .comms, .marketing]),
    "GET /personas/new": .roles([.hr]), "POST /personas": .roles([.hr]), "POST /personas/{id}": .roles([.hr]), "POST /personas/{id}/delete": .roles([.hr]),
    "GET /api/v1/personas": .roles([.hr, .comms, .marketing]), "GET /api/v1/personas/{id}": .roles([.hr, .comms, .marketing]),
    "POST /api/v1/personas": .roles([.hr]), "PUT /api/v1/personas/{id}": .roles([.hr]), "DELETE /api/v1/personas/{id}": .roles([.hr]),
    "GET /healthz": .anyone, "GET /readyz": .anyone, "GET /metrics": .anyone, "GET /api/openapi.json": .anyone,
    "GET /static/tandem.css": .anyone, "GET /static/tandem.js": .anyone,
    "GET /admin/scim": .only(.admin), "POST /admin/scim/tokens": .only(.admin), "POST /admin/scim/tokens/{id}/revoke": .only(.admin),
    "GET /scim/v2/ServiceProviderConfig": .scim, "GET /scim/v2/ResourceTypes": .scim, "GET /scim/v2/ResourceTypes/{id}": .scim,
    "GET /scim/v2/Schemas": .scim, "GET /scim/v2/Schemas/{id}": .scim,
    "GET /scim/v2/Users": .scim, "POST /scim/v2/Users": .scim, "POST /scim/v2/Users/.search": .scim,
    "GET /scim/v2/Users/{id}": .scim, "PUT /scim/v2/Users/{id}": .scim, "PATCH /scim/v2/Users/{id}": .scim, "DELETE /scim/v2/Users/{id}": .scim,
    "GET /scim/v2/Groups": .scim, "POST /scim/v2/Groups": .scim,
    "GET /scim/v2/Groups/{id}": .scim, "PUT /scim/v2/Groups/{id}": .scim, "PATCH /scim/v2/Groups/{id}": .scim, "DELETE /scim/v2/Groups/{id}": .scim,
]

@Suite("Roles × routes")
struct RouteAccessTests {
    @Test("every route declares exactly the access written down here")
    func declared() async throws {
        try await TestDatabase.with(.sqlite, migrator: Migrations.all) { (database: Database) async throws in
            var configuration = TandemConfiguration()
            configuration.bcryptCost = 4
            let (_, table) = buildRouter(TandemServices(configuration: configuration, database: database))
            let declared = Dictionary(uniqueKeysWithValues: table.specs.map { ($0.key, $0.access) })
            #expect(Set(declared.keys) == Set(expectedAccess.keys), "routes without an expectation, or expectations without a route")
            for (key, access) in declared { #expect(expectedAccess[key] == access, "\(key)") }
        }
    }

    @Test("each role gets exactly the routes it should; others get 401 or 403")
    func enforced() async throws {
        try await withApp { client, services in
            var callers: [(label: String, token: String?, roles: Set<Role>)] = [("anonymous", nil, [])]
            for role in Role.staff {
                let user = try await services.user("\(role.rawValue)@example.com", [role])
                callers.append((role.rawValue, try await services.token(for: user), [role]))
            }
            // A SCIM provisioning token: no roles, and no user behind it.
            callers.append(("scim", try await services.scimToken(), []))
            // An employee signed in by magic link: their own feed and nothing staff-only.
            var person = DemoPeople.generate(count: 1, today: EmployeeRules.today())
            person[0].terminationDate = nil
            person[0].workEmail = "reader@example.com"
            try await services.people.employees.upsert(person, summary: "seed", by: .system)
            let employeeID = try #require(try await services.feed.links.recipient(for: .email("reader@example.com"))).employeeID
            var employeeSession = try await services.feed.sessions.create(employeeID: employeeID, via: "test", requestID: nil)
            var employeeIdentity = try #require(try await services.feed.sessions.identity(forToken: employeeSession.token))
            callers.append(("employee", employeeSession.token, [.employee]))
            let (_, table) = buildRouter(services)
            var checked = 0
            for spec in table.specs {
                let path = spec.path.replacingOccurrences(of: "{id}", with: "999999")
                for caller in callers {
                    var headers: HTTPFields = [:]
                    if caller.label == "employee" {
                        headers[.cookie] = "tandem_session=\(employeeSession.token)"
                        headers[.csrfToken] = employeeIdentity.csrfToken
                    } else if let token = caller.token {
                        headers[.authorization] = "Bearer \(token)"
                    } else {
                        // Anonymous forms need the double-submit CSRF pair to reach the route check.
                        headers[.cookie] = "tandem_csrf=anonymous-csrf-token-0123456789abcdef"
                        headers[.csrfToken] = "anonymous-csrf-token-0123456789abcdef"
                    }
                    var body: ByteBuffer?
                    if spec.method != .get {
                        headers[.contentType] = spec.kind == .api ? "application/json" : "application/x-www-form-urlencoded"
                        body = ByteBuffer(string: spec.kind == .api ? "{}" : "")
                    }
                    let response = try await client.execute(uri: path, method: spec.method, headers: headers, body: body)
                    let identity = caller.label == "employee" ? employeeIdentity : caller.token.map { _ in
                        Identity(userID: 0, email: "", displayName: "", roles: caller.roles, mustChangePassword: false,
                                 credential: caller.label == "scim" ? .scimToken(id: 0) : .apiToken(id: 0))
                    }
                    let allowed = spec.access.allows(identity)
                    if caller.label == "employee", spec.path == "/feed/signout" {
                        // Signing out ended the session; the next routes need a new one.
                        employeeSession = try await services.feed.sessions.create(employeeID: employeeID, via: "test", requestID: nil)
                        employeeIdentity = try #require(try await services.feed.sessions.identity(forToken: employeeSession.token))
                    }
                    let status = response.status.code
                    if allowed {
                        #expect(status != 401 && status != 403, "\(caller.label) should reach \(spec.key), got \(status)")
                    } else if caller.token == nil {
                        let redirectedToSignIn = status == 303 && (response.headers[.location]?.hasPrefix("/login") == true || response.headers[.location] == "/signin")
                        #expect(status == 401 || redirectedToSignIn, "anonymous must not reach \(spec.key), got \(status)")
                    } else {
                        #expect(status == 403, "\(caller.label) must not reach \(spec.key), got \(status)")
                    }
                    #expect(status < 500, "\(caller.label) \(spec.key) answered \(status)")
                    checked += 1
                }
            }
            #expect(checked == table.specs.count * 9)
        }
    }
}

@Suite("OpenAPI document")
struct OpenAPITests {
    @Test("documents exactly the API routes the router serves")
    func inSync() async throws {
        try await TestDatabase.with(.sqlite, migrator: Migrations.all) { (database: Database) async throws in
            let (router, _) = buildRouter(TandemServices(configuration: TandemConfiguration(), database: database))
            let served = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" }.filter { $0.contains(" /api/v1/") })
            let app = buildApplication(TandemServices(configuration: TandemConfiguration(), database: database), logger: TestDatabase.logger)
            try await app.test(.router) { client in
                let document = try json(try await client.execute(uri: "/api/openapi.json", method: .get))
                #expect(document["openapi"] as? String == "3.1.0")
                let paths = try #require(document["paths"] as? [String: [String: Any]])
                let documented = Set(paths.flatMap { path, methods in methods.keys.map { "\($0.uppercased()) \(path)" } })
                #expect(!served.isEmpty)
                #expect(!documented.contains { $0.contains(" /scim/") }, "SCIM is described by its own /scim/v2/Schemas, not by OpenAPI")
                #expect(served == documented, "served but undocumented: \(served.subtracting(documented)); documented but not served: \(documented.subtracting(served))")

                let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
                let text = String(buffer: try await client.execute(uri: "/api/openapi.json", method: .get).body)
                for match in text.matches(of: /#\/components\/schemas\/([A-Za-z]+)/) {
                    #expect(schemas[String(match.1)] != nil, "dangling $ref \(match.1)")
                }
                var operationIDs = Set<String>()
                for (_, methods) in paths {
                    for (_, operation) in methods {
                        let operation = try #require(operation as? [String: Any])
                        let id = try #require(operation["operationId"] as? String)
                        #expect(operationIDs.insert(id).inserted, "duplicate operationId \(id)")
                        #expect((operation["responses"] as? [String: Any])?.isEmpty == false)
                    }
                }
            }
        }
    }
}
