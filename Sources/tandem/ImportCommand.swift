import ArgumentParser
import Audit
import Foundation
import People
import TandemApp
import TandemCore

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Import data from files.", subcommands: [Employees.self])

    struct Employees: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import employees from an HRIS CSV export (upsert by employee_id; all or nothing unless --skip-bad-rows).",
            discussion: "Canonical header (any subset, any order): \(EmployeeField.canonicalHeader)")

        @OptionGroup var storage: StorageOptions
        @Argument(help: "The CSV file (UTF-8).") var file: String
        @Option(help: "JSON file mapping CSV column names to fields, e.g. {\"Worker ID\": \"employee_id\"}; saved for next time.") var mapping: String?
        @Flag(name: .customLong("dry-run"), help: "Report what would change; write nothing.") var dryRun = false
        @Flag(name: .customLong("skip-bad-rows"), help: "Import the good rows and skip rejected ones.") var skipBadRows = false
        @Flag(help: "The file holds only some employees: do not deactivate those missing from it.") var partial = false
        @Flag(name: .customLong("confirm-deactivations"), help: "Allow deactivating more than 20% of active employees.") var confirmDeactivations = false

        func run() async throws {
            let configuration = try storage.configuration()
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CommandFailure(description: "cannot read \(file). Check the path.")
            }
            var request = EmployeeImporter.Request(fileName: URL(fileURLWithPath: file).lastPathComponent, data: data)
            if let mapping {
                guard let json = FileManager.default.contents(atPath: mapping) else { throw CommandFailure(description: "cannot read the mapping file \(mapping).") }
                do { request.mapping = try ImportMapping.parse(json: json) } catch let error as AppError { throw CommandFailure(description: "\(error.message)") }
            }
            request.dryRun = dryRun
            request.confirmDeactivations = confirmDeactivations
            request.options.skipBadRows = skipBadRows
            request.options.mode = partial ? .partial : .full
            request.options.allowSensitive = true  // the command line is the operator's own tool
            let started = Date()
            try await withDatabase(configuration) { database in
                let services = TandemServices(configuration: configuration, database: database)
                let outcome: EmployeeImporter.Outcome
                do {
                    outcome = try await services.people.importer.run(request, by: AuditActor.cli("cli:" + NSUserName())) { step in
                        FileHandle.standardError.write(Data("… \(step)\n".utf8))
                    }
                } catch let error as AppError {
                    throw CommandFailure(description: "\(error.message)")
                }
                let plan = outcome.plan
                for rejection in plan.rejected.prefix(100) {
                    print("line \(rejection.line)\(rejection.employeeId.map { " (\($0))" } ?? ""): \(rejection.message)")
                }
                if plan.rejected.count > 100 { print("… and \(plan.rejected.count - 100) more rejected rows") }
                for note in plan.notes { print("note: \(note)") }
                if !plan.ignoredColumns.isEmpty { print("ignored columns: \(plan.ignoredColumns.joined(separator: ", "))") }
                let seconds = Date().timeIntervalSince(started)
                let rate = seconds > 0 ? Int(Double(plan.totalRows) / seconds) : plan.totalRows
                switch outcome {
                case .applied(_, let record):
                    print("Imported \(record.fileName): \(plan.summary). Import #\(record.id) in \(String(format: "%.1f", seconds)) s (\(rate) rows/s).")
                case .planned(_, let refusal?):
                    throw CommandFailure(description: "\(refusal) (\(plan.summary))")
                case .planned:
                    print(dryRun ? "Dry run: \(plan.summary). Nothing was written." : "Nothing to change: \(plan.summary).")
                }
            }
        }
    }
}
