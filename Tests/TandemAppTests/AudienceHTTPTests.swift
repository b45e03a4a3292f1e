import Foundation
import HummingbirdTesting
import People
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("Audience count over HTTP")
struct AudienceHTTPTests {
    @Test("comms counts and gets clear errors; sensitive fields are HR-only")
    func count() async throws {
        try await withApp { client, services in
            try await services.people.employees.upsert(DemoPeople.generate(count: 200), summary: "seed", by: .system)
            let comms = try await services.token(for: try await services.user("comms@example.com", [.comms]))
            let hr = try await services.token(for: try await services.user("hr@example.com", [.hr]))
            func get(_ rule: String, _ token: String) async throws -> TestResponse {
                let query = rule.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                return try await client.execute(uri: "/api/v1/audiences/count?rule=\(query)", method: .get, headers: bearer(token))
            }
            let ok = try await get(#"worker_type = "frontline""#, comms)
            #expect(try ok.status == .ok && (json(ok)["count"] as? Int ?? 0) > 5)
            let bad = try await get(#"hire_date >= "soon""#, comms)
            #expect(bad.status == .unprocessableContent)
            #expect(((try json(bad)["error"] as? [String: Any])?["message"] as? String)?.contains("line 1, column 14") == true)
            #expect(try await get("annual_pay > 100000", comms).status == .forbidden)
            #expect(try await get("annual_pay > 100000", hr).status == .ok)
            #expect(try await client.execute(uri: "/api/v1/audiences/count", method: .get, headers: bearer(comms)).status == .badRequest)
        }
    }
}
