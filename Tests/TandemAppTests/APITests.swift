import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("JSON API")
struct APITests {
    @Test("an admin creates and pages through users; everything is audited", arguments: TestDatabase.kinds)
    func createAndList(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let admin = try await services.user("root@example.com", [.admin])
            let token = try await services.token(for: admin)
            let me = try await client.execute(uri: "/api/v1/me", method: .get, headers: bearer(token))
            #expect(try me.status == .ok && (json(me)["email"] as? String) == "root@example.com")

            let body = #"{"email":"Cory@Example.com","display_name":"Cory","roles":["comms","hr"]}"#
            let created = try await client.execute(uri: "/api/v1/users", method: .post, headers: bearer(token, json: true), body: ByteBuffer(string: body))
            #expect(created.status == .created)
            let payload = try json(created)
            #expect((payload["temporary_password"] as? String)?.count == 16)
            #expect(((payload["user"] as? [String: Any])?["roles"] as? [String]) == ["hr", "comms"])

            let first = try json(try await client.execute(uri: "/api/v1/users?limit=1", method: .get, headers: bearer(token)))
            #expect((first["data"] as? [Any])?.count == 1)
            let cursor = try #require(first["next_cursor"] as? String)
            let second = try json(try await client.execute(uri: "/api/v1/users?limit=1&cursor=\(cursor)", method: .get, headers: bearer(token)))
            #expect(((second["data"] as? [[String: Any]])?.first?["email"] as? String) == "cory@example.com")
            #expect(second["next_cursor"] == nil || second["next_cursor"] is NSNull)

            let audit = try json(try await client.execute(uri: "/api/v1/audit?action=user.create&actor=root@example.com", method: .get, headers: bearer(token)))
            let entries = try #require(audit["data"] as? [[String: Any]])
            #expect(entries.count == 1)
            #expect(entries[0]["channel"] as? String == "api")
            #expect((entries[0]["summary"] as? String)?.contains("cory@example.com") == true)
        }
    }

    @Test("bad input gets a clear JSON error and writes nothing", arguments: TestDatabase.kinds)
    func badInput(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let token = try await services.token(for: try await services.user("root@example.com", [.admin]))
            func post(_ body: String, type: String = "application/json") async throws -> TestResponse {
                var headers = bearer(token)
                headers[.contentType] = type
                return try await client.execute(uri: "/api/v1/users", method: .post, headers: headers, body: ByteBuffer(string: body))
            }
            let malformed = try await post("{not json")
            #expect(try malformed.status == .badRequest && (errorCode(malformed)) == "invalid_json")
            let missing = try await post(#"{"email":"a@b.co","roles":["hr"]}"#)
            #expect(try missing.status == .badRequest && (json(missing)["error"] as? [String: Any])?["field"] as? String == "display_name")
            let wrongType = try await post("email=a@b.co", type: "application/x-www-form-urlencoded")
            #expect(wrongType.status == .unsupportedMediaType)
            let badEmail = try await post(#"{"email":"nope","display_name":"A","roles":["hr"]}"#)
            #expect(try badEmail.status == .unprocessableContent && (json(badEmail)["error"] as? [String: Any])?["field"] as? String == "email")
            let badRole = try await post(#"{"email":"a@b.co","display_name":"A","roles":["god"]}"#)
            #expect(badRole.status == .unprocessableContent)
            let shortPassword = try await post(#"{"email":"a@b.co","display_name":"A","roles":["hr"],"password":"short"}"#)
            #expect(shortPassword.status == .unprocessableContent)
            let duplicate = try await post(#"{"email":"ROOT@example.com","display_name":"A","roles":["hr"]}"#)
            #expect(duplicate.status == .conflict)
            #expect(try await services.accounts.users.count() == 1)

            let badCursor = try await client.execute(uri: "/api/v1/users?cursor=garbage", method: .get, headers: bearer(token))
            #expect(try badCursor.status == .badRequest && (errorCode(badCursor)) == "invalid_cursor")
            let badLimit = try await client.execute(uri: "/api/v1/users?limit=0", method: .get, headers: bearer(token))
            #expect(badLimit.status == .badRequest)
            let badDate = try await client.execute(uri: "/api/v1/audit?from=yesterday", method: .get, headers: bearer(token))
            #expect(try badDate.status == .badRequest && (json(badDate)["error"] as? [String: Any])?["field"] as? String == "from")
            let missingUser = try await client.execute(uri: "/api/v1/users/424242", method: .get, headers: bearer(token))
            #expect(missingUser.status == .notFound)
        }
    }

    @Test("an oversized body is refused with 413")
    func oversized() async throws {
        try await withApp(configure: { $0.maxBodyMegabytes = 1 }) { client, services in
            let token = try await services.token(for: try await services.user("root@example.com", [.admin]))
            let big = String(repeating: "x", count: 1_200_000)
            let response = try await client.execute(
                uri: "/api/v1/users", method: .post, headers: bearer(token, json: true),
                body: ByteBuffer(string: #"{"email":"a@b.co","display_name":"\#(big)","roles":["hr"]}"#))
            #expect(response.status == .contentTooLarge)
            #expect(try errorCode(response) == "body_too_large")
            #expect(try await services.accounts.users.count() == 1)
        }
    }

    @Test("unknown, revoked and malformed tokens are 401 with a hint")
    func tokens() async throws {
        try await withApp { client, services in
            let user = try await services.user("ana@example.com", [.analyst])
            let token = try await services.token(for: user)
            #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: bearer("tdm_unknown")).status == .unauthorized)
            let basic = try await client.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: "Basic abc"])
            #expect(basic.status == .unauthorized)
            let tokens = try json(try await client.execute(uri: "/api/v1/tokens", method: .get, headers: bearer(token)))
            let id = try #require(((tokens["data"] as? [[String: Any]])?.first?["id"] as? NSNumber)?.intValue)
            #expect(try await client.execute(uri: "/api/v1/tokens/\(id)", method: .delete, headers: bearer(token)).status == .noContent)
            let after = try await client.execute(uri: "/api/v1/me", method: .get, headers: bearer(token))
            #expect(try after.status == .unauthorized && (errorCode(after)) == "invalid_token")
        }
    }

    @Test("the audit log exports as CSV that spreadsheets cannot execute")
    func auditCSV() async throws {
        try await withApp { client, services in
            let admin = try await services.user("root@example.com", [.admin])
            let token = try await services.token(for: admin)
            _ = try await client.execute(uri: "/api/v1/teams", method: .post, headers: bearer(token, json: true), body: ByteBuffer(string: #"{"name":"=HYPERLINK(\"http://evil\")"}"#))
            let csv = try await client.execute(uri: "/admin/audit.csv?action=team.create", method: .get, headers: bearer(token))
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            let text = String(buffer: csv.body)
            #expect(text.hasPrefix("id,at,actor,channel,action"))
            #expect(text.contains("team.create"))
            #expect(!text.contains(",=HYPERLINK"), "formula cells must be neutralised")
            let lines = text.split(separator: "\r\n")
            #expect(lines.count == 2)
        }
    }

    @Test("unknown addresses: JSON 404 under /api, an HTML page elsewhere")
    func notFound() async throws {
        try await withApp { client, _ in
            let api = try await client.execute(uri: "/api/v1/nothing", method: .get)
            #expect(try api.status == .notFound && (errorCode(api)) == "not_found")
            let page = try await client.execute(uri: "/nothing-here", method: .get, headers: [.accept: "text/html"])
            #expect(page.status == .notFound)
            #expect(String(buffer: page.body).contains("Page not found"))
        }
    }
}
