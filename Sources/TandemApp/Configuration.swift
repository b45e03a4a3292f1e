public import Foundation
public import TandemStore
public import Delivery
public import TandemCore

/// Every setting Tandem reads, from CLI flags, then `TANDEM_*` environment variables, then an
/// optional config file of `TANDEM_X=value` lines, then defaults.
public struct TandemConfiguration: Sendable, Equatable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var dataDirectory = "./tandem-data"
    public var databaseURL: String?
    public var publicURL: String?
    public var maxBodyMegabytes = 10
    public var sessionHours = 12
    public var bcryptCost = 12
    public var logLevel = "info"
    public var trustProxy = false
    public var benchRoutes = false
    /// Keep each reader's first feed page in memory (off: every page is read from the database).
    public var feedCache = true
    public var privacyMinimumGroup = 5
    /// Survey comments show once this many people wrote one (never below 3).
    public var privacyMinimumComments = 10
    /// Hosts tracked links in messages may lead to, besides Tandem's own.
    public var trackedLinkHosts: [String] = []
    /// Lets admin and HR see who was not reached by a post (per-person engagement); off by default.
    public var personEngagement = false
    /// Raw engagement events older than this are pruned; rollups keep their counts.
    public var eventRetentionDays = 180
    /// A LibreTranslate server for machine-translated drafts; nil: translations are done by people.
    public var translateURL: String?
    public var translateKey: String?
    /// Seconds between passes of the delivery loop (publishing due posts, freezing audiences).
    public var schedulerSeconds = 5
    /// Names this server in delivery leases. A restarted server with the same name takes its
    /// unfinished walks back at once; others wait for the lease to run out.
    public var nodeName = ProcessInfo.processInfo.hostName
    /// The SMTP server email goes through; nil: email deliveries wait until one is set.
    public var smtp: SMTPSettings?
    /// Seals channel secrets (gateway tokens); see `secretBox()`.
    public var secretKey: Data?

    public init() {}

    /// One documented setting; the README's table lists the same.
    public struct Setting: Sendable {
        public let key: String
        public let flag: String?
        public let summary: String
    }

    public static let settings: [Setting] = [
        Setting(key: "TANDEM_HOST", flag: "--host", summary: "Address to listen on (default 127.0.0.1)."),
        Setting(key: "TANDEM_PORT", flag: "--port", summary: "Port to listen on (default 8080)."),
        Setting(key: "TANDEM_DATA_DIR", flag: "--data-dir", summary: "Folder for the SQLite database and files (default ./tandem-data)."),
        Setting(key: "TANDEM_DATABASE_URL", flag: "--database-url", summary: "postgres://user:pass@host:5432/db to use PostgreSQL instead of SQLite."),
        Setting(key: "TANDEM_PUBLIC_URL", flag: "--public-url", summary: "URL users reach Tandem at; https:// turns on Secure cookies and HSTS."),
        Setting(key: "TANDEM_MAX_BODY_MB", flag: nil, summary: "Largest accepted request body in MB (default 10)."),
        Setting(key: "TANDEM_SESSION_HOURS", flag: nil, summary: "Hours a browser session lasts (default 12)."),
        Setting(key: "TANDEM_BCRYPT_COST", flag: nil, summary: "bcrypt work factor, 4–16 (default 12)."),
        Setting(key: "TANDEM_LOG_LEVEL", flag: "--log-level", summary: "trace, debug, info, notice, warning, error (default info)."),
        Setting(key: "TANDEM_TRUST_PROXY", flag: nil, summary: "true to take the client address from X-Forwarded-For (behind a proxy you run)."),
        Setting(key: "TANDEM_PRIVACY_MIN_GROUP", flag: nil, summary: "Smallest group shown to non-HR roles; smaller counts show as 'fewer than N' (default 5, never below 3)."),
        Setting(key: "TANDEM_PRIVACY_MIN_COMMENTS", flag: nil, summary: "Fewest survey comments shown for a question or group; fewer stay hidden (default 10, never below 3)."),
        Setting(key: "TANDEM_TRANSLATE_URL", flag: nil, summary: "A LibreTranslate server (http(s)://host:port) to draft translations; unset: people translate."),
        Setting(key: "TANDEM_TRANSLATE_KEY", flag: nil, summary: "API key for TANDEM_TRANSLATE_URL, if it needs one."),
        Setting(key: "TANDEM_SCHEDULER_SECONDS", flag: nil, summary: "Seconds between delivery passes: publishing due posts and freezing audiences (default 5)."),
        Setting(key: "TANDEM_NODE_NAME", flag: nil, summary: "This server's name in delivery leases (default the host name); give each server on one host its own."),
        Setting(key: "TANDEM_SMTP_URL", flag: nil, summary: "SMTP server for email, e.g. smtp://user:pass@mail.example.com:587?starttls=required&connections=10 (unset: email waits)."),
        Setting(key: "TANDEM_SECRET_KEY", flag: nil, summary: "32 random bytes in base64 (openssl rand -base64 32) that encrypt channel secrets such as gateway tokens, and anonymous survey answers while they wait to be counted; the same on every server. Unset on SQLite: <data-dir>/secret.key is made; required on PostgreSQL to take anonymous answers."),
        Setting(key: "TANDEM_MAIL_FROM", flag: nil, summary: "Sender of Tandem's email, e.g. 'Company News <news@example.com>' (needed with TANDEM_SMTP_URL)."),
        Setting(key: "TANDEM_BENCH_ROUTES", flag: nil, summary: "true to serve GET /_hello, the baseline route of bench/http.sh."),
        Setting(key: "TANDEM_TRACKED_LINK_HOSTS", flag: nil, summary: "Comma-separated hosts that tracked links in posts may lead to, besides Tandem's own; links elsewhere are left untracked and the redirector refuses them."),
        Setting(key: "TANDEM_PERSON_ENGAGEMENT", flag: nil, summary: "true lets admin and HR list the people a post did not reach (per-person engagement; default false)."),
        Setting(key: "TANDEM_EVENT_RETENTION_DAYS", flag: nil, summary: "Days raw engagement events are kept (61–3650, default 180); dashboards read rollups, which pruning leaves alone."),
        Setting(key: "TANDEM_FEED_CACHE", flag: nil, summary: "false to read every feed page from the database instead of keeping each reader's first page in memory (default true)."),
    ]

    /// Resolves the settings. `flags` holds values given on the command line, keyed like the env.
    public static func resolve(flags: [String: String], environment: [String: String], configFile: String?) throws -> TandemConfiguration {
        var values: [String: String] = [:]
        if let configFile {
            guard let text = try? String(contentsOfFile: configFile, encoding: .utf8) else {
                throw ConfigurationError("Cannot read the config file \(configFile). Check the path given to --config.")
            }
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let trimmed = line.trimmed
                if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                let parts = trimmed.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, settings.contains(where: { $0.key == parts[0].trimmed }) else {
                    throw ConfigurationError("\(configFile) line \(number + 1): expected TANDEM_SETTING=value with a known setting.")
                }
                values[parts[0].trimmed] = parts[1].trimmed
            }
        }
        for setting in settings { if let value = environment[setting.key] { values[setting.key] = value } }
        for (key, value) in flags { values[key] = value }

        var configuration = TandemConfiguration()
        func integer(_ key: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let raw = values[key] else { return nil }
            guard let value = Int(raw), range.contains(value) else {
                throw ConfigurationError("\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound) (got '\(raw)').")
            }
            return value
        }
        func boolean(_ key: String) throws -> Bool? {
            guard let raw = values[key]?.lowercased() else { return nil }
            switch raw {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off": return false
            default: throw ConfigurationError("\(key) must be true or false (got '\(raw)').")
            }
        }
        if let host = values["TANDEM_HOST"], !host.isEmpty { configuration.host = host }
        if let port = try integer("TANDEM_PORT", 1...65535) { configuration.port = port }
        if let dir = values["TANDEM_DATA_DIR"], !dir.isEmpty { configuration.dataDirectory = dir }
        if let url = values["TANDEM_DATABASE_URL"], !url.isEmpty {
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                throw ConfigurationError("TANDEM_DATABASE_URL must start with postgres:// (leave it unset to use the embedded SQLite database).")
            }
            configuration.databaseURL = url
        }
        if let url = values["TANDEM_PUBLIC_URL"], !url.isEmpty {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
                throw ConfigurationError("TANDEM_PUBLIC_URL must be a full http:// or https:// URL (got '\(url)').")
            }
            configuration.publicURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        if let value = try integer("TANDEM_MAX_BODY_MB", 1...1024) { configuration.maxBodyMegabytes = value }
        if let value = try integer("TANDEM_SESSION_HOURS", 1...720) { configuration.sessionHours = value }
        if let value = try integer("TANDEM_BCRYPT_COST", 4...16) { configuration.bcryptCost = value }
        if let level = values["TANDEM_LOG_LEVEL"] {
            guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(level) else {
                throw ConfigurationError("TANDEM_LOG_LEVEL must be one of trace, debug, info, notice, warning, error (got '\(level)').")
            }
            configuration.logLevel = level
        }
        if let value = try boolean("TANDEM_TRUST_PROXY") { configuration.trustProxy = value }
        if let value = try boolean("TANDEM_BENCH_ROUTES") { configuration.benchRoutes = value }
        if let value = try boolean("TANDEM_FEED_CACHE") { configuration.feedCache = value }
        if let hosts = values["TANDEM_TRACKED_LINK_HOSTS"], !hosts.isEmpty {
            let list = hosts.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
            guard list.allSatisfy({ $0.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 45 || $0 == 46 } }) else {
                throw ConfigurationError("TANDEM_TRACKED_LINK_HOSTS must be host names separated by commas, such as benefits.example.com,intranet.example.com (got '\(hosts)').")
            }
            configuration.trackedLinkHosts = list
        }
        if let value = try boolean("TANDEM_PERSON_ENGAGEMENT") { configuration.personEngagement = value }
        if let value = try integer("TANDEM_EVENT_RETENTION_DAYS", 61...3650) { configuration.eventRetentionDays = value }
        if let value = try integer("TANDEM_PRIVACY_MIN_GROUP", 3...1000) { configuration.privacyMinimumGroup = value }
        if let value = try integer("TANDEM_PRIVACY_MIN_COMMENTS", 3...1000) { configuration.privacyMinimumComments = value }
        if let url = values["TANDEM_TRANSLATE_URL"], !url.isEmpty {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
                throw ConfigurationError("TANDEM_TRANSLATE_URL must be a full http:// or https:// URL of a LibreTranslate server (got '\(url)').")
            }
            configuration.translateURL = url
        }
        if let key = values["TANDEM_TRANSLATE_KEY"], !key.isEmpty { configuration.translateKey = key }
        if let value = try integer("TANDEM_SCHEDULER_SECONDS", 1...3600) { configuration.schedulerSeconds = value }
        if let name = values["TANDEM_NODE_NAME"], !name.isEmpty {
            guard name.count <= 100, name.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
                throw ConfigurationError("TANDEM_NODE_NAME must be one line of at most 100 characters (got '\(name.prefix(40))').")
            }
            configuration.nodeName = name
        }
        if let key = values["TANDEM_SECRET_KEY"], !key.isEmpty {
            guard let data = SecretBox.parseKey(key) else {
                throw ConfigurationError("TANDEM_SECRET_KEY must be 32 random bytes in base64; make one with `openssl rand -base64 32`.")
            }
            configuration.secretKey = data
        }
        if let url = values["TANDEM_SMTP_URL"], !url.isEmpty {
            guard let from = values["TANDEM_MAIL_FROM"], !from.isEmpty else {
                throw ConfigurationError("TANDEM_SMTP_URL is set but TANDEM_MAIL_FROM is not; set it to the sender, e.g. 'Company News <news@example.com>'.")
            }
            do {
                let helo = configuration.publicURL.flatMap { URL(string: $0)?.host } ?? "localhost"
                let settings = try SMTPSettings.parse(url: url, from: from, heloName: helo)
                try settings.validate()
                configuration.smtp = settings
            } catch let invalid as SMTPSettings.Invalid {
                throw ConfigurationError(invalid.description)
            }
        }
        return configuration
    }

    public var databaseLocation: DatabaseLocation {
        if let databaseURL { return .postgres(url: databaseURL) }
        return .sqlite(path: URL(fileURLWithPath: dataDirectory).appendingPathComponent("tandem.sqlite").path)
    }

    /// The box that seals channel secrets: TANDEM_SECRET_KEY, else on SQLite a key file in the
    /// data folder (kept out of the database, so a database backup alone reveals no secret).
    /// Nil on PostgreSQL without a key: each server would make its own, and they must agree.
    public func secretBox() throws -> SecretBox? {
        if let secretKey { return try SecretBox(key: secretKey) }
        guard databaseURL == nil else { return nil }
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        return try SecretBox(key: SecretBox.keyFile(at: URL(fileURLWithPath: dataDirectory).appendingPathComponent("secret.key").path))
    }

    public var baseURL: String { publicURL ?? "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)" }
    public var servesHTTPS: Bool { publicURL?.hasPrefix("https://") ?? false }
}

public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
