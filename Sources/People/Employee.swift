public import Foundation
public import TandemCore

/// An employee record as it comes from the HRIS. `employeeID` is the HRIS key; `id` is Tandem's.
public struct Employee: Sendable, Codable, Equatable {
    public typealias ID = Int64
    public var id: ID
    public var employeeId: String
    public var givenName: String
    public var familyName: String
    public var preferredName: String?
    public var workEmail: String?
    public var mobilePhone: String?
    public var language: String
    public var timeZone: String
    public var country: String
    public var region: String?
    public var site: String?
    public var department: String?
    public var team: String?
    public var jobTitle: String?
    public var jobLevel: String?
    public var managerId: String?
    public var employmentType: EmploymentType
    public var workerType: WorkerType
    public var hireDate: String?
    public var terminationDate: String?
    /// HR-sensitive: only `hr` and `admin` see these (nil for everyone else).
    public var sensitive: SensitiveFields?
    /// Custom attribute values by attribute name (stored form: see `AttributeDefinition`). Only
    /// the attributes the reader may see are filled in.
    public var attributes: [String: String]

    public init(
        id: ID = 0, employeeId: String, givenName: String, familyName: String, preferredName: String? = nil, workEmail: String? = nil,
        mobilePhone: String? = nil, language: String, timeZone: String, country: String, region: String? = nil, site: String? = nil,
        department: String? = nil, team: String? = nil, jobTitle: String? = nil, jobLevel: String? = nil, managerId: String? = nil,
        employmentType: EmploymentType, workerType: WorkerType, hireDate: String? = nil, terminationDate: String? = nil,
        sensitive: SensitiveFields? = nil, attributes: [String: String] = [:]
    ) {
        self.id = id
        self.employeeId = employeeId
        self.givenName = givenName
        self.familyName = familyName
        self.preferredName = preferredName
        self.workEmail = workEmail
        self.mobilePhone = mobilePhone
        self.language = language
        self.timeZone = timeZone
        self.country = country
        self.region = region
        self.site = site
        self.department = department
        self.team = team
        self.jobTitle = jobTitle
        self.jobLevel = jobLevel
        self.managerId = managerId
        self.employmentType = employmentType
        self.workerType = workerType
        self.hireDate = hireDate
        self.terminationDate = terminationDate
        self.sensitive = sensitive
        self.attributes = attributes
    }

    public var displayName: String { "\(preferredName ?? givenName) \(familyName)" }

    /// A leaver from their termination date on; active before it.
    public func status(on day: String) -> EmployeeStatus {
        guard let terminationDate, terminationDate <= day else { return .active }
        return .leaver
    }
}

public enum EmploymentType: String, Sendable, Codable, CaseIterable {
    case fullTime = "full_time", partTime = "part_time", contractor
}

public enum WorkerType: String, Sendable, Codable, CaseIterable {
    case desk, frontline
}

public enum EmployeeStatus: String, Sendable, Codable, CaseIterable {
    case active, leaver
}

/// Pay and benefits. Seen only by roles allowed to see personal data (DESIGN.md §2).
public struct SensitiveFields: Sendable, Codable, Equatable {
    public var payBand: String?
    public var annualPay: Double?
    public var payCurrency: String?
    /// Highly compensated employee (IRS 401(k) nondiscrimination testing).
    public var hce: Bool
    public var benefits: [BenefitEnrollment]

    public init(payBand: String?, annualPay: Double?, payCurrency: String?, hce: Bool, benefits: [BenefitEnrollment]) {
        self.payBand = payBand
        self.annualPay = annualPay
        self.payCurrency = payCurrency
        self.hce = hce
        self.benefits = benefits
    }
}

public struct BenefitEnrollment: Sendable, Codable, Equatable {
    public var plan: String
    public var enrolled: Bool
    public var deferralPercent: Double?

    public init(plan: String, enrolled: Bool, deferralPercent: Double?) {
        self.plan = plan
        self.enrolled = enrolled
        self.deferralPercent = deferralPercent
    }
}

/// Who may see what in the directory.
public enum PeopleAccess {
    public static let directory: Access = .roles([.hr, .comms, .marketing])
    public static let sensitive: Access = .roles([.hr])

    public static func canSeeSensitive(_ identity: Identity?) -> Bool { sensitive.allows(identity) }
}

/// Directory filters; every field narrows the list.
public struct EmployeeFilter: Sendable, Equatable {
    public var text: String?
    public var country: String?
    public var department: String?
    public var site: String?
    public var workerType: WorkerType?
    public var status: EmployeeStatus?

    public init(text: String? = nil, country: String? = nil, department: String? = nil, site: String? = nil, workerType: WorkerType? = nil, status: EmployeeStatus? = nil) {
        self.text = text
        self.country = country
        self.department = department
        self.site = site
        self.workerType = workerType
        self.status = status
    }
}
