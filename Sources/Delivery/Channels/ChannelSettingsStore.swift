public import Audit
public import Content
public import Foundation
import SQLKit
public import TandemCore
public import TandemStore

/// A channel's stored settings as an admin sees them: never the secret itself.
public struct ChannelStatus: Sendable, Equatable {
    public let channel: Channel
    public let sms: SMSGateway?
    public let hasSecret: Bool
    public let paused: Bool
    public let pauseReason: String?
    public let pausedAt: Date?
    public let updatedAt: Date
    public let updatedBy: String
}

/// Settings of the channels that go out through outside services (`channel_settings`), with
/// their secrets sealed by SecretBox, and the automatic pause that stops a failing channel.
public struct ChannelSettingsStore: Sendable {
    let database: Database
    /// Nil when no key is available (PostgreSQL without TANDEM_SECRET_KEY): secrets cannot be saved.
    let box: SecretBox?

    public init(database: Database, box: SecretBox?) {
        self.database = database
        self.box = box
    }

    public var canStoreSecrets: Bool { box != nil }

    public struct Problem: Error, CustomStringConvertible {
        public let field: String?
        public let description: String
    }

    /// Saves the SMS gateway. `token` nil keeps the stored one; "" removes it. Resumes the
    /// channel, since an admin who changed the settings means to try again.
    public func saveSMS(_ gateway: SMSGateway, token: String?, by actor: AuditActor, now: Date = Date()) async throws {
        try gateway.validate()
        var sealed: String??
        if let token {
            if token.isEmpty {
                sealed = .some(nil)
            } else {
                guard token.count <= 500, !token.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
                    throw Problem(field: "token", description: "The token must be one line of at most 500 characters.")
                }
                guard let box else {
                    throw Problem(field: "token", description: "Secrets cannot be stored without TANDEM_SECRET_KEY on PostgreSQL; set it on every server (docs/OPERATIONS.md).")
                }
                sealed = .some(try box.seal(token))
            }
        }
        let config = String(decoding: try JSONEncoder().encode(gateway), as: UTF8.self)
        let stamp = Millis.from(now), newSecret = sealed
        try await database.transaction { db in
            try await db.raw("""
                INSERT INTO channel_settings (channel, config, secret, paused, updated_at, updated_by)
                VALUES ('sms', \(bind: config), \(bind: newSecret ?? nil), 0, \(bind: stamp), \(bind: actor.label))
                ON CONFLICT (channel) DO UPDATE SET config = excluded.config, paused = 0, pause_reason = NULL, paused_at = NULL,
                    updated_at = excluded.updated_at, updated_by = excluded.updated_by
                """).run()
            if let newSecret {
                try await db.raw("UPDATE channel_settings SET secret = \(bind: newSecret) WHERE channel = 'sms'").run()
            }
            try await AuditStore.append(AuditEntry(action: "channel.settings", entityType: "channel", entityID: "sms",
                                                   summary: "SMS gateway \(gateway.url) from \(gateway.from)" + (token == nil ? "" : token!.isEmpty ? "; token removed" : "; token replaced")),
                                        by: actor, on: db)
        }
    }

    public func status(_ channel: Channel) async throws -> ChannelStatus? {
        guard let row = try await database.reader.raw("""
            SELECT config, secret, paused, pause_reason, paused_at, updated_at, updated_by FROM channel_settings WHERE channel = \(bind: channel.rawValue)
            """).first() else { return nil }
        let config = try row.decode(column: "config", as: String.self)
        return ChannelStatus(
            channel: channel, sms: channel == .sms ? try? JSONDecoder().decode(SMSGateway.self, from: Data(config.utf8)) : nil,
            hasSecret: try row.decode(column: "secret", as: String?.self) != nil,
            paused: try row.decode(column: "paused", as: Int64.self) != 0, pauseReason: try row.decode(column: "pause_reason", as: String?.self),
            pausedAt: try row.decode(column: "paused_at", as: Int64?.self).map(Millis.date),
            updatedAt: Millis.date(try row.decode(column: "updated_at", as: Int64.self)), updatedBy: try row.decode(column: "updated_by", as: String.self))
    }

    /// The SMS gateway and its token, for sending.
    func smsForSending() async throws -> (gateway: SMSGateway, token: String?, paused: Bool)? {
        guard let row = try await database.reader.raw("SELECT config, secret, paused FROM channel_settings WHERE channel = 'sms'").first(),
              let gateway = try? JSONDecoder().decode(SMSGateway.self, from: Data(try row.decode(column: "config", as: String.self).utf8)) else { return nil }
        var token: String?
        if let sealed = try row.decode(column: "secret", as: String?.self) {
            guard let box else { throw Problem(field: nil, description: "The SMS token is stored but TANDEM_SECRET_KEY is not set on this server") }
            token = try box.open(sealed)
        }
        return (gateway, token, try row.decode(column: "paused", as: Int64.self) != 0)
    }

    /// Stops sending on the channel (every server) until an admin resumes it. Audited as the system.
    public func pause(_ channel: Channel, reason: String, now: Date = Date()) async throws {
        try await database.transaction { db in
            let changed = try await db.raw("""
                UPDATE channel_settings SET paused = 1, pause_reason = \(bind: String(reason.prefix(500))), paused_at = \(bind: Millis.from(now))
                WHERE channel = \(bind: channel.rawValue) AND paused = 0 RETURNING channel
                """).first()
            if changed != nil {
                try await AuditStore.append(AuditEntry(action: "channel.pause", entityType: "channel", entityID: channel.rawValue, summary: "Paused: \(reason.prefix(300))"),
                                            by: AuditActor(userID: nil, label: "delivery", channel: .system), on: db)
            }
        }
    }

    /// True when the channel was paused.
    public func resume(_ channel: Channel, by actor: AuditActor) async throws -> Bool {
        try await database.transaction { db in
            guard try await db.raw("""
                UPDATE channel_settings SET paused = 0, pause_reason = NULL, paused_at = NULL
                WHERE channel = \(bind: channel.rawValue) AND paused = 1 RETURNING channel
                """).first() != nil else { return false }
            try await AuditStore.append(AuditEntry(action: "channel.resume", entityType: "channel", entityID: channel.rawValue, summary: "Resumed"), by: actor, on: db)
            return true
        }
    }

    /// Channels paused now, for the alert on delivery pages.
    public func paused() async throws -> [ChannelStatus] {
        var out: [ChannelStatus] = []
        for row in try await database.reader.raw("SELECT channel FROM channel_settings WHERE paused = 1 ORDER BY channel").all() {
            if let channel = Channel(rawValue: try row.decode(column: "channel", as: String.self)), let status = try await status(channel) { out.append(status) }
        }
        return out
    }
}
