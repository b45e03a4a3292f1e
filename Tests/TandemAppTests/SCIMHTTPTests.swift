import Audit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import People
import SCIM
import TandemApp
import TandemCore
import TandemStore
import TandemTesting
import Testing

extension TandemServices {
    func scimToken(_ name: String = "idp") async throws -> String {
        try await scim.tokens.create(name: name, by: AuditActor(userID: nil, label: "test", channel: .cli)).secret
    }
}

/// A SCIM client: bearer token, SCIM content type, JSON in and out.
struct SCIMClient {
    let client: any TestClientProtocol
    let token: String

    @discardableResult
    func send(_ method: HTTPRequest.Method, _ path: String, _ body: String? = nil, headers extra: HTTPFields = [:]) async throws -> (status: Int, json: [String: Any], headers: HTTPFields) {
        var headers = extra
        headers[.authorization] = "Bearer \(token)"
        if body != nil, headers[.contentType] == nil { headers[.contentType] = "application/scim+json" }
        let response = try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        let object = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
        return (Int(response.status.code), object, response.headers)
    }
}

func scimUser(_ userName: String, given: String = "Ada", family: String = "Lovelace", number: String? = nil, extra: String = "") -> String {
    let enterprise = number.map { #","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"\#($0)"}"# } ?? ""
    return #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"\#(userName)","name":{"givenName":"\#(given)","familyName":"\#(family)"}\#(enterprise)\#(extra)}"#
}

let patchSchema = #""schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]"#

@Suite("SCIM over HTTP")
struct SCIMHTTPTests {
    @Test("discovery documents describe exactly what is supported", arguments: TestDatabase.kinds)
    func discovery(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let scim = SCIMClient(client: client, token: try await services.scimToken())
            let config = try await scim.send(.get, "/scim/v2/ServiceProviderConfig")
            #expect(config.status == 200)
            #expect((config.json["patch"] as? [String: Any])?["supported"] as? Bool == true)
            #expect((config.json["bulk"] as? [String: Any])?["supported"] as? Bool == false)
            #expect((config.json["filter"] as? [String: Any])?["maxResults"] as? Int == SCIMListQuery.maxResults)
            #expect((config.json["sort"] as? [String: Any])?["supported"] as? Bool == true)
            #expect((config.json["etag"] as? [String: Any])?["supported"] as? Bool == true)
            #expect((config.json["changePassword"] as? [String: Any])?["supported"] as? Bool == false)
            #expect(((config.json["authenticationSchemes"] as? [[String: Any]])?.first)?["type"] as? String == "oauthbearertoken")
            #expect(config.headers[.contentType] == "application/scim+json")
            let types = try await scim.send(.get, "/scim/v2/ResourceTypes")
            #expect(types.json["totalResults"] as? Int == 2)
            #expect(try await scim.send(.get, "/scim/v2/ResourceTypes/User").json["endpoint"] as? String == "/Users")
            #expect(try await scim.send(.get, "/scim/v2/ResourceTypes/Group").json["endpoint"] as? String == "/Groups")
            #expect(try await scim.send(.get, "/scim/v2/ResourceTypes/Device").status == 404)
            let schemas = try await scim.send(.get, "/scim/v2/Schemas")
            #expect((schemas.json["Resources"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [SCIMUserSchema.coreID, SCIMUserSchema.enterpriseID, SCIMGroupSchema.coreID])
            let group = try await scim.send(.get, "/scim/v2/Schemas/\(SCIMGroupSchema.coreID)")
            #expect((group.json["attributes"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["displayName", "members"])
            let user = try await scim.send(.get, "/scim/v2/Schemas/\(SCIMUserSchema.coreID)")
            let names = (user.json["attributes"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
            #expect(names.contains("userName") && names.contains("emails") && !names.contains("password") && !names.contains("groups"))
            #expect(try await scim.send(.get, "/scim/v2/Schemas/urn:nope").status == 404)
        }
    }

    @Test("create, read with ETag, replace, patch and delete", arguments: TestDatabase.kinds)
    func crud(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let scim = SCIMClient(client: client, token: try await services.scimToken())
            let created = try await scim.send(.post, "/scim/v2/Users", scimUser("ada@example.com", number: "E-1"))
            #expect(created.status == 201)
            let id = try #require(created.json["id"] as? String)
            #expect(created.headers[.location]?.hasSuffix("/scim/v2/Users/\(id)") == true)
            #expect(created.headers[.eTag] == "W/\"1\"")
            #expect((created.json["meta"] as? [String: Any])?["version"] as? String == "W/\"1\"")
            #expect(created.json["active"] as? Bool == true)

            let read = try await scim.send(.get, "/scim/v2/Users/\(id)")
            #expect(read.status == 200 && read.json["userName"] as? String == "ada@example.com")
            #expect(try await scim.send(.get, "/scim/v2/Users/\(id)", headers: [.ifNoneMatch: "W/\"1\""]).status == 304)

            let replaced = try await scim.send(.put, "/scim/v2/Users/\(id)", scimUser("ada@example.com", family: "King", number: "E-1"), headers: [.ifMatch: "W/\"1\""])
            #expect(replaced.status == 200 && replaced.headers[.eTag] == "W/\"2\"")
            #expect((replaced.json["name"] as? [String: Any])?["familyName"] as? String == "King")
            #expect(try await scim.send(.put, "/scim/v2/Users/\(id)", scimUser("ada@example.com"), headers: [.ifMatch: "W/\"1\""]).status == 412)

            let patched = try await scim.send(.patch, "/scim/v2/Users/\(id)", #"{\#(patchSchema),"Operations":[{"op":"replace","path":"title","value":"Countess"}]}"#)
            #expect(patched.status == 200 && patched.json["title"] as? String == "Countess" && patched.headers[.eTag] == "W/\"3\"")
            #expect(try await scim.send(.patch, "/scim/v2/Users/\(id)", #"{\#(patchSchema),"Operations":[{"op":"replace","path":"title","value":"X"}]}"#, headers: [.ifMatch: "W/\"2\""]).status == 412)

            #expect(try await scim.send(.delete, "/scim/v2/Users/\(id)", headers: [.ifMatch: "W/\"1\""]).status == 412)
            #expect(try await scim.send(.delete, "/scim/v2/Users/\(id)").status == 204)
            #expect(try await scim.send(.get, "/scim/v2/Users/\(id)").status == 404)
            #expect(try await scim.send(.delete, "/scim/v2/Users/\(id)").status == 404)
            let leaver = try #require(try await services.people.employees.find(employeeID: "E-1", includeSensitive: false))
            #expect(leaver.status(on: EmployeeRules.today()) == .leaver)

            // Re-provisioning the same HRIS id links the kept record again.
            let again = try await scim.send(.post, "/scim/v2/Users", scimUser("ada@example.com", number: "E-1", extra: #","active":true"#))
            #expect(again.status == 201 && again.json["active"] as? Bool == true)
            #expect(try await services.people.employees.count() == 1)
        }
    }

    @Test("Okta sequence: look up by userName, create, deactivate, reactivate", arguments: TestDatabase.kinds)
    func okta(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let scim = SCIMClient(client: client, token: try await services.scimToken("Okta"))
            let lookup = try await scim.send(.get, "/scim/v2/Users?filter=userName%20eq%20%22ada.lovelace%40example.com%22&startIndex=1&count=100", headers: [.contentType: "application/json"])
            #expect(lookup.status == 200 && lookup.json["totalResults"] as? Int == 0 && (lookup.json["Resources"] as? [Any])?.isEmpty == true)
            let created = try await scim.send(.post, "/scim/v2/Users", """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada.lovelace@example.com",
                 "name":{"givenName":"Ada","familyName":"Lovelace"},"emails":[{"primary":true,"value":"ada.lovelace@example.com","type":"work"}],
                 "displayName":"Ada Lovelace","locale":"en-US","externalId":"00u1abc","groups":[],"active":true}
                """, headers: [.contentType: "application/json; charset=utf-8"])
            #expect(created.status == 201)
            let id = try #require(created.json["id"] as? String)
            let found = try await scim.send(.get, "/scim/v2/Users?filter=userName%20eq%20%22ADA.LOVELACE%40example.com%22")
            #expect(found.json["totalResults"] as? Int == 1)
            #expect(((found.json["Resources"] as? [[String: Any]])?.first)?["id"] as? String == id)
            let off = try await scim.send(.patch, "/scim/v2/Users/\(id)", #"{\#(patchSchema),"Operations":[{"op":"replace","value":{"active":false}}]}"#)
            #expect(off.status == 200 && off.json["active"] as? Bool == false)
            let on = try await scim.send(.put, "/scim/v2/Users/\(id)", """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"\(id)","userName":"ada.lovelace@example.com",
                 "name":{"givenName":"Ada","familyName":"Lovelace"},"emails":[{"primary":true,"value":"ada.lovelace@example.com","type":"work"}],
                 "active":true,"groups":[],"meta":{"resourceType":"User"}}
                """)
            #expect(on.status == 200 && on.json["active"] as? Bool == true)
            let audit = try await services.audit.store.search(AuditQuery(entityType: "employee"))
            #expect(audit.items.allSatisfy { $0.channel == "scim" && $0.actor == "scim:Okta" } && audit.items.count == 3)
        }
    }

    @Test("Entra ID sequence: filter by userName, create with enterprise data, PATCH with Replace and no path", arguments: TestDatabase.kinds)
    func entra(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let scim = SCIMClient(client: client, token: try await services.scimToken("Entra"))
            #expect(try await scim.send(.get, "/scim/v2/Users?filter=userName+eq+%22manager%40contoso.com%22").json["totalResults"] as? Int == 0)
            let manager = try await scim.send(.post, "/scim/v2/Users", scimUser("manager@contoso.com", given: "Mia", family: "Manager", number: "M1"))
            let managerID = try #require(manager.json["id"] as? String)
            let created = try await scim.send(.post, "/scim/v2/Users", """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
                 "externalId":"alice","userName":"Alice@contoso.com","active":true,"displayName":"Alice Smith",
                 "emails":[{"primary":true,"type":"work","value":"alice@contoso.com"}],"name":{"familyName":"Smith","givenName":"Alice"},
                 "title":"Engineer","preferredLanguage":"en-US","addresses":[{"type":"work","country":"US","locality":"Redmond","region":"WA"}],
                 "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"701984","department":"Platform","manager":{"value":"\(managerID)"}}}
                """)
            #expect(created.status == 201)
            let id = try #require(created.json["id"] as? String)
            let enterprise = try #require(created.json[SCIMUserSchema.enterpriseID] as? [String: Any])
            #expect((enterprise["manager"] as? [String: Any])?["value"] as? String == managerID)
            #expect((enterprise["manager"] as? [String: Any])?["displayName"] as? String == "Mia Manager")
            let patched = try await scim.send(.patch, "/scim/v2/Users/\(id)", """
                {\(patchSchema),"Operations":[
                  {"op":"Replace","path":"emails[type eq \\"work\\"].value","value":"alice.smith@contoso.com"},
                  {"op":"Replace","value":{"displayName":"Alice S.","title":"Staff Engineer"}},
                  {"op":"Replace","path":"active","value":"False"},
                  {"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":"Core"}]}
                """)
            #expect(patched.status == 200)
            #expect(patched.json["active"] as? Bool == false && patched.json["title"] as? String == "Staff Engineer")
            #expect((patched.json["emails"] as? [[String: Any]])?.first?["value"] as? String == "alice.smith@contoso.com")
            let employee = try #require(try await services.people.employees.find(employeeID: "701984", includeSensitive: false))
            #expect(employee.managerId == "M1" && employee.department == "Core" && employee.site == "Redmond")
            let byManager = try await scim.send(.get, "/scim/v2/Users?filter=urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value%20eq%20%22\(managerID)%22")
            #expect(byManager.json["totalResults"] as? Int == 1)
        }
    }

    @Test("list: pagination, sorting, attributes, .search and count limits", arguments: TestDatabase.kinds)
    func listing(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let scim = SCIMClient(client: client, token: try await services.scimToken())
            for (index, name) in ["Cy", "ada", "Bob", "Dee", "Eve"].enumerated() {
                #expect(try await scim.send(.post, "/scim/v2/Users", scimUser("\(name.lowercased())@x.io", given: name, family: "F\(index)")).status == 201)
            }
            let page = try await scim.send(.get, "/scim/v2/Users?sortBy=name.givenName&sortOrder=descending&startIndex=2&count=2")
            #expect(page.json["totalResults"] as? Int == 5 && page.json["startIndex"] as? Int == 2 && page.json["itemsPerPage"] as? Int == 2)
            #expect((page.json["Resources"] as? [[String: Any]])?.compactMap { $0["userName"] as? String } == ["dee@x.io", "cy@x.io"])
            let all = try await scim.send(.get, "/scim/v2/Users?sortBy=userName")
            #expect((all.json["Resources"] as? [[String: Any]])?.compactMap { $0["userName"] as? String } == ["ada@x.io", "bob@x.io", "cy@x.io", "dee@x.io", "eve@x.io"])
            let slim = try await scim.send(.get, "/scim/v2/Users?attributes=userName,name.givenName&count=1")
            let first = try #require((slim.json["Resources"] as? [[String: Any]])?.first)
            #expect(Set(first.keys) == ["schemas", "id", "userName", "name"] && (first["name"] as? [String: Any])?.keys.sorted() == ["givenName"])
            let lean = try await scim.send(.get, "/scim/v2/Users?excludedAttributes=meta,emails,\(SCIMUserSchema.enterpriseID)&count=1")
            let leanFirst = try #require((lean.json["Resources"] as? [[String: Any]])?.first)
            #expect(leanFirst["meta"] == nil && leanFirst[SCIMUserSchema.enterpriseID] == nil && leanFirst["userName"] != nil)
            let counted = try await scim.send(.get, "/scim/v2/Users?count=0")
            #expect(counted.json["totalResults"] as? Int == 5 && counted.json["itemsPerPage"] as? Int == 0)
            let capped = try await scim.send(.get, "/scim/v2/Users?count=100000")
            #expect(capped.status == 200 && capped.json["itemsPerPage"] as? Int == 5)
            let search = try await scim.send(.post, "/scim/v2/Users/.search", #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"name.givenName sw \"d\" or name.givenName eq \"EVE\"","sortBy":"userName","count":10,"attributes":["userName"]}"#)
            #expect(search.status == 200)
            #expect((search.json["Resources"] as? [[String: Any]])?.compactMap { $0["userName"] as? String } == ["dee@x.io", "eve@x.io"])
            let memory = try await scim.send(.get, "/scim/v2/Users?filter=emails%5Btype%20eq%20%22work%22%20and%20primary%20eq%20true%5D%20and%20userName%20sw%20%22a%22")
            #expect(memory.json["totalResults"] as? Int == 0, "no user here has an email")
        }
    }

    @Test("bad input answers in the SCIM error format with the right scimType", arguments: TestDatabase.kinds)
    func errors(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let scim = SCIMClient(client: client, token: try await services.scimToken())
            _ = try await scim.send(.post, "/scim/v2/Users", scimUser("taken@x.io", number: "T1"))
            let cases: [(HTTPRequest.Method, String, String?, Int, String?)] = [
                (.post, "/scim/v2/Users", #"{"userName": "#, 400, "invalidSyntax"),
                (.post, "/scim/v2/Users", #"{"name":{"givenName":"A","familyName":"B"}}"#, 400, "invalidValue"),
                (.post, "/scim/v2/Users", #"{"userName":"n@x.io","favouriteColour":"blue"}"#, 400, "invalidSyntax"),
                (.post, "/scim/v2/Users", #"{"userName":"n@x.io","name":{"givenName":"A","familyName":"B"},"active":"perhaps"}"#, 400, "invalidValue"),
                (.post, "/scim/v2/Users", #"{"userName":"n@x.io","id":"x","name":{"givenName":"A","familyName":"B"}}"#, 400, "mutability"),
                (.post, "/scim/v2/Users", #"{"userName":"n@x.io","name":{"givenName":"A","familyName":"B"},"timezone":"Nowhere/Else"}"#, 400, "invalidValue"),
                (.post, "/scim/v2/Users", scimUser("TAKEN@x.io"), 409, "uniqueness"),
                (.post, "/scim/v2/Users", scimUser("new@x.io", number: "T1"), 409, "uniqueness"),
                (.get, "/scim/v2/Users?filter=userName%20eq", nil, 400, "invalidFilter"),
                (.get, "/scim/v2/Users?filter=shoeSize%20gt%2040", nil, 400, "invalidFilter"),
                (.get, "/scim/v2/Users?count=lots", nil, 400, "invalidValue"),
                (.get, "/scim/v2/Users?sortBy=emails", nil, 400, "invalidValue"),
                (.get, "/scim/v2/Users?sortOrder=sideways", nil, 400, "invalidValue"),
                (.get, "/scim/v2/Users?attributes=shoeSize", nil, 400, "invalidValue"),
                (.get, "/scim/v2/Users/no-such-id", nil, 404, nil),
                (.put, "/scim/v2/Users/no-such-id", scimUser("x@x.io"), 404, nil),
                (.patch, "/scim/v2/Users/no-such-id", #"{\#(patchSchema),"Operations":[{"op":"remove","path":"title"}]}"#, 404, nil),
                (.post, "/scim/v2/Users", #"{"userName":"nul@x.io","name":{"givenName":"A\u0000","familyName":"B"}}"#, 400, "invalidValue"),
                (.get, "/scim/v2/Users?filter=userName%20eq%20%22a%00%22", nil, 400, "invalidValue"),
                (.get, "/scim/v2/Users?filter=userName%20eq%20%22a%5Cu0000%22", nil, 400, "invalidFilter"),
                (.get, "/scim/v2/Users/a%00b", nil, 404, nil),
                (.delete, "/scim/v2/Users", nil, 405, nil),
                (.get, "/scim/v2/Bulk", nil, 404, nil),
            ]
            for (method, path, body, status, scimType) in cases {
                let response = try await scim.send(method, path, body)
                #expect(response.status == status, "\(method) \(path) \(body ?? "")")
                #expect(response.json["schemas"] as? [String] == [SCIMError.schema], "\(path)")
                #expect(response.json["status"] as? String == String(status), "\(path)")
                #expect(response.json["scimType"] as? String == scimType, "\(method) \(path) \(body ?? ""): \(response.json["detail"] ?? "")")
                #expect((response.json["detail"] as? String)?.isEmpty == false)
            }
            let filterError = try await scim.send(.get, "/scim/v2/Users?filter=userName%20equals%20%22a%22")
            #expect(filterError.json["detail"] as? String == "At position 10: expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le or pr), found 'equals'.")
            let wrongType = try await scim.send(.post, "/scim/v2/Users", "userName=a", headers: [.contentType: "application/x-www-form-urlencoded"])
            #expect(wrongType.status == 415 && wrongType.json["schemas"] as? [String] == [SCIMError.schema])

            // Nothing was half-written by any of the failures.
            #expect(try await services.people.employees.count() == 1)
        }
    }

    @Test("two clients creating the same userName at once: one 201, one 409, one employee", arguments: TestDatabase.kinds)
    func race(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let scim = SCIMClient(client: client, token: try await services.scimToken())
            async let first = scim.send(.post, "/scim/v2/Users", scimUser("same@x.io", number: "R1"))
            async let second = scim.send(.post, "/scim/v2/Users", scimUser("SAME@x.io", number: "R2"))
            let statuses = [try await first.status, try await second.status].sorted()
            #expect(statuses == [201, 409])
            #expect(try await services.people.employees.count() == 1)
        }
    }

    @Test("only SCIM tokens reach SCIM, and SCIM tokens reach nothing else", arguments: TestDatabase.kinds)
    func access(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let admin = try await services.user("admin@example.com", [.admin])
            let staffToken = try await services.token(for: admin)
            let scimToken = try await services.scimToken()

            let anonymous = try await client.execute(uri: "/scim/v2/Users", method: .get)
            #expect(anonymous.status == .unauthorized && anonymous.headers[.wwwAuthenticate] != nil)
            #expect(try json(anonymous)["schemas"] as? [String] == [SCIMError.schema])
            #expect(try await SCIMClient(client: client, token: staffToken).send(.get, "/scim/v2/Users").status == 403)
            #expect(try await SCIMClient(client: client, token: "tdm_scim_nonsense").send(.get, "/scim/v2/Users").status == 401)
            #expect(try await SCIMClient(client: client, token: scimToken).send(.get, "/scim/v2/Users").status == 200)
            for path in ["/api/v1/me", "/api/v1/employees", "/api/v1/users", "/admin/scim"] {
                let response = try await client.execute(uri: path, method: .get, headers: bearer(scimToken))
                #expect(response.status == .forbidden, "\(path)")
            }

            // A signed-in admin session does not reach SCIM either, but manages the tokens.
            let browser = Browser(client)
            _ = try await browser.signIn("admin@example.com")
            #expect(try await browser.request("/scim/v2/Users").status == .forbidden)
            let page = try await browser.request("/admin/scim")
            let html = String(buffer: page.body)
            #expect(page.status == .ok && html.contains("/scim/v2") && html.contains("Okta") && html.contains("Entra ID"))
            let created = try await browser.post("/admin/scim/tokens", form: [("name", "Entra production")], csrfFrom: "/admin/scim")
            let createdHTML = String(buffer: created.body)
            let secret = try #require(createdHTML.firstMatch(of: /tdm_scim_[A-Za-z0-9_-]+/).map { String($0.0) })
            #expect(try await SCIMClient(client: client, token: secret).send(.get, "/scim/v2/Users").status == 200)
            let listed = try await services.scim.tokens.list()
            let entry = try #require(listed.first { $0.name == "Entra production" })
            #expect(entry.lastUsedAt != nil, "last use is recorded")
            let revoke = try await browser.post("/admin/scim/tokens/\(entry.id)/revoke", form: [], csrfFrom: "/admin/scim")
            #expect(revoke.status == .seeOther)
            #expect(try await SCIMClient(client: client, token: secret).send(.get, "/scim/v2/Users").status == 401, "a revoked token stops at once")
            let forged = try await browser.request("/admin/scim/tokens", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: "name=forged")
            #expect(forged.status == .forbidden, "creating a token needs the CSRF token")
        }
    }
}

@Suite("SCIM groups over HTTP")
struct SCIMGroupHTTPTests {
    @Test("Okta group push: create with members, find by displayName, add and remove members, rename, delete", arguments: TestDatabase.kinds)
    func groups(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let scim = SCIMClient(client: client, token: try await services.scimToken())
            var ids: [String] = []
            for name in ["ann", "ben", "cal"] {
                ids.append(try #require(try await scim.send(.post, "/scim/v2/Users", scimUser("\(name)@x.io", given: name.capitalized, family: "X")).json["id"] as? String))
            }
            let created = try await scim.send(.post, "/scim/v2/Groups", """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Engineering","members":[{"value":"\(ids[0])","display":"Ann X"}]}
                """)
            #expect(created.status == 201 && created.headers[.eTag] == "W/\"1\"")
            let id = try #require(created.json["id"] as? String)
            #expect(created.headers[.location]?.hasSuffix("/scim/v2/Groups/\(id)") == true)
            #expect((created.json["members"] as? [[String: Any]])?.first?["display"] as? String == "Ann X")

            let found = try await scim.send(.get, "/scim/v2/Groups?filter=displayName%20eq%20%22engineering%22&excludedAttributes=members")
            #expect(found.json["totalResults"] as? Int == 1)
            #expect((found.json["Resources"] as? [[String: Any]])?.first?["members"] == nil)

            let added = try await scim.send(.patch, "/scim/v2/Groups/\(id)", #"{\#(patchSchema),"Operations":[{"op":"add","path":"members","value":[{"value":"\#(ids[1])"},{"value":"\#(ids[2])"}]}]}"#)
            #expect(added.status == 200 && (added.json["members"] as? [Any])?.count == 3)
            let byMember = try await scim.send(.get, "/scim/v2/Groups?filter=members%5Bvalue%20eq%20%22\(ids[2])%22%5D")
            #expect(byMember.json["totalResults"] as? Int == 1)
            let removed = try await scim.send(.patch, "/scim/v2/Groups/\(id)", #"{\#(patchSchema),"Operations":[{"op":"remove","path":"members[value eq \"\#(ids[0])\"]"}]}"#)
            #expect(Set((removed.json["members"] as? [[String: Any]])?.compactMap { $0["value"] as? String } ?? []) == [ids[1], ids[2]])
            let renamed = try await scim.send(.put, "/scim/v2/Groups/\(id)", #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"\#(id)","displayName":"Platform","members":[{"value":"\#(ids[1])"}]}"#, headers: [.ifMatch: removed.headers[.eTag] ?? ""])
            #expect(renamed.status == 200 && renamed.json["displayName"] as? String == "Platform" && (renamed.json["members"] as? [Any])?.count == 1)
            #expect(try await scim.send(.put, "/scim/v2/Groups/\(id)", #"{"displayName":"Stale"}"#, headers: [.ifMatch: "W/\"1\""]).status == 412)
            #expect(try await scim.send(.get, "/scim/v2/Groups/\(id)", headers: [.ifNoneMatch: renamed.headers[.eTag] ?? ""]).status == 304)

            // De-provisioning a user removes them from their groups.
            #expect(try await scim.send(.delete, "/scim/v2/Users/\(ids[1])").status == 204)
            #expect((try await scim.send(.get, "/scim/v2/Groups/\(id)").json["members"] as? [Any])?.isEmpty == true)

            #expect(try await scim.send(.delete, "/scim/v2/Groups/\(id)").status == 204)
            #expect(try await scim.send(.get, "/scim/v2/Groups/\(id)").status == 404)
            let audit = try await services.audit.store.search(AuditQuery(entityType: "scim_group"))
            #expect(audit.items.map(\.action) == ["scim.group.delete", "scim.group.replace", "scim.group.patch", "scim.group.patch", "scim.group.create"])
        }
    }

    @Test("group errors: duplicate name, unknown member, bad filter, unknown id", arguments: TestDatabase.kinds)
    func errors(kind: DatabaseKind) async throws {
        try await withApp(kind) { client, services in
            let scim = SCIMClient(client: client, token: try await services.scimToken())
            #expect(try await scim.send(.post, "/scim/v2/Groups", #"{"displayName":"Sales"}"#).status == 201)
            let cases: [(HTTPRequest.Method, String, String?, Int, String?)] = [
                (.post, "/scim/v2/Groups", #"{"displayName":"SALES"}"#, 409, "uniqueness"),
                (.post, "/scim/v2/Groups", #"{"displayName":"Ops","members":[{"value":"nobody"}]}"#, 400, "invalidValue"),
                (.post, "/scim/v2/Groups", #"{"members":[]}"#, 400, "invalidValue"),
                (.post, "/scim/v2/Groups", #"{"displayName":"X","owner":"me"}"#, 400, "invalidSyntax"),
                (.get, "/scim/v2/Groups?filter=displayName%20eq", nil, 400, "invalidFilter"),
                (.get, "/scim/v2/Groups?filter=userName%20eq%20%22a%22", nil, 400, "invalidFilter"),
                (.get, "/scim/v2/Groups/nope", nil, 404, nil),
                (.patch, "/scim/v2/Groups/nope", #"{\#(patchSchema),"Operations":[{"op":"remove","path":"members"}]}"#, 404, nil),
                (.delete, "/scim/v2/Groups/nope", nil, 404, nil),
            ]
            for (method, path, body, status, scimType) in cases {
                let response = try await scim.send(method, path, body)
                #expect(response.status == status, "\(method) \(path) \(body ?? "")")
                #expect(response.json["scimType"] as? String == scimType, "\(method) \(path): \(response.json["detail"] ?? "")")
            }
            #expect(try await scim.send(.get, "/scim/v2/Groups").json["totalResults"] as? Int == 1, "failed writes created nothing")
        }
    }
}
