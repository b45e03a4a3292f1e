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
    private var waiting: [(events: [EngagementEvent], done: CheckedContinuation<Int, any Error>)] = []
    private var flushing = false
    /// Refused beacons and links by reason, written with the next batch.
    private var rejects: [String: Int64] = [:]

    public init(writer: EngagementWriter, batchLimit: Int = 4_000, logger: Logger = Logger(label: "tandem.engagement")) {
        self.writer = writer
        self.batchLimit = batchLimit
        self.logger = logger
    }

    /// Stores the events (those already seen are dropped); the number that were new.
    public func submit(_ events: [EngagementEvent]) async throws -> Int {
        guard !events.isEmpty else { return 0 }
        return try await withCheckedThrowingContinuation { continuation in
            waiting.append((events, continuation))
            if !flushing {
                flushing = true
                Task { await self.flush() }
            }
        }
    }

    /// Counts a refused beacon or link without waiting for the write.
    public func reject(_ reason: String) {
        rejects[reason, default: 0] += 1
        if !flushing {
            flushing = true
            Task { await self.flush() }
        }
    }

    private func flush() async {
        while !waiting.isEmpty || !rejects.isEmpty {
            var batch: [(events: [EngagementEvent], done: CheckedContinuation<Int, any Error>)] = []
            var size = 0
            while let next = waiting.first, batch.isEmpty || size + next.events.count <= batchLimit {
                batch.append(waiting.removeFirst())
                size += next.events.count
            }
            let refused = rejects
            rejects = [:]
            do {
                let prepared = try await writer.prepare(batch.flatMap(\.events))
                let stored = prepared.isEmpty && refused.isEmpty ? 0 : try await writer.database.transaction { db in
                    try await EngagementRejects.add(refused, on: db)
                    return try await EngagementWriter.write(prepared, on: db)
                }
                // Per-request counts are not tracked inside a shared batch; each learns its
                // events were committed, and how many the batch stored in all.
                for request in batch { request.done.resume(returning: stored) }
            } catch {
                logger.error("engagement batch failed", metadata: ["error": "\(error)", "events": "\(size)"])
                for request in batch { request.done.resume(throwing: error) }
            }
        }
        flushing = false
    }
}
