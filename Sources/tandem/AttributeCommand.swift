import ArgumentParser
import Audit
import Foundation
import People
import TandemApp
import TandemCore

struct AttributeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attribute", abstract: "Define the custom attributes of employee records (values come from imports: attr.NAME columns).",
        subcommands: [List.self, Define.self, Delete.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List custom attributes: name, type, HR-only, employees with a value, options.")
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let configuration = try storage.configuration()
            try await withDatabase(configuration) { database in
                let store = AttributeStore(database: database)
                let attributes = try await store.all()
                let usage = try await store.usage()
                if attributes.isEmpty { FileHandle.standardError.write(Data("No custom attributes. Define one with: tandem attribute define NAME --kind text\n".utf8)) }
                for attribute in attributes {
                    print([attribute.fieldName, attribute.kind.rawValue, attribute.sensitive ? "hr-only" : "-", String(usage[attribute.name] ?? 0),
                           attribute.options.joined(separator: "|"), attribute.label].joined(separator: "\t"))
                }
            }
        }
    }

    struct Define: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Define a custom attribute, or change the label, options or HR-only flag of one.",
            discussion: "Example: tandem attribute define shift --kind list --options day,evening,night --label 'Shift pattern'")
        @OptionGroup var storage: StorageOptions
        @Argument(help: "Lower-case name: letters, digits, _ (rules and CSV columns use attr.NAME).") var name: String
        @Option(help: "text, number, date, boolean or list.") var kind: String
        @Option(help: "The label shown on pages.") var label: String?
        @Option(help: "For list attributes: the allowed values, comma-separated.") var options: String = ""
        @Flag(name: .customLong("hr-only"), help: "Only HR sees, imports and targets it (like pay).") var hrOnly = false
        @Option(help: "What it means and where it comes from.") var description: String = ""

        func run() async throws {
            let configuration = try storage.configuration()
            try await withDatabase(configuration) { database in
                do {
                    guard let kind = AttributeKind(rawValue: kind) else {
                        throw AppError.invalid("kind", "--kind must be one of \(AttributeKind.allCases.map(\.rawValue).joined(separator: ", ")).")
                    }
                    let draft = try AttributeDraft(name: name, label: label, kind: kind, options: options.split(separator: ",").map(String.init),
                                                   sensitive: hrOnly, description: description)
                    let store = AttributeStore(database: database)
                    let actor = AuditActor.cli("cli:" + NSUserName())
                    let saved: AttributeDefinition
                    if try await store.find(name: draft.name) != nil {
                        saved = try await store.update(draft.name, draft, usedBy: try await TandemServices.attributeUsers(draft.name, database: database), by: actor)
                    } else {
                        saved = try await store.create(draft, by: actor)
                    }
                    print("Saved \(saved.fieldName) (\(saved.kind.rawValue)\(saved.sensitive ? ", HR-only" : "")). Import values with a CSV column named \(saved.fieldName).")
                } catch let error as AppError {
                    throw CommandFailure(description: error.message)
                }
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a custom attribute and all its values (refused while a saved audience uses it).")
        @OptionGroup var storage: StorageOptions
        @Argument(help: "The attribute's name.") var name: String

        func run() async throws {
            let configuration = try storage.configuration()
            try await withDatabase(configuration) { database in
                do {
                    try await AttributeStore(database: database).delete(
                        name, usedBy: try await TandemServices.attributeUsers(name, database: database), by: AuditActor.cli("cli:" + NSUserName()))
                    print("Deleted attr.\(name) and its values.")
                } catch let error as AppError {
                    throw CommandFailure(description: error.message)
                }
            }
        }
    }
}
