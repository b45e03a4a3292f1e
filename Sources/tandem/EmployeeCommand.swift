import ArgumentParser
import Audit
import Foundation
import TandemApp
import TandemCore

/// GDPR requests about one employee, for scripting what HR does on the profile page.
struct EmployeeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "employee", abstract: "Export or erase one employee's personal data (GDPR).", subcommands: [Export.self, Erase.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print (or write) everything Tandem holds about one employee as JSON.")
        @OptionGroup var storage: StorageOptions
        @Argument(help: "The employee's HRIS id.") var employeeID: String
        @Option(help: "Write the JSON to this file instead of standard output.") var output: String?

        func run() async throws {
            let configuration = try storage.configuration()
            try await withDatabase(configuration) { database in
                do {
                    let export = try await TandemServices(configuration: configuration, database: database).personalData.export(employeeID: employeeID)
                    let encoder = JSONCoding.encoder
                    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
                    let data = try encoder.encode(export)
                    if let output {
                        try data.write(to: URL(fileURLWithPath: output), options: .atomic)
                        FileHandle.standardError.write(Data("Wrote \(data.count) bytes to \(output)\n".utf8))
                    } else {
                        FileHandle.standardOutput.write(data + Data("\n".utf8))
                    }
                } catch let error as AppError {
                    throw CommandFailure(description: error.message)
                }
            }
        }
    }

    struct Erase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Erase a leaver's personal data in every part of Tandem (cannot be undone).")
        @OptionGroup var storage: StorageOptions
        @Argument(help: "The employee's HRIS id.") var employeeID: String
        @Flag(help: "Confirm the erasure.") var yes = false

        func run() async throws {
            guard yes else { throw CommandFailure(description: "Erasure cannot be undone. Run it again with --yes to confirm.") }
            let configuration = try storage.configuration()
            try await withDatabase(configuration) { database in
                do {
                    let result = try await TandemServices(configuration: configuration, database: database).personalData
                        .erase(employeeID: employeeID, by: AuditActor.cli("cli:" + NSUserName()))
                    print("Erased \(employeeID): now \(result.replacement); \(result.records) records changed.")
                } catch let error as AppError {
                    throw CommandFailure(description: error.message)
                }
            }
        }
    }
}
