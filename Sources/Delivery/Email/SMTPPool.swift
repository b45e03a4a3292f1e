import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Up to `settings.connections` SMTP connections, reused across messages. A connection that
/// failed in any way is closed rather than reused; one idle for a minute or that has carried
/// `messagesPerConnection` messages is replaced.
actor SMTPPool {
    let settings: SMTPSettings
    private var tls: NIOSSLContext?
    private let group: any EventLoopGroup
    private var idle: [Lease] = []
    private var open = 0
    private var waiters: [CheckedContinuation<Lease?, Never>] = []
    static let idleLimit: TimeInterval = 60

    struct Lease: Sendable {
        let connection: SMTPConnection
        var uses: Int
        var lastUsed: Date
    }

    init(settings: SMTPSettings, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.settings = settings
        self.group = group
    }

    /// Sends one message on a pooled connection.
    func send(from: String, to: String, message: ByteBuffer) async throws -> SMTPReply {
        var lease = try await acquire()
        do {
            let reply = try await lease.connection.send(from: from, to: to, message: message)
            lease.uses += 1
            lease.lastUsed = Date()
            release(lease, reusable: true)
            return reply
        } catch let error as SMTPError {
            // A refused recipient or sender leaves the session usable (it was reset); anything else does not.
            if case .rejected(let stage, _, _) = error, stage == "the recipient" || stage == "the sender" {
                lease.uses += 1
                lease.lastUsed = Date()
                release(lease, reusable: true)
            } else {
                release(lease, reusable: false)
            }
            throw error
        } catch {
            release(lease, reusable: false)
            throw error
        }
    }

    var openConnections: Int { open }

    /// Closes every idle connection (QUIT); connections in use close when returned.
    func shutdown() async {
        let leases = idle
        idle = []
        open -= leases.count
        for lease in leases { await lease.connection.close() }
    }

    private func acquire() async throws -> Lease {
        while true {
            if var lease = idle.popLast() {
                if lease.connection.isActive, lease.uses < settings.messagesPerConnection, Date().timeIntervalSince(lease.lastUsed) < Self.idleLimit {
                    return lease
                }
                open -= 1
                let stale = lease.connection
                Task { await stale.close() }
                lease.uses = 0
                continue
            }
            if open < settings.connections {
                open += 1
                do {
                    if tls == nil && settings.security != .none { tls = try SMTPConnection.tlsContext(settings) }
                    let connection = try await SMTPConnection.open(settings, tls: tls, group: group)
                    return Lease(connection: connection, uses: 0, lastUsed: Date())
                } catch {
                    open -= 1
                    wakeOne(with: nil)
                    throw error
                }
            }
            if let handed = await withCheckedContinuation({ waiters.append($0) }) { return handed }
        }
    }

    private func release(_ lease: Lease, reusable: Bool) {
        guard reusable, lease.connection.isActive, lease.uses < settings.messagesPerConnection else {
            open -= 1
            let connection = lease.connection
            Task { await connection.close() }
            wakeOne(with: nil)
            return
        }
        if !waiters.isEmpty {
            waiters.removeFirst().resume(returning: lease)
        } else {
            idle.append(lease)
        }
    }

    /// A waiter given nil tries again, now that a slot is free.
    private func wakeOne(with lease: Lease?) {
        guard !waiters.isEmpty else { return }
        waiters.removeFirst().resume(returning: lease)
    }
}
