import Foundation
import People
import SCIM
import TandemCore
import Testing

@Suite("SCIM PATCH engine")
struct SCIMPatchTests {
    let resource = SCIMUserSchema.resource
    let today = "2026-11-24"

    func user() throws -> SCIMUser {
        try SCIMUserMapping.apply(try SCIMUserReader.read(try node(oktaCreate), mode: .create), to: nil, id: "u1", managerEmployeeID: nil, today: today)
    }

    /// Applies a PATCH body to the user the way the store does: render, patch, read back, map.
    func patch(_ body: String, to current: SCIMUser? = nil) throws -> SCIMUser {
        let current = try current ?? user()
        let operations = try SCIMPatchRequest.parse(try node(body), resource: resource)
        let patched = try SCIMPatchEngine(resource: resource).apply(operations, to: SCIMUserRenderer.node(current, baseURL: "", today: today))
        return try SCIMUserMapping.apply(try SCIMUserReader.read(patched, mode: .replace(id: current.id)), to: current, id: current.id, managerEmployeeID: nil, today: today)
    }

    func ops(_ operations: String) -> String {
        #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":"# + operations + "}"
    }

    @Test("Okta: replace active false with a path makes a leaver")
    func oktaDeactivate() throws {
        let result = try patch(ops(#"[{"op":"replace","value":{"active":false}}]"#))
        #expect(result.employee.terminationDate == today)
    }

    @Test("Entra ID: capitalised ops, string booleans, no-path replace with dotted and URN keys")
    func entra() throws {
        let result = try patch(ops("""
            [{"op":"Replace","path":"active","value":"False"},
             {"op":"Replace","value":{"name.givenName":"Augusta","displayName":"Augusta King",
               "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department":"Analytical Engines"}},
             {"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber","value":"E-7"}]
            """))
        #expect(result.employee.terminationDate == today)
        #expect(result.employee.givenName == "Augusta" && result.employee.familyName == "Lovelace")
        #expect(result.displayName == "Augusta King")
        #expect(result.employee.department == "Analytical Engines" && result.employee.employeeId == "E-7")
    }

    @Test("value filters: replace a work email's value; add one that does not exist yet")
    func valueFilters() throws {
        let replaced = try patch(ops(#"[{"op":"replace","path":"emails[type eq \"work\"].value","value":"ada@new.example"}]"#))
        #expect(replaced.employee.workEmail == "ada@new.example")
        let phone = try patch(ops(#"[{"op":"Add","path":"phoneNumbers[type eq \"mobile\"].value","value":"+44 20 7946 0958"}]"#))
        #expect(phone.employee.mobilePhone == "+442079460958")
        let removed = try patch(ops(#"[{"op":"remove","path":"emails[type eq \"work\"]"}]"#))
        #expect(removed.employee.workEmail == nil)
    }

    @Test("add to a multi-valued attribute replaces the element of the same type")
    func addSameType() throws {
        let result = try patch(ops(#"[{"op":"add","path":"emails","value":[{"value":"second@example.com","type":"work","primary":true}]}]"#))
        #expect(result.employee.workEmail == "second@example.com")
    }

    @Test("sub-attribute paths, complex merges and removal")
    func subAttributes() throws {
        let named = try patch(ops(#"[{"op":"replace","path":"name.familyName","value":"Byron"},{"op":"add","path":"title","value":"Analyst"}]"#))
        #expect(named.employee.familyName == "Byron" && named.employee.givenName == "Ada" && named.employee.jobTitle == "Analyst")
        let merged = try patch(ops(#"[{"op":"replace","path":"name","value":{"givenName":"Augusta"}}]"#))
        #expect(merged.employee.givenName == "Augusta" && merged.employee.familyName == "Lovelace")
        let cleared = try patch(ops(#"[{"op":"remove","path":"title"},{"op":"remove","path":"addresses[type eq \"work\"].locality"}]"#), to: named)
        #expect(cleared.employee.jobTitle == nil)
        let manager = try patch(ops(#"[{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"m-9"}]"#))
        #expect(manager.managerID == "m-9", "Entra ID sends the manager as a bare id")
    }

    @Test("bad PATCH requests name the problem", arguments: [
        (#"{"Operations":[{"op":"add","path":"title","value":"x"}]}"#, "invalidSyntax"),
        (#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[]}"#, "invalidSyntax"),
        (#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"move","path":"title"}]}"#, "invalidSyntax"),
        (#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove"}]}"#, "noTarget"),
        (#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"shoe","value":1}]}"#, "invalidPath"),
        (#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"id","value":"x"}]}"#, "mutability"),
        (#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"meta.created","value":"x"}]}"#, "mutability"),
        (#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"emails[type eq]","value":"x"}]}"#, "invalidFilter"),
        (#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title[value eq \"x\"]","value":"x"}]}"#, "invalidPath"),
        (#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":"x"}]}"#, "invalidValue"),
        (#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"emails[value co \"@\"].value","value":"a@b.c"}]}"#, nil),
        (#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"emails[value eq \"none@x.io\" or type eq \"home\"].value","value":"a@b.c"}]}"#, "noTarget"),
        (#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"userName"}]}"#, "invalidValue"),
        (#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":"sometimes"}]}"#, "invalidValue"),
    ] as [(String, String?)])
    func bad(body: String, scimType: String?) {
        let failure = scimError { _ = try patch(body) }
        #expect(failure?.code == scimType, "\(failure?.message ?? "no error")")
    }
}
