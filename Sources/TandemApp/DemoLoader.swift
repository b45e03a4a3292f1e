public import Accounts
public import Audit
import Foundation
public import People
import TandemCore

/// Loads a demo organisation so a newcomer sees Tandem alive on the first run. Running it again
/// changes nothing: it only adds what is missing.
public struct DemoLoader: Sendable {
    public struct Credential: Sendable {
        public let email: String
        public let roles: [Role]
        public let password: String
    }

    static let teams = ["HR", "Internal Communications", "Marketing", "Leadership"]
    static let staff: [(email: String, name: String, roles: [Role], team: String?)] = [
        ("admin@demo.tandem.local", "Avery Admin", [.admin], nil),
        ("hr@demo.tandem.local", "Hana Reyes", [.hr], "HR"),
        ("comms@demo.tandem.local", "Cory Mensah", [.comms], "Internal Communications"),
        ("marketing@demo.tandem.local", "Mara Lindqvist", [.marketing], "Marketing"),
        ("approver@demo.tandem.local", "Priya Natarajan", [.approver, .hr], "HR"),
        ("analyst@demo.tandem.local", "Ana Souza", [.analyst], "Marketing"),
        ("hr-comms@demo.tandem.local", "Jordan Blake", [.hr, .comms], "Internal Communications"),
    ]

    /// Enough people to make audiences, reach and breakdowns meaningful.
    public static let employeeCount = 3_000
    let accounts: AccountsFeature
    let people: PeopleFeature

    public init(accounts: AccountsFeature, people: PeopleFeature) {
        self.accounts = accounts
        self.people = people
    }

    /// Creates what is missing. Each new demo user gets `password`, or a random one when nil.
    public func load(password: String?, progress: @escaping @Sendable (String) -> Void) async throws -> [Credential] {
        let actor = AuditActor(userID: nil, label: "demo", channel: .cli)
        var teamIDs: [String: Team.ID] = [:]
        for team in try await accounts.teams.all() { teamIDs[team.name] = team.id }
        for name in Self.teams where teamIDs[name] == nil {
            teamIDs[name] = try await accounts.teams.create(name: name, by: actor).id
            progress("team \(name)")
        }
        if let password { try AccountRules.password(password, email: nil) }
        var created: [Credential] = []
        for member in Self.staff {
            if try await accounts.users.find(email: member.email) != nil { continue }
            let secret = password ?? AccountRules.temporaryPassword()
            let new = try NewUser(email: member.email, displayName: member.name, roles: member.roles.map(\.rawValue), teamID: member.team.flatMap { teamIDs[$0] })
            _ = try await accounts.users.create(new, passwordHash: try await accounts.hasher.hash(secret), mustChangePassword: false, by: actor)
            created.append(Credential(email: member.email, roles: member.roles, password: secret))
            progress("user \(member.email)")
        }
        if try await people.employees.count() == 0 {
            let workforce = DemoPeople.generate(count: Self.employeeCount)
            try await people.employees.upsert(workforce, summary: "Loaded \(workforce.count) demo employees", by: actor) { written in
                if written % 1_000 == 0 || written == workforce.count { progress("employees \(written)/\(workforce.count)") }
            }
        }
        return created
    }
}
