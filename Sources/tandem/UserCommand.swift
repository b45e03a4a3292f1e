import Accounts
import ArgumentParser
import Audit
import Foundation
import TandemApp
import TandemCore

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage staff users.", subcommands: [Create.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a staff user and print a temporary password (or read one from stdin).")

        @OptionGroup var storage: StorageOptions
        @Option(help: "Email address; also the sign-in name.") var email: String
        @Option(help: "Display name (defaults to the part of the email before @).") var name: String?
        @Option(help: "A role; repeat for several: \(Role.staff.map(\.rawValue).joined(separator: ", ")).") var role: [String] = []
        @Option(help: "Team name (created if missing).") var team: String?
        @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input instead of generating one.") var passwordStdin = false

        func run() async throws {
            let configuration = try storage.configuration()
            let password = passwordStdin ? readLine(strippingNewline: true) ?? "" : nil
            try await withDatabase(configuration) { database in
                let services = TandemServices(configuration: configuration, database: database)
                let actor = AuditActor.cli("cli:" + NSUserName())
                do {
                    var teamID: Int64?
                    if let team {
                        let teams = try await services.accounts.teams.all()
                        if let existing = teams.first(where: { $0.name.lowercased() == team.lowercased() }) {
                            teamID = existing.id
                        } else {
                            teamID = try await services.accounts.teams.create(name: team, by: actor).id
                        }
                    }
                    let new = try NewUser(email: email, displayName: name ?? String(email.split(separator: "@").first ?? ""), roles: role, teamID: teamID)
                    if let password { try AccountRules.password(password, email: new.email) }
                    let secret = password ?? AccountRules.temporaryPassword()
                    let user = try await services.accounts.users.create(
                        new, passwordHash: try await services.accounts.hasher.hash(secret), mustChangePassword: password == nil, by: actor)
                    print("Created user \(user.id): \(user.email) with roles \(user.roles.map(\.rawValue).joined(separator: ", "))")
                    if password == nil { print("Temporary password (shown once; they must change it at first sign-in): \(secret)") }
                } catch let error as AppError {
                    throw CommandFailure(description: "\(error.message)")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List staff users.")
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let configuration = try storage.configuration()
            try await withDatabase(configuration) { database in
                let users = UserStore(database: database)
                var cursor: Int64?
                repeat {
                    let page = try await users.list(cursor: cursor, limit: 200)
                    for user in page.items {
                        print("\(user.id)\t\(user.email)\t\(user.roles.map(\.rawValue).joined(separator: ","))\t\(user.team?.name ?? "-")\t\(user.isActive ? "active" : "deactivated")")
                    }
                    cursor = try Cursor.decode(page.nextCursor)
                } while cursor != nil
            }
        }
    }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Manage API tokens.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a personal API token for a user, or with --scim a SCIM provisioning token, and print it once.")
        @OptionGroup var storage: StorageOptions
        @Option(help: "Email of the user the token acts as (personal API tokens).") var user: String?
        @Flag(help: "Create a SCIM provisioning token for an identity provider or HRIS (grants /scim/v2 only).") var scim = false
        @Option(help: "A name to recognise the token by.") var name = "created on the command line"

        func validate() throws {
            if scim, user != nil { throw ValidationError("A SCIM token acts as no user; leave out --user.") }
            if !scim, user == nil { throw ValidationError("Give --user <email> for a personal API token, or --scim for a SCIM token.") }
        }

        func run() async throws {
            let configuration = try storage.configuration()
            try await withDatabase(configuration) { database in
                let services = TandemServices(configuration: configuration, database: database)
                let actor = AuditActor.cli("cli:" + NSUserName())
                do {
                    if scim {
                        let (_, secret) = try await services.scim.tokens.create(name: name, by: actor)
                        print(secret)
                        FileHandle.standardError.write(Data("SCIM base URL: \(configuration.baseURL)/scim/v2 (shown once; store the token in the identity provider now)\n".utf8))
                        return
                    }
                    guard let user, let owner = try await services.accounts.users.find(email: user), owner.isActive else {
                        throw CommandFailure(description: "no active user with the email \(user ?? ""). Create one with 'tandem user create'.")
                    }
                    let (_, secret) = try await services.accounts.tokens.create(userID: owner.id, name: name, by: actor)
                    print(secret)
                } catch let error as AppError {
                    throw CommandFailure(description: "\(error.message)")
                }
            }
        }
    }
}
