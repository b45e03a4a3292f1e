/// The User resource as Tandem supports it: RFC 7643 §4.1 core attributes that map onto an
/// employee record, and the enterprise extension (§4.3). Nothing else is accepted.
public enum SCIMUserSchema {
    public static let coreID = "urn:ietf:params:scim:schemas:core:2.0:User"
    public static let enterpriseID = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

    static let meta = SCIMAttribute("meta", type: .complex, mutability: .readOnly, "Resource metadata.", sub: [
        SCIMAttribute("resourceType", mutability: .readOnly, "Always User."),
        SCIMAttribute("created", type: .dateTime, mutability: .readOnly, "When the user was provisioned."),
        SCIMAttribute("lastModified", type: .dateTime, mutability: .readOnly, "When a SCIM client last changed the user."),
        SCIMAttribute("location", type: .reference, caseExact: true, mutability: .readOnly, "The resource's URI."),
        SCIMAttribute("version", caseExact: true, mutability: .readOnly, "The weak ETag of this version."),
    ])

    public static let core = SCIMSchemaDefinition(
        id: coreID, name: "User", description: "An employee in Tandem's people directory.",
        attributes: [
            SCIMAttribute("id", caseExact: true, mutability: .readOnly, returned: .always, unique: true, "Tandem's stable identifier (a UUID)."),
            SCIMAttribute("externalId", caseExact: true, "The provisioning client's identifier."),
            SCIMAttribute("userName", required: true, unique: true, "Unique sign-in name, usually the work email; compared case-insensitively."),
            SCIMAttribute("name", type: .complex, "The employee's name.", sub: [
                SCIMAttribute("formatted", "Full name for display; defaults to given and family name."),
                SCIMAttribute("familyName", "Family name; required unless displayName has two words."),
                SCIMAttribute("givenName", "Given name; required unless displayName has two words."),
            ]),
            SCIMAttribute("displayName", "Name shown in lists; defaults to preferred (nick) or given name and family name."),
            SCIMAttribute("nickName", "Preferred name, shown instead of the given name."),
            SCIMAttribute("title", "Job title."),
            SCIMAttribute("userType", "Employment type: 'Contractor' and 'Part-time' (or 'part_time') are recognised; anything else means full time."),
            SCIMAttribute("preferredLanguage", "BCP 47 language tag such as en or de-DE; defaults to en."),
            SCIMAttribute("locale", "Locale such as en-US; its region is the default country."),
            SCIMAttribute("timezone", "IANA time zone such as Europe/Berlin; defaults to UTC."),
            SCIMAttribute("active", type: .boolean, "false makes the employee a leaver from today; true reactivates."),
            SCIMAttribute("emails", type: .complex, multiValued: true, "Tandem keeps one: the work email (type work, else primary, else first).", sub: [
                SCIMAttribute("value", "Email address."),
                SCIMAttribute("type", canonicalValues: ["work"], "Always work in responses."),
                SCIMAttribute("primary", type: .boolean, "Always true in responses."),
            ]),
            SCIMAttribute("phoneNumbers", type: .complex, multiValued: true, "Tandem keeps one: the mobile number in international form.", sub: [
                SCIMAttribute("value", "Phone number such as +44 20 7946 0958."),
                SCIMAttribute("type", canonicalValues: ["mobile"], "Always mobile in responses."),
                SCIMAttribute("primary", type: .boolean, "Always true in responses."),
            ]),
            SCIMAttribute("addresses", type: .complex, multiValued: true, "Tandem keeps one: the work location.", sub: [
                SCIMAttribute("type", canonicalValues: ["work"], "Always work in responses."),
                SCIMAttribute("locality", "Site or office."),
                SCIMAttribute("region", "Region or state."),
                SCIMAttribute("country", "ISO 3166 country code; defaults to the locale's region, else US."),
                SCIMAttribute("primary", type: .boolean, "Always true in responses."),
            ]),
            meta,
        ])

    public static let enterprise = SCIMSchemaDefinition(
        id: enterpriseID, name: "EnterpriseUser", description: "Enterprise attributes of an employee.",
        attributes: [
            SCIMAttribute("employeeNumber", caseExact: true, unique: true, "The HRIS employee id; defaults to 'scim-' and the start of the SCIM id."),
            SCIMAttribute("costCenter", "Cost center."),
            SCIMAttribute("organization", "Organization."),
            SCIMAttribute("division", "Division."),
            SCIMAttribute("department", "Department."),
            SCIMAttribute("manager", type: .complex, "The employee's manager, another SCIM user.", sub: [
                SCIMAttribute("value", caseExact: true, "The manager's SCIM id."),
                SCIMAttribute("$ref", type: .reference, caseExact: true, mutability: .readOnly, "The manager's URI."),
                SCIMAttribute("displayName", mutability: .readOnly, "The manager's display name."),
            ]),
        ])

    public static let resource = SCIMResourceSchema(core: core, extensions: [enterprise])
}
