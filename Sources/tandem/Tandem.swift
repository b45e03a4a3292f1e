import ArgumentParser
import TandemApp

@main
struct TandemCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tandem",
        abstract: "Workforce communications for HR, Internal Communications and Marketing.",
        version: Tandem.version,
        subcommands: [Serve.self, Migrate.self, UserCommand.self, TokenCommand.self, ImportCommand.self, AudienceCommand.self, AttributeCommand.self, CalendarCommand.self, DeliveryCommand.self, SignageCommand.self, AnalyticsCommand.self, SurveyCommand.self, EmployeeCommand.self, Demo.self, BackupCommand.self, RestoreCommand.self],
        defaultSubcommand: Serve.self)
}
