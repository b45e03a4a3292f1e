import Foundation

/// A token bucket: `rate` tokens a second, at most `capacity` saved up. Pure arithmetic over the
/// times it is given, so it is tested without waiting.
public struct TokenBucket: Sendable, Equatable {
    public let rate: Double
    public let capacity: Double
    private(set) var tokens: Double
    private(set) var updated: TimeInterval

    public init(rate: Double, capacity: Int, now: TimeInterval) {
        self.rate = rate
        self.capacity = Double(max(1, capacity))
        tokens = self.capacity
        updated = now
    }

    /// Takes a token; returns how long to wait before using it (0 when one was there).
    public mutating func take(now: TimeInterval) -> TimeInterval {
        tokens = min(capacity, tokens + max(0, now - updated) * rate)
        updated = max(updated, now)
        tokens -= 1
        return tokens >= 0 ? 0 : -tokens / rate
    }
}

/// One adapter's pacing on this server: the token bucket, a hold after a 429 (Retry-After), and
/// the count of failures in a row that pauses the channel.
actor ChannelPacer {
    private var bucket: TokenBucket?
    private(set) var holdUntil: Date?
    private var failuresInARow = 0

    /// Waits for a token at `rate`/s with `burst` saved up (the bucket is remade when they change).
    func acquire(rate: Double, burst: Int) async throws {
        let now = Date().timeIntervalSinceReferenceDate
        if bucket == nil || bucket?.rate != rate || bucket?.capacity != Double(burst) {
            bucket = TokenBucket(rate: rate, capacity: burst, now: now)
        }
        let wait = bucket!.take(now: now)
        if wait > 0 { try await Task.sleep(for: .milliseconds(Int((wait * 1_000).rounded(.up)))) }
    }

    /// After a 429: nothing is claimed for this channel until `until`.
    func hold(until: Date) {
        if holdUntil.map({ until > $0 }) ?? true { holdUntil = until }
    }

    func isHeld(now: Date = Date()) -> Bool {
        guard let holdUntil else { return false }
        if holdUntil <= now {
            self.holdUntil = nil
            return false
        }
        return true
    }

    /// Counts a failure of the channel itself; true when `limit` were reached in a row.
    func failed(limit: Int) -> Bool {
        failuresInARow += 1
        return failuresInARow >= limit
    }

    func succeeded() { failuresInARow = 0 }
}
