import Content
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("Post files over HTTP")
struct AttachmentHTTPTests {
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]) + Data("IHDR".utf8)
    static let pdf = Data("%PDF-1.7\n1 0 obj".utf8)

    @Test("upload by API and by form, download with its own type (never sniffed), remove; bad files refused", arguments: TestDatabase.kinds)
    func files(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            try await services.user("comms@example.com", [.comms])
            let comms = try await services.token(for: try await services.user("comms2@example.com", [.comms]))
            let analyst = try await services.token(for: try await services.user("analyst@example.com", [.analyst]))
            let created = try await client.execute(uri: "/api/v1/posts", method: .post, headers: bearer(comms, json: true),
                                                   body: ByteBuffer(string: #"{"fallback_language":"en","variants":[{"language":"en","title":"Safety week"}]}"#))
            let id = try #require(try json(created)["id"] as? Int)
            func upload(_ query: String, _ bytes: Data, token: String = comms) async throws -> TestResponse {
                var headers = bearer(token)
                headers[.contentType] = "application/octet-stream"
                return try await client.execute(uri: "/api/v1/posts/\(id)/attachments?\(query)", method: .post, headers: headers, body: ByteBuffer(data: bytes))
            }
            #expect(try await upload("file_name=a.pdf", Self.pdf, token: analyst).status == .forbidden)
            #expect(try await upload("file_name=cover.png&role=cover", Self.png).status == .unprocessableContent, "a cover needs a description")
            #expect(try await upload("file_name=evil.html", Data("<html><script>alert(1)</script></html>".utf8)).status == .unprocessableContent)
            #expect(try await upload("file_name=a.exe", Data([0x4D, 0x5A, 0x90, 0])).status == .unprocessableContent)
            #expect(try await upload("role=cover", Self.png).status == .badRequest, "the name is required")
            let cover = try await upload("file_name=cover.png&role=cover&alt_text=A%20forklift", Self.png)
            #expect(cover.status == .created)
            let coverURL = try #require(try json(cover)["url"] as? String)
            let pdf = try await upload("file_name=R%C3%A8gles%20%22s%C3%BBret%C3%A9%22.pdf", Self.pdf)
            let pdfURL = try #require(try json(pdf)["url"] as? String)
            #expect(try json(pdf)["sha256"] as? String == BlobKey(of: Self.pdf).hex)

            let image = try await client.execute(uri: coverURL, method: .get, headers: bearer(analyst), body: nil)
            #expect(image.status == .forbidden, "files are for staff who read posts")
            let browser = Browser(client)
            _ = try await browser.signIn("comms@example.com")
            let shown = try await browser.request(coverURL)
            #expect(shown.status == .ok && shown.headers[.contentType] == "image/png" && shown.headers[.xContentTypeOptions] == "nosniff")
            #expect(shown.headers[.contentDisposition]?.hasPrefix("inline;") == true && Data(buffer: shown.body) == Self.png)
            let download = try await browser.request(pdfURL)
            #expect(download.headers[.contentType] == "application/pdf")
            let disposition = try #require(download.headers[.contentDisposition])
            #expect(disposition.hasPrefix("attachment; filename=\"R_gles _s_ret__.pdf\"; filename*=UTF-8''R%C3%A8gles%20_s%C3%BBret%C3%A9_.pdf"), "\(disposition)")
            let page = String(buffer: try await browser.request("/posts/\(id)").body)
            #expect(page.contains("<img src=\"\(coverURL)\" alt=\"A forklift\" class=\"cover\""))

            // The form: multipart with the CSRF token.
            let token = try #require(browser.csrf(from: try await browser.request("/posts/\(id)")))
            let boundary = "tandem-test-boundary"
            var body = Data()
            for (name, value) in [("_csrf", token), ("role", "file"), ("alt_text", "")] {
                body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
            }
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"notes.txt\"\r\nContent-Type: text/plain\r\n\r\nBring safety shoes.\r\n--\(boundary)--\r\n".utf8)
            let posted = try await browser.request("/posts/\(id)/attachments", method: .post, headers: [.contentType: "multipart/form-data; boundary=\(boundary)"],
                                                   body: String(decoding: body, as: UTF8.self))
            #expect(posted.status == .seeOther)
            let list = try json(try await client.execute(uri: "/api/v1/posts/\(id)/attachments", method: .get, headers: bearer(comms), body: nil))
            let names = (list["data"] as? [[String: Any]])?.compactMap { $0["file_name"] as? String }
            #expect(names == ["cover.png", "Règles _sûreté_.pdf", "notes.txt"], "quotes are not kept in stored names")

            let fileID = try #require((list["data"] as? [[String: Any]])?.last?["id"] as? Int)
            #expect(try await client.execute(uri: "/api/v1/posts/\(id)/attachments/\(fileID)", method: .delete, headers: bearer(comms), body: nil).status == .noContent)
            #expect(try await client.execute(uri: "/api/v1/posts/\(id)/attachments/\(fileID)", method: .delete, headers: bearer(comms), body: nil).status == .notFound)
            #expect(try await client.execute(uri: "/api/v1/posts/999/attachments", method: .get, headers: bearer(comms), body: nil).status == .notFound)
        }
    }
}
