import Foundation
import People
import SCIM
import TandemCore
import Testing

func node(_ json: String) throws -> SCIMNode { try SCIMNode.parse(Data(json.utf8)) }

func scimError(_ body: () throws -> Void) -> AppError? {
    do {
        try body()
        return nil
    } catch let error as AppError {
        return error
    } catch {
        return nil
    }
}

let oktaCreate = """
    {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"Ada.Lovelace@example.com",
     "name":{"givenName":"Ada","familyName":"Lovelace"},"emails":[{"primary":true,"value":"Ada.Lovelace@example.com","type":"work"}],
     "displayName":"Ada Lovelace","locale":"en-GB","externalId":"00u1","groups":[],"active":true}
    """

@Suite("SCIM ↔ employee mapping")
struct SCIMMappingTests {
    @Test("an Okta create maps onto an employee with documented defaults")
    func oktaCreateMapping() throws {
        let input = try SCIMUserReader.read(try node(oktaCreate), mode: .create)
        let user = try SCIMUserMapping.apply(input, to: nil, id: "0a1b2c3d-0000", managerEmployeeID: nil, today: "2026-11-24")
        #expect(user.userName == "Ada.Lovelace@example.com")
        #expect(user.employee.givenName == "Ada" && user.employee.familyName == "Lovelace")
        #expect(user.employee.workEmail == "ada.lovelace@example.com")
        #expect(user.employee.employeeId == "scim-0a1b2c3d")
        #expect(user.employee.language == "en" && user.employee.timeZone == "UTC")
        #expect(user.employee.country == "GB", "the locale's region is the default country")
        #expect(user.employee.employmentType == .fullTime && user.employee.workerType == .desk)
        #expect(user.employee.terminationDate == nil && user.employee.sensitive == nil)
        #expect(user.displayName == "Ada Lovelace" && user.formattedName == "Ada Lovelace")
    }

    @Test("enterprise fields, phone, address and user type map to their columns")
    func enterprise() throws {
        let input = try SCIMUserReader.read(try node("""
            {"userName":"g@x.io","name":{"givenName":"Grace","familyName":"Hopper"},"nickName":"Amazing Grace","title":"Admiral",
             "userType":"Contractor","preferredLanguage":"de-de","timezone":"Europe/Berlin",
             "phoneNumbers":[{"value":"+1 555 0100 200","type":"home"},{"value":"+44 20 7946 0958","type":"mobile"}],
             "addresses":[{"type":"work","locality":"Berlin HQ","region":"BE","country":"de"}],
             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"E-42","department":"Navy","division":"Computing",
               "organization":"USN","costCenter":"CC1","manager":{"value":"m-1"}}}
            """), mode: .create)
        #expect(input.managerID == "m-1")
        let user = try SCIMUserMapping.apply(input, to: nil, id: "x", managerEmployeeID: "E-1", today: "2026-11-24")
        let e = user.employee
        #expect(e.employeeId == "E-42" && e.department == "Navy" && e.managerId == "E-1")
        #expect(e.preferredName == "Amazing Grace" && e.jobTitle == "Admiral" && e.employmentType == .contractor)
        #expect(e.language == "de-DE" && e.timeZone == "Europe/Berlin")
        #expect(e.mobilePhone == "+442079460958", "the mobile one of two numbers")
        #expect(e.country == "DE" && e.region == "BE" && e.site == "Berlin HQ")
        #expect(user.division == "Computing" && user.organization == "USN" && user.costCenter == "CC1")
        #expect(user.displayName == "Amazing Grace Hopper")
    }

    @Test("active false makes a leaver from today, true reactivates; a future date is kept")
    func active() throws {
        var input = try SCIMUserReader.read(try node(oktaCreate), mode: .create)
        let created = try SCIMUserMapping.apply(input, to: nil, id: "a", managerEmployeeID: nil, today: "2026-11-24")
        input.active = false
        let left = try SCIMUserMapping.apply(input, to: created, id: "a", managerEmployeeID: nil, today: "2026-11-24")
        #expect(left.employee.terminationDate == "2026-11-24" && !left.active(on: "2026-11-24"))
        input.active = true
        let back = try SCIMUserMapping.apply(input, to: left, id: "a", managerEmployeeID: nil, today: "2026-11-25")
        #expect(back.employee.terminationDate == nil)
        var leaving = back
        leaving.employee.terminationDate = "2027-01-31"
        #expect(try SCIMUserMapping.apply(input, to: leaving, id: "a", managerEmployeeID: nil, today: "2026-11-25").employee.terminationDate == "2027-01-31")
    }

