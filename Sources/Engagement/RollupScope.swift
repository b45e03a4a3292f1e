/// What rollups are kept for: each post, and each campaign, whose people are counted once
/// across all its posts. Both have the same tables under different names.
public enum RollupScope: String, Sendable, CaseIterable {
    case post, campaign

    /// Table and column names: constants, never user input.
    public var key: String { self == .post ? "post_id" : "campaign_id" }
    public var people: String { self == .post ? "engagement_people" : "campaign_people" }
    public var rollups: String { self == .post ? "engagement_rollups" : "campaign_rollups" }
    public var hourly: String { self == .post ? "engagement_hourly" : "campaign_hourly" }
}
