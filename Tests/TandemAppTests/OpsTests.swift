import Foundation
import HTTPTypes
import HummingbirdTesting
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import Testing

@Suite("Operations endpoints and headers")
struct OpsTests {
    @Test("health, readiness and metrics answer", arguments: TestDatabase.kinds)
    func probes(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, _ in
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(try ready.status == .ok && (json(ready)["database"] as? String) == kind.rawValue)
            _ = try await client.execute(uri: "/login", method: .get)
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains("hb_requests"))
            #expect(metrics.contains("http_server_request_duration"))
            #expect(metrics.contains("tandem_db_connections"))
        }
    }

    @Test("every response carries the security headers and a request id")
    func headers() async throws {
        try await withApp { client, _ in
            for path in ["/login", "/api/v1/me", "/missing"] {
                let response = try await client.execute(uri: path, method: .get)
                let csp = try #require(response.headers[.contentSecurityPolicy])
                #expect(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"))
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[.requestID]?.isEmpty == false)
            }
        }
    }

    @Test("HTTPS deployments get Secure cookies and HSTS")
    func https() async throws {
        try await withApp(configure: { $0.publicURL = "https://tandem.example.com" }) { client, _ in
            let response = try await client.execute(uri: "/login", method: .get)
            #expect(response.headers[.strictTransportSecurity] != nil)
            #expect(response.headers[values: .setCookie].allSatisfy { $0.contains("Secure") })
        }
    }

    @Test("a database newer than the binary is refused at start")
    func newerDatabase() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-newer-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = TandemConfiguration()
        configuration.dataDirectory = folder.path
        let database = try await openDatabase(configuration, logger: TestDatabase.logger)
        try await database.transaction { db in
            try await db.raw("INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(bind: Int64(9_999)), \(bind: "future"), \(bind: Int64(0)))").run()
        }
        await database.close()
        do {
            _ = try await openDatabase(configuration, logger: TestDatabase.logger)
            Issue.record("start should be refused")
        } catch let error as StoreError {
            #expect(error.description.contains("Upgrade tandem"))
        }
    }
}

@Suite("Configuration")
struct ConfigurationTests {
    @Test("flags beat environment, environment beats the file, the file beats defaults")
    func precedence() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-\(UUID().uuidString).conf")
        try "# comment\nTANDEM_PORT=7000\nTANDEM_HOST=0.0.0.0\nTANDEM_SESSION_HOURS=2\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let configuration = try TandemConfiguration.resolve(
            flags: ["TANDEM_PORT": "9000"], environment: ["TANDEM_PORT": "8000", "TANDEM_HOST": "10.0.0.1"], configFile: file.path)
        #expect(configuration.port == 9000)
        #expect(configuration.host == "10.0.0.1")
        #expect(configuration.sessionHours == 2)
        #expect(configuration.bcryptCost == 12)
        #expect(configuration.databaseLocation == .sqlite(path: URL(fileURLWithPath: "./tandem-data/tandem.sqlite").path))
    }

    @Test("invalid values fail with one line naming the setting", arguments: [
        (["TANDEM_PORT": "eighty"], "TANDEM_PORT"), (["TANDEM_PORT": "70000"], "TANDEM_PORT"),
        (["TANDEM_DATABASE_URL": "mysql://x"], "TANDEM_DATABASE_URL"), (["TANDEM_PUBLIC_URL": "tandem.example"], "TANDEM_PUBLIC_URL"),
        (["TANDEM_BCRYPT_COST": "40"], "TANDEM_BCRYPT_COST"), (["TANDEM_TRUST_PROXY": "maybe"], "TANDEM_TRUST_PROXY"),
        (["TANDEM_LOG_LEVEL": "loud"], "TANDEM_LOG_LEVEL"),
    ])
    func invalid(environment: [String: String], key: String) {
        do {
            _ = try TandemConfiguration.resolve(flags: [:], environment: environment, configFile: nil)
            Issue.record("should fail")
        } catch let error as ConfigurationError {
            #expect(error.description.hasPrefix(key))
            #expect(!error.description.contains("\n"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("an unreadable or malformed config file is reported")
    func badFile() throws {
        #expect(throws: ConfigurationError.self) { try TandemConfiguration.resolve(flags: [:], environment: [:], configFile: "/nonexistent/tandem.conf") }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-\(UUID().uuidString).conf")
        try "TANDEM_NOPE=1\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(throws: ConfigurationError.self) { try TandemConfiguration.resolve(flags: [:], environment: [:], configFile: file.path) }
    }
}
