import Engagement
import Foundation
import Hummingbird
import NIOCore
import TandemCore
import TandemStore

/// Where engagement comes in: beacons from the feed page, the email tracking image and tracked
/// links. None needs a sign-in: each carries a signed token naming the post, person and channel.
/// Refused tokens are counted (engagement_rejects), never stored.
struct TrackingRoutes {
    let feature: AnalyticsFeature
    static let beaconTypes: [String: EventKind] = ["view": .viewed, "dwell": .read, "share": .shared]
    static let maximumEvents = 100

    func register(in table: RouteTable) {
        table.api(.post, "/api/v1/events", .anyone,
                  APIOperation(id: "postEvents", summary: "Engagement beacons from the feed page: views, dwell time and shares, each with its signed token (invalid tokens are ignored and counted; a retried beacon with the same id counts once)", tag: "Analytics",
                               requestBody: .object([Schema.Property("events", .array(.object([
                                   Schema.Property("token", .string(maxLength: 200)),
                                   Schema.Property("type", .enumeration(Self.beaconTypes.keys.sorted())),
                                   Schema.Property("id", .string(minLength: 8, maxLength: 64, pattern: "^[A-Za-z0-9_-]+$")),
                                   Schema.Property("dwell_ms", .integer(minimum: 0, maximum: 86_400_000), required: false),
                               ]), maxItems: Self.maximumEvents, minItems: 1))]),
                               success: (202, .object([Schema.Property("accepted", .integer(minimum: 0)), Schema.Property("refused", .integer(minimum: 0))]), "application/json"),
                               errors: [400, 413, 415, 422]), fields: .handler) { request, context in
            let input = try await request.json(BeaconBatch.self, context: context)
            guard !input.events.isEmpty, input.events.count <= Self.maximumEvents else {
                throw AppError.invalid("events", "Send 1 to \(Self.maximumEvents) events per beacon.")
            }
            let now = Date()
            var events: [EngagementEvent] = []
            var refused = 0
            for beacon in input.events {
                switch try await feature.engagement.tokens.verifyEvent(beacon.token, now: now) {
                case .failure(let refusal):
                    refused += 1
                    await feature.engagement.ingestor.reject(refusal.rawValue)
                case .success(let subject):
                    guard let event = Self.event(beacon.type, id: beacon.id, dwell: beacon.dwellMs, subject: subject, now: now) else {
                        refused += 1
                        await feature.engagement.ingestor.reject("malformed beacon")
                        continue
                    }
                    events.append(event)
                }
            }
            _ = try await feature.engagement.ingestor.submit(events)
            struct Out: Encodable { let accepted: Int; let refused: Int }
            return try Reply.json(Out(accepted: events.count, refused: refused), status: .accepted)
        }

        // The tracking image in emails. It answers the same image whatever the token, so it
        // tells nobody whether a token is good.
        table.page(.get, "/t/o/{token}", .anyone) { _, context in
            let token = context.parameters.get("token") ?? ""
            let now = Date()
            switch try await feature.engagement.tokens.verifyEvent(String(token.prefix(200)), now: now) {
            case .success(let subject):
                _ = try await feature.engagement.ingestor.submit([EngagementEvent(
                    postID: subject.postID, employeeID: subject.employeeID, channel: subject.channel, kind: .opened, occurredAt: Millis.from(now),
                    dedupe: "op.\(subject.postID).\(subject.employeeID).\(UUID().uuidString)")])
            case .failure(let refusal):
                await feature.engagement.ingestor.reject(refusal.rawValue)
            }
            return Response(status: .ok, headers: [.contentType: "image/gif", .cacheControl: "no-store, private"], body: .init(byteBuffer: ByteBuffer(bytes: Self.pixel)))
        }

        // Tracked links: the target is part of the signature and must be on the allow-list, so
        // this is never an open redirect.
        table.page(.get, "/t/c/{token}", .anyone) { request, context in
            let token = String((context.parameters.get("token") ?? "").prefix(200))
            guard let target = request.uri.queryParameters["u"].map(String.init), !target.isEmpty else {
                throw AppError(.badRequest, code: "missing_target", message: "This link has no destination. Open the post in your feed instead.")
            }
            guard feature.links.allows(target) else {
                await feature.engagement.ingestor.reject("link host not allowed")
                throw AppError(.badRequest, code: "link_not_allowed", message: "This link points to a site Tandem does not redirect to. Open the post in your feed instead.")
            }
            let now = Date()
            switch try await feature.engagement.tokens.verifyClick(token, url: target, now: now) {
            case .success(let subject):
                _ = try await feature.engagement.ingestor.submit([EngagementEvent(
                    postID: subject.postID, employeeID: subject.employeeID, channel: subject.channel, kind: .clicked, occurredAt: Millis.from(now),
                    dedupe: "cl.\(subject.postID).\(subject.employeeID).\(UUID().uuidString)")])
            case .failure(.expired):
                // A real link, only old: the person still gets where it goes, uncounted.
                await feature.engagement.ingestor.reject(TrackingTokens.Refusal.expired.rawValue)
            case .failure(let refusal):
                await feature.engagement.ingestor.reject(refusal.rawValue)
                throw AppError(.badRequest, code: "link_invalid", message: "This link was changed or is not a Tandem link. Open the post in your feed instead.")
            }
            return Response(status: .found, headers: [.location: target, .cacheControl: "no-store"])
        }
    }

    /// A feed page's beacon body, decoded in one pass that also refuses unknown fields (the
    /// edge check would parse every beacon a second time).
    struct BeaconBatch: Decodable {
        struct Beacon: Decodable {
            let token: String, type: String, id: String, dwellMs: Int64?
            private enum CodingKeys: String, CodingKey { case token, type, id, dwellMs }

            init(from decoder: any Decoder) throws {
                try StrictKeys.check(decoder, known: ["token", "type", "id", "dwellMs"])
                let container = try decoder.container(keyedBy: CodingKeys.self)
                token = try container.decode(String.self, forKey: .token)
                type = try container.decode(String.self, forKey: .type)
                id = try container.decode(String.self, forKey: .id)
                dwellMs = try container.decodeIfPresent(Int64.self, forKey: .dwellMs)
            }
        }
        let events: [Beacon]
        private enum CodingKeys: String, CodingKey { case events }

        init(from decoder: any Decoder) throws {
            try StrictKeys.check(decoder, known: ["events"])
            events = try decoder.container(keyedBy: CodingKeys.self).decode([Beacon].self, forKey: .events)
        }
    }

    static func event(_ type: String, id: String, dwell: Int64?, subject: TrackingTokens.Subject, now: Date) -> EngagementEvent? {
        guard let base = beaconTypes[type], (8...64).contains(id.count),
              id.utf8.allSatisfy({ (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) || $0 == 45 || $0 == 95 }) else { return nil }
        var kind = base
        if type == "dwell" {
            guard let dwell, (0...86_400_000).contains(dwell) else { return nil }
            kind = EventKind.dwell(milliseconds: dwell)
        }
        return EngagementEvent(postID: subject.postID, employeeID: subject.employeeID, channel: subject.channel, kind: kind, occurredAt: Millis.from(now),
                               dwellMilliseconds: type == "dwell" ? dwell : nil, dedupe: "b.\(subject.postID).\(subject.employeeID).\(subject.channel.rawValue).\(type).\(id)")
    }

    /// A transparent 1×1 GIF.
    static let pixel: [UInt8] = [
        0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x21, 0xF9, 0x04, 0x01, 0x00,
        0x00, 0x00, 0x00, 0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B,
    ]
}
