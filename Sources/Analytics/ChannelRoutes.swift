import Engagement
import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// The channel effectiveness matrix and the best-performing posts with their send times:
/// pages with filter forms, CSV, and the same in JSON.
struct ChannelRoutes {
    let feature: AnalyticsFeature

    static let dimensions = SegmentDimension.allCases.filter { $0 != .all }

    static func dimension(_ raw: String?) throws -> SegmentDimension {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return .country }
        guard let dimension = SegmentDimension(rawValue: raw), dimension != .all else {
            throw AppError.invalid("dimension", "Unknown breakdown \"\(raw.prefix(40))\". Use one of: \(dimensions.map(\.rawValue).joined(separator: ", ")).")
        }
        return dimension
    }

    static func metric(_ raw: String?) throws -> RankMetric {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return .read }
        guard let metric = RankMetric(rawValue: raw) else {
            throw AppError.invalid("by", "Unknown ranking \"\(raw.prefix(40))\". Use one of: \(RankMetric.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return metric
    }

    static func limit(_ raw: String?) throws -> Int {
        guard let raw, !raw.isEmpty else { return 20 }
        guard let value = Int(raw), (1...200).contains(value) else { throw AppError.invalid("limit", "The limit must be a whole number from 1 to 200.") }
        return value
    }

    func register(in table: RouteTable) {
        table.page(.get, "/analytics/channels", AnalyticsFeature.readers) { request, context in
            let dimensionText = request.query("dimension") ?? "country"
            do {
                let dimension = try Self.dimension(request.query("dimension"))
                let period = try AnalyticsPeriod.parse(from: request.query("from"), to: request.query("to"))
                try await feature.engagement.rollUp()
                let matrix = try await feature.matrix.matrix(dimension, period: period, suppression: feature.suppression)
                return Pages.render(request, context, title: "Channel effectiveness") { _ in ChannelPages.matrix(matrix) }
            } catch let error as AppError {
                return Pages.render(request, context, title: "Channel effectiveness", status: error.status) { _ in
                    ChannelPages.matrixForm(dimension: dimensionText, from: request.query("from") ?? "", to: request.query("to") ?? "", error: error.message)
                }
            }
        }

        table.page(.get, "/analytics/channels.csv", AnalyticsFeature.readers) { request, _ in
            let dimension = try Self.dimension(request.query("dimension"))
            let period = try AnalyticsPeriod.parse(from: request.query("from"), to: request.query("to"))
            try await feature.engagement.rollUp()
            let matrix = try await feature.matrix.matrix(dimension, period: period, suppression: feature.suppression)
            return Reply.download(ChannelPages.csv(matrix), filename: "tandem-channels-\(dimension.rawValue)-\(period.from)-\(period.to).csv", contentType: "text/csv; charset=utf-8")
        }

        table.page(.get, "/analytics/best", AnalyticsFeature.readers) { request, context in
            do {
                let metric = try Self.metric(request.query("by"))
                let period = try AnalyticsPeriod.parse(from: request.query("from"), to: request.query("to"))
                try await feature.engagement.rollUp()
                let posts = try await feature.best.posts(in: period, threshold: feature.suppression.threshold)
                let ranked = Array(BestPostsStore.rank(posts, by: metric).prefix(20))
                let times = BestPostsStore.sendTimes(posts)
                return Pages.render(request, context, title: "Best-performing posts") { _ in
                    ChannelPages.best(ranked, times: times, metric: metric, period: period, threshold: feature.suppression.threshold)
                }
            } catch let error as AppError {
                return Pages.render(request, context, title: "Best-performing posts", status: error.status) { _ in
                    ChannelPages.bestForm(metric: request.query("by") ?? "read", from: request.query("from") ?? "", to: request.query("to") ?? "", error: error.message)
                }
            }
        }

        table.page(.get, "/analytics/best.csv", AnalyticsFeature.readers) { request, _ in
            let metric = try Self.metric(request.query("by"))
            let period = try AnalyticsPeriod.parse(from: request.query("from"), to: request.query("to"))
            try await feature.engagement.rollUp()
            let ranked = try await feature.best.ranked(in: period, by: metric, threshold: feature.suppression.threshold, limit: 200)
            return Reply.download(ChannelPages.bestCSV(ranked), filename: "tandem-best-posts-\(metric.rawValue)-\(period.from)-\(period.to).csv", contentType: "text/csv; charset=utf-8")
        }

        let periodParameters = [
            APIParameter("from", in: .query, .string(format: "date"), description: "First day (YYYY-MM-DD, UTC) of the period; posts published in it count. With `to`; neither means the last 90 days."),
            APIParameter("to", in: .query, .string(format: "date"), description: "Last day (YYYY-MM-DD, UTC), at most two years after `from`."),
        ]
        let cell = Schema.object([
            Schema.Property("suppressed", .boolean), Schema.Property("recipients", .nullable(.integer(minimum: 0)), required: false),
            Schema.Property("reached", .nullable(.integer(minimum: 0)), required: false), Schema.Property("read", .nullable(.integer(minimum: 0)), required: false),
            Schema.Property("reach_rate", .nullable(.number), required: false), Schema.Property("read_rate", .nullable(.number), required: false),
        ])
        table.api(.get, "/api/v1/analytics/channels", AnalyticsFeature.readers,
                  APIOperation(id: "getChannelMatrix", summary: "Channel effectiveness: per breakdown value and channel, person-posts delivered, reached and read over the posts published in a period (small groups are null)", tag: "Analytics",
                               parameters: [APIParameter("dimension", in: .query, .enumeration(Self.dimensions.map(\.rawValue)), description: "The breakdown (default country).")] + periodParameters,
                               success: APIOperation.ok(.object([
                                   Schema.Property("dimension", .text), Schema.Property("from", .string(format: "date")), Schema.Property("to", .string(format: "date")),
                                   Schema.Property("posts", .integer(minimum: 0)), Schema.Property("privacy_threshold", .integer(minimum: 3)),
                                   Schema.Property("channels", .array(.text)),
                                   Schema.Property("rows", .array(.object([Schema.Property("value", .text), Schema.Property("cells", .map(cell))]))),
                               ])), errors: [400, 422])) { request, _ in
            let dimension = try Self.dimension(request.query("dimension"))
            let period = try AnalyticsPeriod.parse(from: request.query("from"), to: request.query("to"))
            try await feature.engagement.rollUp()
            let matrix = try await feature.matrix.matrix(dimension, period: period, suppression: feature.suppression)
            return try Reply.json(ChannelPages.json(matrix))
        }

        let ranked = Schema.object([
            Schema.Property("post_id", .id), Schema.Property("title", .text), Schema.Property("published_at", .nullable(.dateTime), required: false),
            Schema.Property("recipients", .integer(minimum: 0)), Schema.Property("reached", .integer(minimum: 0)), Schema.Property("read", .integer(minimum: 0)),
            Schema.Property("acknowledged", .integer(minimum: 0)), Schema.Property("requires_acknowledgement", .boolean),
            Schema.Property("rate", .number), Schema.Property("score", .number), Schema.Property("topics", .array(.text)), Schema.Property("words", .integer(minimum: 0)),
            Schema.Property("channels", .array(.text)), Schema.Property("languages", .array(.text)), Schema.Property("send_hour", .integer(minimum: 0)),
            Schema.Property("send_weekday", .text),
        ])
        table.api(.get, "/api/v1/analytics/best-posts", AnalyticsFeature.readers,
                  APIOperation(id: "listBestPosts", summary: "Posts published in a period ranked by read, acknowledgement or reach rate, adjusted for audience size (lower 95% Wilson bound), with their topic, length, channels, languages and send time; posts to fewer people than the privacy threshold are left out", tag: "Analytics",
                               parameters: [APIParameter("by", in: .query, .enumeration(RankMetric.allCases.map(\.rawValue)), description: "The rate to rank by (default read)."),
                                            APIParameter("limit", in: .query, .integer(minimum: 1, maximum: 200), description: "How many (default 20).")] + periodParameters,
                               success: APIOperation.ok(.object([Schema.Property("data", .array(ranked))])), errors: [400, 422])) { request, _ in
            let metric = try Self.metric(request.query("by"))
            let limit = try Self.limit(request.query("limit"))
            let period = try AnalyticsPeriod.parse(from: request.query("from"), to: request.query("to"))
            try await feature.engagement.rollUp()
            struct Out: Encodable { let data: [RankedPost] }
            return try Reply.json(Out(data: try await feature.best.ranked(in: period, by: metric, threshold: feature.suppression.threshold, limit: limit)))
        }

        let bucket = Schema.object([Schema.Property("label", .text), Schema.Property("posts", .integer(minimum: 0)), Schema.Property("recipients", .integer(minimum: 0)),
                                    Schema.Property("read", .integer(minimum: 0)), Schema.Property("read_rate", .nullable(.number), required: false)])
        table.api(.get, "/api/v1/analytics/send-times", AnalyticsFeature.readers,
                  APIOperation(id: "getSendTimes", summary: "Read rate by the local hour and weekday posts went out, over the posts published in a period", tag: "Analytics",
                               parameters: periodParameters,
                               success: APIOperation.ok(.object([Schema.Property("hours", .array(bucket)), Schema.Property("weekdays", .array(bucket))])),
                               errors: [400, 422])) { request, _ in
            let period = try AnalyticsPeriod.parse(from: request.query("from"), to: request.query("to"))
            try await feature.engagement.rollUp()
            let times = try await feature.best.sendTimes(in: period, threshold: feature.suppression.threshold)
            return try Reply.json(ChannelPages.json(times))
        }
    }
}

/// What the command line needs from the pages' exports.
public enum ChannelMatrixCLI {
    public static func dimension(_ raw: String) throws -> SegmentDimension { try ChannelRoutes.dimension(raw) }
    public static func csv(_ matrix: ChannelMatrix) -> String { ChannelPages.csv(matrix) }
    public static func scorecards(_ cards: [Scorecard]) -> String { KPIPages.scorecardCSV(cards) }
}
