import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import Testing

/// Bugs found by fuzzing the API (schemathesis) and the browser tests; each stays fixed.
@Suite("Regressions")
struct RegressionTests {
    @Test("team names differing only in non-ASCII case are one team (409, not 500)", arguments: TestDatabase.kinds)
    func unicodeDuplicate(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let token = try await services.token(for: try await services.user("root@example.com", [.admin]))
            func create(_ name: String) async throws -> TestResponse {
                try await client.execute(uri: "/api/v1/teams", method: .post, headers: bearer(token, json: true), body: ByteBuffer(string: #"{"name":"\#(name)"}"#))
            }
            #expect(try await create("Équipe").status == .created)
            #expect(try await create("Équipe").status == .conflict)
            #expect(try await create("équipe").status == .conflict)
        }
    }

    @Test("NUL characters are refused with 400 on both engines", arguments: TestDatabase.kinds)
    func nul(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let admin = try await services.user("root@example.com", [.admin])
            let token = try await services.token(for: admin)
            for (path, method, body) in [
                ("/api/v1/teams", HTTPRequest.Method.post, #"{"name":"a\u0000b"}"#), ("/api/v1/tokens", .post, #"{"name":"a\u0000b"}"#),
                ("/api/v1/users/\(admin.id)", .patch, #"{"display_name":"a\u0000b"}"#),
            ] {
                let response = try await client.execute(uri: path, method: method, headers: bearer(token, json: true), body: ByteBuffer(string: body))
                #expect(response.status == .badRequest, "\(method) \(path)")
            }
            for query in ["q=a%00b", "actor=a%00b"] {
                #expect(try await client.execute(uri: "/api/v1/audit?\(query)", method: .get, headers: bearer(token)).status == .badRequest)
            }
            #expect(try await services.accounts.teams.all().isEmpty)
        }
    }

    @Test("fields the schema does not name are refused, not silently dropped")
    func unknownFields() async throws {
        try await withApp { client, services in
            let token = try await services.token(for: try await services.user("root@example.com", [.admin]))
            let response = try await client.execute(
                uri: "/api/v1/users", method: .post, headers: bearer(token, json: true),
                body: ByteBuffer(string: #"{"email":"a@b.co","display_name":"A","roles":["hr"],"is_admin":true}"#))
            #expect(response.status == .unprocessableContent)
            #expect(try errorCode(response) == "unknown_field")
            #expect(try await services.accounts.users.count() == 1)
        }
    }

    @Test("a known path with the wrong method answers 405 with Allow")
    func methodNotAllowed() async throws {
        try await withApp { client, _ in
            let response = try await client.execute(uri: "/api/v1/tokens/7", method: .put)
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == "DELETE")
            #expect(try await client.execute(uri: "/api/v1/nope", method: .put).status == .notFound)
            // A literal segment is not the parameter beside it: /audiences/count is GET only.
            let count = try await client.execute(uri: "/api/v1/audiences/count", method: .options)
            #expect(count.status == .methodNotAllowed && count.headers[.allow] == "GET")
            let one = try await client.execute(uri: "/api/v1/audiences/5", method: .post)
            #expect(one.status == .methodNotAllowed && one.headers[.allow] == "GET, PUT, DELETE")
        }
    }

    @Test("the 'No team' option posts an empty value")
    func emptyOption() async throws {
        try await withApp { client, services in
            let token = try await services.token(for: try await services.user("root@example.com", [.admin]))
            let html = String(buffer: try await client.execute(uri: "/admin/users/new", method: .get, headers: bearer(token)).body)
            // `<option value>` is HTML's empty-attribute syntax for value="" (HTML §13.1.2.3).
            #expect(html.contains(#"<option value>No team</option>"#) || html.contains(#"<option value="">No team</option>"#))
            #expect(!html.contains("<option>No team</option>"))
        }
    }

    @Test("any digit string is a valid cursor; anything else is a 400")
    func cursors() async throws {
        try await withApp { client, services in
            let token = try await services.token(for: try await services.user("root@example.com", [.admin]))
            #expect(try await client.execute(uri: "/api/v1/users?cursor=0", method: .get, headers: bearer(token)).status == .ok)
            #expect(try await client.execute(uri: "/api/v1/users?cursor=999999999999999999", method: .get, headers: bearer(token)).status == .ok)
            #expect(try await client.execute(uri: "/api/v1/users?cursor=-1", method: .get, headers: bearer(token)).status == .badRequest)
        }
    }
}
