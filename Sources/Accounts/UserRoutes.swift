import Audit
import Foundation
import Hummingbird
import TandemCore
import TandemUI

/// Admin management of staff users, as pages and as API.
struct UserRoutes {
    let feature: AccountsFeature

    func register(in table: RouteTable) {
        table.page(.get, "/admin/users", .only(.admin)) { request, context in
            let page = try await feature.users.list(cursor: try Cursor.decode(request.query("cursor")), limit: 50)
            return Pages.render(request, context, title: "Users") { UserPages.list($0, page: page) }
        }

        table.page(.get, "/admin/users/new", .only(.admin)) { request, context in
            let teams = try await feature.teams.all()
            return Pages.render(request, context, title: "New user") { UserPages.new($0, teams: teams, form: nil, error: nil, created: nil) }
        }

        table.page(.post, "/admin/users", .only(.admin)) { request, context in
            let identity = try context.requireIdentity()
            let form = try await request.form(context: context)
            let teams = try await feature.teams.all()
            do {
                let (user, password) = try await create(
                    email: form["email"] ?? "", name: form["display_name"] ?? "", roles: form.all("roles"),
                    teamID: try teamID(form["team_id"]), password: form.text("password"), actor: AuditActor(identity: identity, requestID: context.id))
                return Pages.render(request, context, title: "New user", status: .created) {
                    UserPages.new($0, teams: teams, form: nil, error: nil, created: (user, password))
                }
            } catch let error as AppError where error.field != nil {
                return Pages.render(request, context, title: "New user", status: error.status) { UserPages.new($0, teams: teams, form: form, error: error, created: nil) }
            }
        }

        table.page(.get, "/admin/users/{id}", .only(.admin)) { request, context in
            guard let user = try await feature.users.find(id: try context.pathID(what: "User")) else { throw AppError.notFound("User") }
            let teams = try await feature.teams.all()
            return Pages.render(request, context, title: user.displayName) { UserPages.edit($0, user: user, teams: teams, error: nil, resetPassword: nil) }
        }

        table.page(.post, "/admin/users/{id}", .only(.admin)) { request, context in
            let identity = try context.requireIdentity()
            let id = try context.pathID(what: "User")
            let form = try await request.form(context: context)
            do {
                let change = UserChange(
                    displayName: try AccountRules.displayName(form["display_name"] ?? ""), roles: try AccountRules.roles(form.all("roles")),
                    teamID: .some(try teamID(form["team_id"])), isActive: form["is_active"] == "true")
                let user = try await feature.users.update(id, change, by: AuditActor(identity: identity, requestID: context.id))
                feature.cache.evict(userID: id)
                return Pages.redirect("/admin/users/\(user.id)", flash: Flash(.success, "Saved \(user.displayName)."), context: context)
            } catch let error as AppError where error.field != nil {
                guard let user = try await feature.users.find(id: id) else { throw AppError.notFound("User") }
                let teams = try await feature.teams.all()
                return Pages.render(request, context, title: user.displayName, status: error.status) { UserPages.edit($0, user: user, teams: teams, error: error, resetPassword: nil) }
            }
        }

        table.page(.post, "/admin/users/{id}/password", .only(.admin)) { request, context in
            let identity = try context.requireIdentity()
            let id = try context.pathID(what: "User")
            guard let user = try await feature.users.find(id: id) else { throw AppError.notFound("User") }
            let temporary = AccountRules.temporaryPassword()
            try await feature.users.setPassword(id, hash: try await feature.hasher.hash(temporary), mustChange: true,
                                                reason: "Password reset by an admin", by: AuditActor(identity: identity, requestID: context.id))
            try await feature.sessions.deleteAll(userID: id)
            feature.cache.evict(userID: id)
            let teams = try await feature.teams.all()
            return Pages.render(request, context, title: user.displayName) { UserPages.edit($0, user: user, teams: teams, error: nil, resetPassword: temporary) }
        }

        registerAPI(in: table)
    }

    private func registerAPI(in table: RouteTable) {
        table.api(.get, "/api/v1/users", .only(.admin),
                  APIOperation(id: "listUsers", summary: "List staff users", tag: "Accounts", parameters: [.cursor, .limit],
                               success: APIOperation.ok(AccountsAPI.userPage), errors: [400])) { request, context in
            let page = try await feature.users.list(cursor: try Cursor.decode(request.query("cursor")), limit: try Cursor.limit(request.query("limit")))
            return try Reply.json(AccountsAPI.UserList(data: page.items, nextCursor: page.nextCursor))
        }

        table.api(.post, "/api/v1/users", .only(.admin),
                  APIOperation(id: "createUser", summary: "Create a staff user", tag: "Accounts", requestBody: AccountsAPI.newUser,
                               success: APIOperation.created(AccountsAPI.createdUser), errors: [400, 409, 415, 422])) { request, context in
            let identity = try context.requireIdentity()
            let body = try await request.json(AccountsAPI.CreateUser.self, context: context)
            let (user, password) = try await create(
                email: body.email, name: body.displayName, roles: body.roles, teamID: body.teamId, password: body.password,
                actor: AuditActor(identity: identity, requestID: context.id))
            return try Reply.json(AccountsAPI.CreatedUser(user: user, temporaryPassword: password), status: .created)
        }

        table.api(.get, "/api/v1/users/{id}", .only(.admin),
                  APIOperation(id: "getUser", summary: "One staff user", tag: "Accounts", parameters: [.pathID()],
                               success: APIOperation.ok(.ref("User")), errors: [404])) { _, context in
            guard let user = try await feature.users.find(id: try context.pathID(what: "User")) else { throw AppError.notFound("User") }
            return try Reply.json(user)
        }

        table.api(.patch, "/api/v1/users/{id}", .only(.admin),
                  APIOperation(id: "updateUser", summary: "Change a user's name, roles, team or active state", tag: "Accounts",
                               parameters: [.pathID()], requestBody: AccountsAPI.userPatch,
                               success: APIOperation.ok(.ref("User")), errors: [400, 404, 409, 415, 422])) { request, context in
            let identity = try context.requireIdentity()
            let id = try context.pathID(what: "User")
            let body = try await request.json(AccountsAPI.PatchUser.self, context: context)
            let change = UserChange(
                displayName: try body.displayName.map(AccountRules.displayName), roles: try body.roles.map(AccountRules.roles),
                teamID: body.teamId, isActive: body.isActive)
            let user = try await feature.users.update(id, change, by: AuditActor(identity: identity, requestID: context.id))
            feature.cache.evict(userID: id)
            return try Reply.json(user)
        }
    }

    /// Creates a user with the given password, or a temporary one they must change at first sign-in.
    func create(email: String, name: String, roles: [String], teamID: Int64?, password: String?, actor: AuditActor) async throws -> (User, String?) {
        let new = try NewUser(email: email, displayName: name, roles: roles, teamID: teamID)
        if let password { try AccountRules.password(password, email: new.email) }
        let temporary = password == nil ? AccountRules.temporaryPassword() : nil
        let hash = try await feature.hasher.hash(password ?? temporary!)
        let user = try await feature.users.create(new, passwordHash: hash, mustChangePassword: password == nil, by: actor)
        return (user, temporary)
    }

    func teamID(_ raw: String?) throws -> Int64? {
        guard let raw, !raw.isEmpty else { return nil }
        guard let id = Int64(raw), id > 0 else { throw AppError.invalid("team_id", "Choose a team from the list.") }
        return id
    }
}
