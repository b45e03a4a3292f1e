import Foundation
import Hummingbird
import TandemCore

/// `/scim/v2/Groups`: thin handlers over `SCIMGroups`, sharing SCIMRoutes' helpers.
struct SCIMGroupRoutes {
    let groups: SCIMGroups
    let baseURL: String

    func register(in table: RouteTable) {
        let base = SCIMRoutes.base + "/Groups"
        let resource = SCIMGroupSchema.resource
        table.scim(.get, base) { request, _ in
            let query = try SCIMListQuery.read({ SCIMRoutes.parameter(request, $0) }, resource: resource)
            let page = try await groups.list(query)
            return SCIMRoutes.reply(SCIMDiscovery.list(page.resources.map { SCIMProjection.apply($0, query, core: SCIMGroupSchema.coreID) },
                                                       total: page.total, startIndex: query.startIndex))
        }
        table.scim(.post, base) { request, context in
            let group = try await SCIMRoutes.translating { try await groups.create(try await SCIMRoutes.body(request, context), by: SCIMRoutes.actor(context)) }
            var response = SCIMRoutes.reply(groups.render(group), status: .created, etag: group.etag)
            response.headers[.location] = "\(baseURL)\(base)/\(group.id)"
            return response
        }
        table.scim(.get, base + "/{id}") { request, context in
            let group = try await groups.get(id: try SCIMRoutes.id(context))
            if let header = request.headers[.ifNoneMatch], SCIMETag.matches(header, group.etag) {
                return Response(status: .notModified, headers: [.eTag: group.etag])
            }
            let query = try SCIMListQuery.read({ SCIMRoutes.parameter(request, $0) }, resource: resource)
            return SCIMRoutes.reply(SCIMProjection.apply(groups.render(group), query, core: SCIMGroupSchema.coreID), etag: group.etag)
        }
        table.scim(.put, base + "/{id}") { request, context in
            let group = try await SCIMRoutes.translating {
                try await groups.replace(id: try SCIMRoutes.id(context), try await SCIMRoutes.body(request, context), ifMatch: request.headers[.ifMatch], by: SCIMRoutes.actor(context))
            }
            return SCIMRoutes.reply(groups.render(group), etag: group.etag)
        }
        table.scim(.patch, base + "/{id}") { request, context in
            let group = try await SCIMRoutes.translating {
                try await groups.patch(id: try SCIMRoutes.id(context), try await SCIMRoutes.body(request, context), ifMatch: request.headers[.ifMatch], by: SCIMRoutes.actor(context))
            }
            // RFC 7644 §3.5.2: 204 is allowed; the full group answers clients that want it.
            return SCIMRoutes.reply(groups.render(group), etag: group.etag)
        }
        table.scim(.delete, base + "/{id}") { request, context in
            try await groups.delete(id: try SCIMRoutes.id(context), ifMatch: request.headers[.ifMatch], by: SCIMRoutes.actor(context))
            return Response(status: .noContent)
        }
    }
}
