import Foundation
import TandemCore

/// JSON shapes of the accounts API and their OpenAPI schemas, kept side by side.
enum AccountsAPI {
    static let roleNames = Role.staff.map(\.rawValue)

    static let team = Schema.object([Schema.Property("id", .id), Schema.Property("name", .text)])
    static let user = Schema.object([
        Schema.Property("id", .id),
        Schema.Property("email", .string(format: "email")),
        Schema.Property("display_name", .text),
        Schema.Property("roles", .array(.enumeration(roleNames))),
        Schema.Property("team", .nullable(.ref("Team")), required: false),
        Schema.Property("is_active", .boolean),
        Schema.Property("must_change_password", .boolean),
        Schema.Property("created_at", .dateTime),
        Schema.Property("last_sign_in_at", .nullable(.dateTime), required: false),
    ])
    static let userPage = Schema.object([
        Schema.Property("data", .array(.ref("User"))), Schema.Property("next_cursor", .nullable(.text), required: false),
    ])
    static let createdUser = Schema.object([
        Schema.Property("user", .ref("User")),
        Schema.Property("temporary_password", .nullable(.text), required: false, description: "Shown once when no password was given."),
    ])
    static let newUser = Schema.object([
        Schema.Property("email", .string(format: "email", minLength: 3, maxLength: 254)),
        Schema.Property("display_name", .line(1...120)),
        Schema.Property("roles", .array(.enumeration(roleNames), maxItems: 6, minItems: 1)),
        Schema.Property("team_id", .nullable(.id), required: false),
        Schema.Property("password", .string(minLength: 10, maxLength: 128, pattern: "^[^\\u0000]*$"), required: false),
    ])
    static let userPatch = Schema.object([
        Schema.Property("display_name", .line(1...120), required: false),
        Schema.Property("roles", .array(.enumeration(roleNames), maxItems: 6, minItems: 1), required: false),
        Schema.Property("team_id", .nullable(.id), required: false),
        Schema.Property("is_active", .boolean, required: false),
    ])
    static let token = Schema.object([
        Schema.Property("id", .id), Schema.Property("name", .text), Schema.Property("prefix", .text),
        Schema.Property("created_at", .dateTime), Schema.Property("last_used_at", .nullable(.dateTime), required: false),
        Schema.Property("revoked_at", .nullable(.dateTime), required: false),
    ])
    static let createdToken = Schema.object([
        Schema.Property("token", .ref("APIToken")), Schema.Property("secret", .text, description: "Shown once."),
    ])
    static let newToken = Schema.object([Schema.Property("name", .line(1...80))])
    static let newTeam = Schema.object([Schema.Property("name", .line(1...80))])

    struct UserList: Encodable { let data: [User]; let nextCursor: String? }
    struct CreatedUser: Encodable { let user: User; let temporaryPassword: String? }
    struct CreateUser: Decodable {
        let email: String
        let displayName: String
        let roles: [String]
        let teamId: Int64?
        let password: String?
    }
    struct PatchUser: Decodable {
        let displayName: String?
        let roles: [String]?
        let teamId: Int64??
        let isActive: Bool?

        enum CodingKeys: String, CodingKey { case displayName, roles, teamId, isActive }
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            displayName = try container.decodeIfPresent(String.self, forKey: .displayName)
            roles = try container.decodeIfPresent([String].self, forKey: .roles)
            isActive = try container.decodeIfPresent(Bool.self, forKey: .isActive)
            // Distinguish "team_id": null (leave the team) from an absent key (keep it).
            teamId = container.contains(.teamId) ? .some(try container.decodeIfPresent(Int64.self, forKey: .teamId)) : .none
        }
    }
    struct TokenList: Encodable { let data: [APIToken] }
    struct CreatedToken: Encodable { let token: APIToken; let secret: String }
    struct NameBody: Decodable { let name: String }
    struct TeamList: Encodable { let data: [Team] }
}

extension RouteTable {
    func registerAccountSchemas() {
        component("Team", AccountsAPI.team)
        component("User", AccountsAPI.user)
        component("APIToken", AccountsAPI.token)
    }
}
