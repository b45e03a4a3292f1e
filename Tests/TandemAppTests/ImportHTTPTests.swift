import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import People
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("Employee import over HTTP")
struct ImportHTTPTests {
    static let csv = """
        employee_id,given_name,family_name,work_email,country,time_zone,language,annual_pay
        E1,Ana,Souza,ana@example.com,BR,America/Sao_Paulo,pt-BR,52000
        E2,Ben,Okafor,ben@example.com,GB,Europe/London,en-GB,61000

        """

    @Test("the API dry-runs, refuses bad files with a line-numbered report, and applies", arguments: TestDatabase.kinds)
    func api(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let hr = try await services.token(for: try await services.user("hr@example.com", [.hr]))
            let comms = try await services.token(for: try await services.user("comms@example.com", [.comms]))
            var headers = bearer(hr)
            headers[.contentType] = "text/csv"
            let dry = try await client.execute(uri: "/api/v1/employees/import?dry_run=true", method: .post, headers: headers, body: ByteBuffer(string: Self.csv))
            #expect(dry.status == .ok)
            #expect(try json(dry)["status"] as? String == "dry_run" && (try json(dry)["to_create"] as? Int) == 2)
            #expect(try await services.people.employees.count() == 0)

            let bad = Self.csv + "E3,Cai,Lin,cai@example,CN,Asia/Shanghai,zh-CN,1\n"
            let refused = try json(try await client.execute(uri: "/api/v1/employees/import", method: .post, headers: headers, body: ByteBuffer(string: bad)))
            #expect(refused["status"] as? String == "refused")
            let rejected = try #require((refused["rejected"] as? [[String: Any]])?.first)
            #expect(rejected["line"] as? Int == 4 && rejected["field"] as? String == "work_email")
            #expect(try await services.people.employees.count() == 0)

            let applied = try json(try await client.execute(uri: "/api/v1/employees/import?file_name=hris.csv", method: .post, headers: headers, body: ByteBuffer(string: Self.csv)))
            #expect(applied["status"] as? String == "applied" && applied["import_id"] as? Int != nil)
            let again = try json(try await client.execute(uri: "/api/v1/employees/import", method: .post, headers: headers, body: ByteBuffer(string: Self.csv)))
            #expect(again["status"] as? String == "unchanged")
            let history = try json(try await client.execute(uri: "/api/v1/employees/imports", method: .get, headers: bearer(hr)))
            #expect((history["data"] as? [Any])?.count == 1)

            var commsHeaders = bearer(comms)
            commsHeaders[.contentType] = "text/csv"
            #expect(try await client.execute(uri: "/api/v1/employees/import", method: .post, headers: commsHeaders, body: ByteBuffer(string: Self.csv)).status == .forbidden)
            var wrongType = bearer(hr)
            wrongType[.contentType] = "application/json"
            #expect(try await client.execute(uri: "/api/v1/employees/import", method: .post, headers: wrongType, body: ByteBuffer(string: "{}")).status == .unsupportedMediaType)
            let latin1 = try await client.execute(uri: "/api/v1/employees/import", method: .post, headers: headers, body: ByteBuffer(bytes: Array("employee_id\nE\u{E9}".data(using: .isoLatin1)!)))
            #expect(try latin1.status == .badRequest && errorCode(latin1) == "wrong_encoding")
        }
    }

    @Test("the web flow uploads, shows the check, and applies with CSRF")
    func web() async throws {
        try await withApp { client, services in
            try await services.user("hr@example.com", [.hr])
            let browser = Browser(client)
            _ = try await browser.signIn("hr@example.com")
            let start = try await browser.request("/people/import")
            #expect(start.status == .ok)
            let csrf = try #require(browser.csrf(from: start))
            let boundary = "----tandem-test-boundary"
            let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(csrf)\r\n"
                + "--\(boundary)\r\nContent-Disposition: form-data; name=\"mode\"\r\n\r\nfull\r\n"
                + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"hris.csv\"\r\nContent-Type: text/csv\r\n\r\n\(Self.csv)\r\n"
                + "--\(boundary)--\r\n"
            let checked = try await browser.request("/people/import", method: .post, headers: [.contentType: "multipart/form-data; boundary=\(boundary)"], body: body)
            #expect(checked.status == .ok)
            let html = String(buffer: checked.body)
            #expect(html.contains("Nothing has been written yet"))
            let action = try #require(html.firstMatch(of: /action="(\/people\/import\/[A-Za-z0-9_-]+\/apply)"/)?.1)
            #expect(try await services.people.employees.count() == 0)

            let forged = try await browser.request("/people/import", method: .post, headers: [.contentType: "multipart/form-data; boundary=\(boundary)"],
                                                   body: body.replacingOccurrences(of: csrf, with: "forged-token"))
            #expect(forged.status == .forbidden)

            let applied = try await browser.post(String(action), form: [("mode", "full")], csrfFrom: "/people/import")
            #expect(applied.status == .seeOther && applied.headers[.location] == "/people/import")
            #expect(try await services.people.employees.count() == 2)
            let history = String(buffer: try await browser.request("/people/import").body)
            #expect(history.contains("Imported hris.csv: 2 created"))
        }
    }

    @Test("the check page offers the rejected rows as CSV, with formula cells neutralised, to the uploader only")
    func rejectionsCSV() async throws {
        try await withApp { client, services in
            try await services.user("hr@example.com", [.hr])
            try await services.user("hr2@example.com", [.hr])
            let browser = Browser(client)
            _ = try await browser.signIn("hr@example.com")
            let csrf = try #require(browser.csrf(from: try await browser.request("/people/import")))
            let bad = Self.csv + "=cmd|' /C calc'!A0,Eve,Moss,eve@example.com,US,America/Chicago,en-US,1\nE4,Ivy,Quinn,ivy@example,US,America/Chicago,en-US,1\n"
            let boundary = "----tandem-test-boundary"
            let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(csrf)\r\n"
                + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"hris.csv\"\r\nContent-Type: text/csv\r\n\r\n\(bad)\r\n"
                + "--\(boundary)--\r\n"
            let checked = try await browser.request("/people/import", method: .post, headers: [.contentType: "multipart/form-data; boundary=\(boundary)"], body: body)
            let html = String(buffer: checked.body)
            let link = try #require(html.firstMatch(of: /href="(\/people\/import\/[A-Za-z0-9_-]+\/rejections\.csv)"/)?.1)
            let download = try await browser.request(String(link))
            #expect(download.status == .ok)
            #expect(download.headers[.contentType]?.hasPrefix("text/csv") == true)
            let csv = String(buffer: download.body)
            #expect(csv.hasPrefix("line,employee_id,field,message\r\n"))
            #expect(csv.contains("\r\n4,'=cmd|' /C calc'!A0,employee_id,"), "the formula id is prefixed so a spreadsheet shows it as text")
            #expect(csv.contains("\r\n5,E4,work_email,"))
            #expect(try await services.people.employees.count() == 0)

            let other = Browser(client)
            _ = try await other.signIn("hr2@example.com")
            #expect(try await other.request(String(link)).status == .notFound, "an upload is visible to its uploader only")
        }
    }
}
