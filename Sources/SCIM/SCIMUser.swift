public import People

/// A provisioned user: the employee record plus what only SCIM keeps (ids, user name, the
/// enterprise fields Tandem has no column for) and the version behind its ETag.
public struct SCIMUser: Sendable, Equatable {
    public var id: String
    public var externalId: String?
    public var userName: String
    public var formattedName: String
    public var displayName: String
    public var locale: String?
    public var userType: String?
    public var division: String?
    public var organization: String?
    public var costCenter: String?
    public var employee: Employee
    /// The manager's SCIM id and display name, when the manager is provisioned too.
    public var managerID: String?
    public var managerDisplayName: String?
    public var version: Int64
    /// Milliseconds since 1970.
    public var created: Int64
    public var lastModified: Int64

    public init(
        id: String, externalId: String? = nil, userName: String, formattedName: String, displayName: String, locale: String? = nil,
        userType: String? = nil, division: String? = nil, organization: String? = nil, costCenter: String? = nil, employee: Employee,
        managerID: String? = nil, managerDisplayName: String? = nil, version: Int64 = 1, created: Int64 = 0, lastModified: Int64 = 0
    ) {
        self.id = id
        self.externalId = externalId
        self.userName = userName
        self.formattedName = formattedName
        self.displayName = displayName
        self.locale = locale
        self.userType = userType
        self.division = division
        self.organization = organization
        self.costCenter = costCenter
        self.employee = employee
        self.managerID = managerID
        self.managerDisplayName = managerDisplayName
        self.version = version
        self.created = created
        self.lastModified = lastModified
    }

    /// Weak, because the representation may change without the version (RFC 7232 §2.1).
    public var etag: String { "W/\"\(version)\"" }

    public func active(on today: String) -> Bool { employee.status(on: today) == .active }
}

/// What a client sent for a user (POST, PUT, or the result of a PATCH), before it meets the
/// stored record. `nil` means "not sent".
public struct SCIMUserInput: Sendable, Equatable {
    public var externalId: String?
    public var userName: String = ""
    public var givenName: String?
    public var familyName: String?
    public var formattedName: String?
    public var displayName: String?
    public var nickName: String?
    public var title: String?
    public var userType: String?
    public var preferredLanguage: String?
    public var locale: String?
    public var timezone: String?
    public var active: Bool?
    public var email: String?
    public var phone: String?
    public var country: String?
    public var region: String?
    public var locality: String?
    public var employeeNumber: String?
    public var costCenter: String?
    public var organization: String?
    public var division: String?
    public var department: String?
    public var managerID: String?

    public init() {}
}
