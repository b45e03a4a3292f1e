public import Logging
public import TandemStore

/// Group commit for beacons: requests that arrive while a batch is being written wait and go
/// in the next batch together, so one transaction carries many beacons. Each request is answered
/// only after its events are committed, so an acknowledged beacon is never lost to a crash.
public actor EventIngestor {
    let writer: EngagementWriter
    let logger: Logger
    /// Events per transaction at most; the rest wait for the next one.
    let batchLimit: Int
    private var waiting: [(events: PreparedEvents, done: CheckedContinuation<Int, any Error>)] = []
    /// Batches being written now: one on SQLite (one writer), several on PostgreSQL.
    private var flushing = 0
    let flushers: Int
    /// Refused beacons and links by reason, written with the next batch.
    private var rejects: [String: Int64] = [:]

    public init(writer: EngagementWriter, batchLimit: Int = 4_000, logger: Logger = Logger(label: "tandem.engagement")) {
        self.writer = writer
        self.batchLimit = batchLimit
        flushers = writer.database.kind == .postgres ? 4 : 1
        self.logger = logger
    }

    /// Stores the events (those already seen are dropped). Each request looks up its people
    /// before it queues (in parallel with others), so a flush only writes.
    public nonisolated func submit(_ events: [EngagementEvent]) async throws -> Int {
        guard !events.isEmpty else { return 0 }
        let prepared = try await writer.prepare(events)
        guard !prepared.isEmpty else { return 0 }
        return try await enqueue(prepared)
    }

    private func enqueue(_ events: PreparedEvents) async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            waiting.append((events, continuation))
            startFlushing()
        }
    }

    /// Counts a refused beacon or link without waiting for the write.
    public func reject(_ reason: String) {
        rejects[reason, default: 0] += 1
        startFlushing()
    }

    private func startFlushing() {
        guard flushing < flushers else { return }
        flushing += 1
        Task { await self.flush() }
    }

    private func flush() async {
        while !waiting.isEmpty || !rejects.isEmpty {
            var batch: [(events: PreparedEvents, done: CheckedContinuation<Int, any Error>)] = []
            var size = 0
            while let next = waiting.first, batch.isEmpty || size + next.events.items.count <= batchLimit {
                batch.append(waiting.removeFirst())
                size += next.events.items.count
            }
            let refused = rejects
            rejects = [:]
            do {
                let prepared = PreparedEvents(items: batch.flatMap(\.events.items), unknownPeople: 0)
                let stored = prepared.isEmpty && refused.isEmpty ? 0 : try await writer.database.transaction { db in
                    try await EngagementRejects.add(refused, on: db)
                    return try await EngagementWriter.write(prepared, on: db)
                }
                // Per-request counts are not tracked inside a shared batch; each learns its
                // events were committed, and how many the batch stored in all.
                for request in batch { request.done.resume(returning: stored) }
            } catch {
                logger.error("engagement batch failed", metadata: ["error": "\(String(reflecting: error))", "events": "\(size)"])
                for request in batch { request.done.resume(throwing: error) }
            }
        }
        flushing -= 1
    }
}
