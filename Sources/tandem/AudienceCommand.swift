import ArgumentParser
import Audiences
import Audit
import Foundation
import People
import TandemApp
import TandemCore

struct AudienceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audience", abstract: "Work with audience rules.", subcommands: [Count.self, List.self, Save.self])

    struct Count: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print how many employees a rule selects, with a breakdown.",
            discussion: #"Example: tandem audience count --rule 'country in ("US","CA") and hire_date >= today - 90d and worker_type = "frontline"'"#)
        @OptionGroup var storage: StorageOptions
        @Option(help: "The rule, in the audience rule language.") var rule: String

        func run() async throws {
            let configuration = try storage.configuration()
            try await withDatabase(configuration) { database in
                do {
                    // The command line is the operator's own tool: exact counts, all fields.
                    let result = try await AudienceCounter(database: database).count(rule, seesSensitive: true)
                    print(result.count ?? 0)
                    for column in AudienceCounter.breakdownColumns {
                        let cells = (result.breakdown[column] ?? []).prefix(8).map { "\($0.value) \($0.count ?? 0)" }
                        FileHandle.standardError.write(Data("\(column): \(cells.joined(separator: ", "))\n".utf8))
                    }
                } catch let error as AppError {
                    throw CommandFailure(description: error.message)
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List saved audiences with their sizes.")
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let configuration = try storage.configuration()
            try await withDatabase(configuration) { database in
                let counter = AudienceCounter(database: database)
                let audiences = try await AudienceStore(database: database).all()
                if audiences.isEmpty { FileHandle.standardError.write(Data("No saved audiences. Create one with: tandem audience save --name … --rule …\n".utf8)) }
                for audience in audiences {
                    let size = try await counter.size(of: audience, seesSensitive: true)
                    print([String(audience.id), audience.name, "v\(audience.version)", size, audience.rule ?? "list of \(audience.listSize ?? 0) ids"].joined(separator: "\t"))
                }
            }
        }
    }

    struct Save: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Save an audience from a rule or a file of employee ids (a new version if the name exists).",
            discussion: #"Example: tandem audience save --name "New hires" --rule 'hire_date >= today - 90d'"#)
        @OptionGroup var storage: StorageOptions
        @Option(help: "The audience's name.") var name: String
        @Option(help: "The rule, in the audience rule language.") var rule: String?
        @Option(name: .customLong("ids-file"), help: "A file of employee ids, one per line, for a static list.") var idsFile: String?
        @Option(help: "What the audience is for.") var description: String = ""

        func run() async throws {
            let configuration = try storage.configuration()
            try await withDatabase(configuration) { database in
                do {
                    let ids = try idsFile.map { path -> [String] in
                        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                            throw AppError.invalid("ids-file", "Cannot read \(path) as UTF-8 text.")
                        }
                        return try AudienceRules.employeeIDs(text)
                    }
                    let draft = try AudienceDraft.make(name: name, description: description, rule: rule, employeeIDs: ids,
                                                       attributes: try await AttributeStore(database: database).all())
                    let store = AudienceStore(database: database)
                    let actor = AuditActor.cli("cli:" + NSUserName())
                    let saved = if let existing = try await store.find(name: draft.name) {
                        try await store.update(existing.id, draft, mayUseSensitive: true, by: actor)
                    } else {
                        try await store.create(draft, mayUseSensitive: true, by: actor)
                    }
                    print("Saved audience \(saved.id) \"\(saved.name)\" version \(saved.version): \(try await AudienceCounter(database: database).size(of: saved, seesSensitive: true))")
                } catch let error as AppError {
                    throw CommandFailure(description: error.message)
                }
            }
        }
    }
}
