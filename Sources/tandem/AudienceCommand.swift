import ArgumentParser
import Audiences
import Foundation
import TandemApp
import TandemCore

struct AudienceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audience", abstract: "Work with audience rules.", subcommands: [Count.self])

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
}
