import ArgumentParser
import Foundation
import Listening
import TandemApp
import TandemCore
import TandemStore

struct SurveyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "surveys", abstract: "Surveys for scripts and reports: list them, print results (with the privacy thresholds applied), remind and send.",
        subcommands: [List.self, Results.self, Remind.self, Send.self])

    struct Remind: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Plan a reminder to everyone asked who has not answered (by the survey's email and SMS channels); `tandem surveys send` or a running server sends it.")
        @OptionGroup var storage: StorageOptions
        @Argument(help: "The survey's id ('tandem surveys list' shows them).") var id: Int64

        func run() async throws {
            let configuration = try storage.configuration()
            try await withDatabase(configuration) { database in
                let feature = TandemServices(configuration: configuration, database: database).listening
                do {
                    let (round, planned) = try await feature.messages.remind(id, by: .cli())
                    print("reminder \(round): \(planned) messages planned to people who have not answered")
                } catch let error as AppError {
                    throw ValidationError(error.message)
                }
            }
        }
    }

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open scheduled surveys and due pulse waves, ask people whose lifecycle day has come, count the waiting anonymous answers of surveys past their closing day, plan due automatic reminders, and send survey invitations, reminders and chat posts now (what a running server does every few seconds).")
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let configuration = try storage.configuration()
            try await withDatabase(configuration) { database in
                let services = TandemServices(configuration: configuration, database: database)
                let feature = services.listening
                let scheduled = try await feature.surveys.openScheduled()
                for survey in scheduled.opened { print("scheduled survey \(survey.id) opened: \(survey.invited) people asked") }
                for failure in scheduled.failed { print("scheduled survey \(failure.survey) did not open: \(failure.reason)") }
                let pulses = try await feature.pulses.tick()
                for wave in pulses.opened { print("pulse wave opened: survey \(wave.survey), \(wave.invited) people asked") }
                for wave in pulses.failed { print("pulse wave \(wave.survey) did not open: \(wave.reason)") }
                for asked in try await feature.lifecycle.tick() { print("lifecycle survey \(asked.survey): \(asked.invited) people reached their day") }
                let counted = try await feature.surveys.settleEnded()
                if counted > 0 { print("surveys that stopped taking answers: \(counted) waiting anonymous answers counted") }
                for id in try await feature.messages.dueReminders() {
                    let (round, planned) = try await feature.messages.remind(id, by: .cli(), automatic: true)
                    print("survey \(id): automatic reminder \(round) to \(planned) people")
                }
                let outcome = try await feature.messenger.drain(progress: { soFar in
                    FileHandle.standardError.write(Data("\r\(soFar.total) survey messages handled".utf8))
                })
                await services.delivery.email?.shutdown()
                if outcome.total > 0 { FileHandle.standardError.write(Data("\n".utf8)) }
                print("survey messages: \(outcome.sent) sent, \(outcome.retrying) to retry, \(outcome.dead) dead, \(outcome.skipped) not needed (answered, opted out or closed)")
                if let chat = feature.chat {
                    let posted = try await chat.drain()
                    print("survey chat posts: \(posted.sent) sent, \(posted.retrying) to retry, \(posted.dead) dead, \(posted.skipped) not needed (closed)")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print surveys: id, title, privacy, state, asked, answered (tab-separated).")
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let configuration = try storage.configuration()
            try await withDatabase(configuration) { database in
                let feature = TandemServices(configuration: configuration, database: database).listening
                let counts = try await feature.responses.counts()
                print(["survey", "title", "privacy", "state", "asked", "answered"].joined(separator: "\t"))
                for survey in try await feature.surveys.all() {
                    print([String(survey.id), survey.title.replacingOccurrences(of: "\t", with: " "), survey.mode.rawValue, survey.state.rawValue,
                           String(survey.invited), String(counts[survey.id] ?? 0)].joined(separator: "\t"))
                }
            }
        }
    }

    struct Results: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one survey's results as JSON (the same as GET /api/v1/surveys/{id}/results).")
        @OptionGroup var storage: StorageOptions
        @Argument(help: "The survey's id ('tandem surveys list' shows them).") var id: Int64
        @Option(name: .customLong("filter"), help: "attribute=value, e.g. department=Sales (up to two; attributes: country, department, site, worker_type).")
        var filters: [String] = []

        func run() async throws {
            let configuration = try storage.configuration()
            let parsed = try filters.map { raw -> SurveyResults.Filter in
                let parts = raw.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, let dimension = SurveyDimension(rawValue: parts[0]), !parts[1].isEmpty else {
                    throw ValidationError("--filter takes attribute=value with attribute one of \(SurveyDimension.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                return SurveyResults.Filter(dimension: dimension, value: parts[1])
            }
            try await withDatabase(configuration) { database in
                let feature = TandemServices(configuration: configuration, database: database).listening
                guard let survey = try await feature.surveys.find(id: id) else { throw ValidationError("There is no survey \(id). 'tandem surveys list' shows them.") }
                do {
                    print(String(decoding: try JSONCoding.encoder.encode(try await feature.results.results(survey, filters: parsed)), as: UTF8.self))
                } catch let error as AppError {
                    throw ValidationError(error.message)
                }
            }
        }
    }
}
