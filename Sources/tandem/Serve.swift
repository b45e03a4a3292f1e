import ArgumentParser
import Foundation
import Hummingbird
import Logging
import TandemApp
import TandemStore

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the Tandem web server (the default command).")

    @OptionGroup var storage: StorageOptions
    @Option(help: "Address to listen on (env TANDEM_HOST, default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (env TANDEM_PORT, default 8080).") var port: Int?
    @Option(name: .customLong("public-url"), help: "URL users reach Tandem at (env TANDEM_PUBLIC_URL).") var publicURL: String?
    @Flag(help: "Load the demo organisation before serving.") var demo = false

    func run() async throws {
        var extra: [String: String] = [:]
        extra["TANDEM_HOST"] = host
        extra["TANDEM_PORT"] = port.map(String.init)
        extra["TANDEM_PUBLIC_URL"] = publicURL
        let configuration = try storage.configuration(extra: extra)
        let logger = makeLogger(configuration)
        logger.info("starting Tandem \(Tandem.version) on \(configuration.databaseLocation.redacted)")
        if configuration.databaseURL != nil && configuration.secretKey == nil {
            logger.warning("TANDEM_SECRET_KEY is not set: anonymous surveys will refuse answers and channel tokens cannot be stored. Set it to `openssl rand -base64 32`, the same on every server.")
        }
        let database: Database
        do {
            database = try await openDatabase(configuration, logger: logger)
        } catch let error as StoreError {
            throw CommandFailure(description: "\(error.description)")
        }
        let services = TandemServices(configuration: configuration, database: database)
        if demo {
            let credentials = try await DemoLoader(services).load(
                password: ProcessInfo.processInfo.environment["TANDEM_DEMO_PASSWORD"]) { logger.info("demo: added \($0)") }
            Demo.printCredentials(credentials, baseURL: configuration.baseURL)
            try await Demo.printEmployeeLink(DemoLoader(services), baseURL: configuration.baseURL)
            // Loading the demo builds thousands of records at once; hand the freed heap back to
            // the system instead of carrying the high-water mark while serving.
            #if os(Linux)
            _ = glibcMallocTrim(0)
            #endif
        }
        if let token = try await services.accounts.setup.prepare() {
            logger.notice("No users yet. Open this one-time link to create the first admin: \(configuration.baseURL)/setup?token=\(token)")
        }
        let app = buildApplication(services, logger: logger, background: true)
        logger.info("Tandem is listening on \(configuration.baseURL)")
        try await app.runService()
        await database.close()
        logger.info("Tandem stopped")
    }
}

#if os(Linux)
/// glibc's `malloc_trim` (declared in malloc.h, which Swift's Glibc module does not include).
@_silgen_name("malloc_trim")
func glibcMallocTrim(_ pad: Int) -> Int32
#endif
