import Foundation
import SCIM
import TandemCore
import Testing

@Suite("SCIM group PATCH")
struct SCIMGroupPatchTests {
    let group = SCIMGroup(
        id: "g1", externalId: nil, displayName: "Engineering",
        members: [.init(id: "u1", display: "One"), .init(id: "u2", display: "Two"), .init(id: "u3", display: "Three")],
        version: 1, created: 0, lastModified: 0)

    func patch(_ operations: String) throws -> SCIMGroupInput {
        let body = try node(#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":"# + operations + "}")
        return try SCIMGroupPatch.apply(try SCIMPatchRequest.parse(body, resource: SCIMGroupSchema.resource), to: group)
    }

    @Test("add members is a union; remove by filter or by value list (Entra ID); replace sets")
    func members() throws {
        #expect(try patch(#"[{"op":"add","path":"members","value":[{"value":"u4"},{"value":"u1"}]}]"#).memberIDs == ["u1", "u2", "u3", "u4"])
        #expect(try patch(#"[{"op":"remove","path":"members[value eq \"u2\"]"}]"#).memberIDs == ["u1", "u3"])
        #expect(try patch(#"[{"op":"remove","path":"members[value eq \"u2\" or value eq \"u3\"]"}]"#).memberIDs == ["u1"])
        #expect(try patch(#"[{"op":"Remove","path":"members","value":[{"value":"u1"},{"value":"u3"}]}]"#).memberIDs == ["u2"])
        #expect(try patch(#"[{"op":"remove","path":"members"}]"#).memberIDs == [])
        #expect(try patch(#"[{"op":"replace","path":"members","value":[{"value":"u9"}]}]"#).memberIDs == ["u9"])
    }

    @Test("Okta renames with a no-path replace that repeats the id")
    func rename() throws {
        let result = try patch(#"[{"op":"replace","value":{"id":"g1","displayName":"Platform"}}]"#)
        #expect(result.displayName == "Platform" && result.memberIDs == ["u1", "u2", "u3"])
    }

    @Test("bad group PATCHes", arguments: [
        (#"[{"op":"replace","value":{"id":"other"}}]"#, "mutability"),
        (#"[{"op":"remove","path":"displayName"}]"#, "invalidValue"),
        (#"[{"op":"add","path":"members[value eq \"u1\"]","value":{"value":"u5"}}]"#, "invalidPath"),
        (#"[{"op":"replace","path":"members.value","value":"x"}]"#, "invalidPath"),
        (#"[{"op":"add","path":"members","value":[{"value":"g2","type":"Group"}]}]"#, "invalidValue"),
        (#"[{"op":"add","path":"owner","value":"x"}]"#, "invalidPath"),
    ])
    func bad(operations: String, scimType: String) {
        #expect(scimError { _ = try patch(operations) }?.code == scimType)
    }

    @Test("group bodies: displayName required, only users as members, unknown attributes refused")
    func bodies() throws {
        let input = try SCIMGroupMapping.read(try node(#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":" Sales ","members":[{"value":"u1","display":"One"},{"value":"u1"}]}"#), mode: .create)
        #expect(input == SCIMGroupInput(displayName: "Sales", memberIDs: ["u1"]))
        #expect(scimError { _ = try SCIMGroupMapping.read(try node(#"{"members":[]}"#), mode: .create) }?.code == "invalidValue")
        #expect(scimError { _ = try SCIMGroupMapping.read(try node(#"{"displayName":"A","owner":"x"}"#), mode: .create) }?.code == "invalidSyntax")
        #expect(scimError { _ = try SCIMGroupMapping.read(try node(#"{"displayName":"A","members":[{"display":"x"}]}"#), mode: .create) }?.code == "invalidValue")
        #expect(scimError { _ = try SCIMGroupMapping.read(try node(#"{"displayName":"A","schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]}"#), mode: .create) }?.code == "invalidValue")
    }
}
