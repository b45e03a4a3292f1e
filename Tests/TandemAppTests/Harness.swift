import Accounts
import Audit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import TandemApp
import TandemCore
import TandemStore
import TandemTesting

/// Runs `body` against the real app (all middleware and routes) on a fresh, migrated database.
func withApp(
    _ kind: DatabaseKind = .sqlite, configure: (inout TandemConfiguration) -> Void = { _ in },
    _ body: @escaping @Sendable (any TestClientProtocol, TandemServices) async throws -> Void
) async throws {
    var configuration = TandemConfiguration()
    configuration.bcryptCost = 4
    // Files (attachment blobs) go to a folder of this test's own.
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-app-test-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    configuration.dataDirectory = folder.path
    configure(&configuration)
    let settings = configuration
    try await TestDatabase.with(kind, migrator: Migrations.all) { (database: Database) async throws in
        let services = TandemServices(configuration: settings, database: database)
        let app = buildApplication(services, logger: TestDatabase.logger)
        try await app.test(.router) { client in try await body(client, services) }
    }
}

let staffPassword = "correct horse battery"

extension TandemServices {
    @discardableResult
    func user(_ email: String, _ roles: [Role], mustChange: Bool = false) async throws -> User {
        try await accounts.users.create(
            NewUser(email: email, displayName: String(email.split(separator: "@")[0]), roles: roles.map(\.rawValue), teamID: nil),
            passwordHash: try await accounts.hasher.hash(staffPassword), mustChangePassword: mustChange,
            by: AuditActor(userID: nil, label: "test", channel: .cli))
    }

    func token(for user: User) async throws -> String {
        try await accounts.tokens.create(userID: user.id, name: "test", by: AuditActor(userID: nil, label: "test", channel: .cli)).secret
    }
}

/// A minimal browser: keeps cookies between requests and fills in the CSRF field.
final class Browser: Sendable {
    let client: any TestClientProtocol
    private let jar = Mutex<[String: String]>([:])

    init(_ client: any TestClientProtocol) {
        self.client = client
    }

    var cookies: [String: String] { jar.withLock { $0 } }

    /// Starts with a cookie, as a browser that signed in elsewhere.
    func setCookie(_ name: String, _ value: String) { jar.withLock { $0[name] = value } }

    func request(_ path: String, method: HTTPRequest.Method = .get, headers extra: HTTPFields = [:], body: String? = nil) async throws -> TestResponse {
        var headers = extra
        let cookieHeader = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        if !cookieHeader.isEmpty { headers[.cookie] = cookieHeader }
        let response = try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        for field in response.headers where field.name == .setCookie {
            let pair = field.value.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0])
            let value = pair.count > 1 ? String(pair[1]) : ""
            let expired = field.value.contains("Max-Age=0")
            jar.withLock { $0[name] = expired || value.isEmpty ? nil : value }
        }
        return response
    }

    /// The `_csrf` value of the last page's form.
    func csrf(from response: TestResponse) -> String? {
        let html = String(buffer: response.body)
        guard let range = html.range(of: "name=\"_csrf\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    func post(_ path: String, form: [(String, String)], csrfFrom page: String = "/login") async throws -> TestResponse {
        let token = csrf(from: try await request(page)) ?? ""
        return try await request(path, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: encode([("_csrf", token)] + form))
    }

    func signIn(_ email: String, password: String = staffPassword) async throws -> TestResponse {
        try await post("/login", form: [("email", email), ("password", password)])
    }
}

func encode(_ form: [(String, String)]) -> String {
    form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
}

func json(_ response: TestResponse) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any] ?? [:]
}

func errorCode(_ response: TestResponse) throws -> String? {
    (try json(response)["error"] as? [String: Any])?["code"] as? String
}

func bearer(_ token: String, json: Bool = false) -> HTTPFields {
    var fields: HTTPFields = [.authorization: "Bearer \(token)"]
    if json { fields[.contentType] = "application/json" }
    return fields
}
