import Foundation
import Hummingbird
import TandemCore
import TandemStore
import TandemUI

/// Health, readiness, metrics, the OpenAPI document and static assets.
struct OpsRoutes {
    let database: Database
    let migrator: Migrator
    let benchRoutes: Bool

    func register(in table: RouteTable, openAPI: @escaping @Sendable () -> String) {
        table.ops(.get, "/healthz", .anyone) { _, _ in
            Reply.text("{\"status\":\"ok\"}", contentType: "application/json")
        }

        table.ops(.get, "/readyz", .anyone) { _, context in
            do {
                try await database.ping()
                let pending = try await migrator.pendingCount(database)
                guard pending == 0 else {
                    return Reply.text("{\"status\":\"migrations_pending\",\"pending\":\(pending)}", status: .serviceUnavailable, contentType: "application/json")
                }
                return Reply.text("{\"status\":\"ready\",\"database\":\"\(database.kind.rawValue)\"}", contentType: "application/json")
            } catch {
                context.logger.warning("not ready", metadata: ["error": "\(error)"])
                return Reply.text("{\"status\":\"database_unavailable\"}", status: .serviceUnavailable, contentType: "application/json")
            }
        }

        table.ops(.get, "/metrics", .anyone) { _, _ in
            TandemMetrics.writeQueue.set(Int64(database.writeQueueDepth))
            TandemMetrics.connections.set(Int64(database.connectionCount))
            return Reply.text(TandemMetrics.registry.emitToString(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }

        table.ops(.get, "/api/openapi.json", .anyone) { _, _ in
            Reply.text(openAPI(), contentType: "application/json")
        }

        table.ops(.get, "/static/tandem.css", .anyone) { _, _ in
            var response = Reply.text(Assets.css, contentType: "text/css; charset=utf-8")
            response.headers[.cacheControl] = "public, max-age=3600"
            return response
        }

        table.ops(.get, "/static/tandem.js", .anyone) { _, _ in
            var response = Reply.text(Assets.javascript, contentType: "text/javascript; charset=utf-8")
            response.headers[.cacheControl] = "public, max-age=3600"
            return response
        }

        if benchRoutes {
            // The baseline of bench/http.sh: the least a Hummingbird route can do in this binary.
            table.ops(.get, "/_hello", .anyone) { _, _ in Reply.text("Hello, world!") }
        }
    }
}