    @Test("a replace keeps fields SCIM does not own and required fields it leaves out")
    func keeps() throws {
        var existing = try SCIMUserMapping.apply(try SCIMUserReader.read(try node(oktaCreate), mode: .create), to: nil, id: "a", managerEmployeeID: nil)
        existing.employee.team = "Blue"
        existing.employee.hireDate = "2020-01-01"
        existing.employee.language = "fr"
        existing.employee.workerType = .frontline
        let updated = try SCIMUserMapping.apply(
            try SCIMUserReader.read(try node(#"{"userName":"ada@example.com"}"#), mode: .replace(id: "a")), to: existing, id: "a", managerEmployeeID: nil)
        #expect(updated.employee.team == "Blue" && updated.employee.hireDate == "2020-01-01" && updated.employee.workerType == .frontline)
        #expect(updated.employee.language == "fr" && updated.employee.givenName == "Ada")
        #expect(updated.employee.workEmail == nil, "optional fields follow replace semantics")
    }

    @Test("the rendered user reads back to the same input (round trip)")
    func roundTrip() throws {
        let input = try SCIMUserReader.read(try node(oktaCreate), mode: .create)
        let user = try SCIMUserMapping.apply(input, to: nil, id: "id-1", managerEmployeeID: nil, today: "2026-11-24")
        let rendered = SCIMUserRenderer.node(user, baseURL: "https://t.example", today: "2026-11-24")
        #expect(rendered["meta"]?["location"] == .string("https://t.example/scim/v2/Users/id-1"))
        #expect(rendered["meta"]?["version"] == .string("W/\"1\""))
        let again = try SCIMUserMapping.apply(try SCIMUserReader.read(rendered, mode: .replace(id: "id-1")), to: user, id: "id-1", managerEmployeeID: nil, today: "2026-11-24")
        #expect(again == user)
    }

    @Test("bad bodies are refused with the SCIM error type and the attribute", arguments: [
        (#"[1]"#, "invalidSyntax", "must be a JSON object"),
        (#"{"name":{"givenName":"A","familyName":"B"}}"#, "invalidValue", "'userName' is required"),
        (#"{"userName":"  "}"#, "invalidValue", "'userName' is required"),
        (#"{"userName":"a","shoeSize":42}"#, "invalidSyntax", "'shoeSize' is not a User attribute"),
        (#"{"userName":5}"#, "invalidValue", "'userName' must be a string"),
        (#"{"userName":"a","active":"maybe"}"#, "invalidValue", "'active' must be true or false"),
        (#"{"userName":"a","emails":{"value":"a@b.c"}}"#, "invalidValue", "'emails' must be an array"),
        (#"{"userName":"a","emails":[{"value":"a@b.c","kind":"x"}]}"#, "invalidSyntax", "'emails.kind' is not supported"),
        (#"{"userName":"a","id":"mine"}"#, "mutability", "'id' is assigned by Tandem"),
        (#"{"userName":"a","schemas":["urn:x"]}"#, "invalidValue", "'urn:x' is not a schema"),
        (#"{"userName":"a","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"badge":"1"}}"#, "invalidSyntax", "'badge' is not an enterprise"),
        (#"{"userName":"a","password":"hunter2"}"#, "invalidValue", "Tandem does not keep passwords"),
    ])
    func badBodies(json: String, scimType: String, message: String) throws {
        let body = try node(json)
        let failure = scimError { _ = try SCIMUserReader.read(body, mode: .create) }
        #expect(failure?.code == scimType)
        #expect(failure?.message.contains(message) == true, "\(failure?.message ?? "no error")")
    }

    @Test("values that break employee rules are invalidValue, not stored")
    func rules() throws {
        for json in [
            #"{"userName":"a","name":{"givenName":"A","familyName":"B"},"emails":[{"value":"not-an-email"}]}"#,
            #"{"userName":"a","name":{"givenName":"A","familyName":"B"},"timezone":"Mars/Olympus"}"#,
            #"{"userName":"a","name":{"givenName":"A","familyName":"B"},"addresses":[{"country":"Atlantis"}]}"#,
            #"{"userName":"a","displayName":"Cher"}"#,
        ] {
            let input = try SCIMUserReader.read(try node(json), mode: .create)
            let failure = scimError { _ = try SCIMUserMapping.apply(input, to: nil, id: "x", managerEmployeeID: nil) }
            #expect(failure != nil, "\(json)")
            #expect(failure.map { SCIMError.translate($0).code } == "invalidValue", "\(json)")
        }
    }

    @Test("malformed JSON is invalidSyntax")
    func malformed() {
        #expect(scimError { _ = try node(#"{"userName": "#) }?.code == "invalidSyntax")
        #expect(scimError { _ = try node("") }?.code == "invalidSyntax")
    }
}

@Suite("SCIM JSON")
struct SCIMJSONTests {
    @Test("responses keep attribute order and escape every control character")
    func encoding() throws {
        let value = SCIMNode.object([
            ("schemas", .array(["urn:x"])), ("id", "1"), ("text", .string("quote \" backslash \\ newline \n tab \t bell \u{07} é 😀")),
            ("n", .number(42)), ("x", .number(1.5)), ("b", .bool(false)), ("z", .null),
        ])
        let text = String(decoding: value.encoded(), as: UTF8.self)
        #expect(text.hasPrefix(#"{"schemas":["urn:x"],"id":"1","text":"quote \" backslash \\ newline \n tab \t bell \u0007 é 😀","n":42,"x":1.5,"b":false,"z":null}"#))
        #expect(try SCIMNode.parse(value.encoded()) == .object((value.object ?? []).sorted { $0.0 < $1.0 }))
    }
}

@Suite("SCIM dates")
struct SCIMDateTests {
    @Test("every millisecond survives formatting and parsing")
    func roundTrip() {
        for millis in stride(from: Int64(1_795_000_000_000), to: 1_795_000_002_000, by: 1) {
            #expect(SCIMDate.parse(SCIMDate.format(millis)) == millis)
        }
        #expect(SCIMDate.format(1_795_000_000_210) == "2026-11-18T11:06:40.210Z")
    }
}
