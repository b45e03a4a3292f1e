import ArgumentParser
import Audiences
import Content
import Delivery
import Audit
import Foundation
import TandemApp
import TandemCore

struct DeliveryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delivery", abstract: "Publish due posts, freeze audiences into deliveries, and show a post's delivery.",
        subcommands: [Run.self, Status.self, EmailFlags.self, TestEmail.self, SMS.self, Destinations.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One pass of what `serve` does every few seconds: publish due posts, freeze audiences, then send what is due.",
            discussion: "For cron or scripts when no server runs. Safe to run while servers run: walks are leased and idempotent.")
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let configuration = try storage.configuration()
            try await withDatabase(configuration) { database in
                let services = TandemServices(configuration: configuration, database: database)
                let pass = try await services.delivery.scheduler.tick()
                for id in pass.published { print("published post \(id)") }
                for send in pass.resolved {
                    print("post \(send.postID): \(send.state.rawValue), \(send.people) people, \(send.deliveries) deliveries, \(send.unreachable) unreachable")
                }
                let reminders = try await services.delivery.worker.remindUnacknowledged()
                if reminders > 0 { print("\(reminders) reminders of critical posts not yet acknowledged") }
                let cancelled = try await services.delivery.worker.cancelWithdrawn()
                if cancelled > 0 { print("cancelled \(cancelled) deliveries of withdrawn posts") }
                let sent = try await services.delivery.worker.drain()
                let digests = try await services.delivery.digests?.runOnce() ?? DigestSender.Outcome()
                await services.delivery.email?.shutdown()
                if sent.claimed > 0 {
                    print("deliveries: \(sent.sent) sent, \(sent.retrying) to retry, \(sent.dead) dead, \(sent.skipped) skipped (unsubscribed), \(sent.held) held (quiet hours or digests)")
                }
                if digests.sent + digests.retrying + digests.dead > 0 { print("digests: \(digests.sent) sent, \(digests.retrying) to retry, \(digests.dead) dead") }
                _ = try await services.delivery.destinationWorker.cancelWithdrawn()
                let posted = try await services.delivery.destinationWorker.drain()
                if posted.claimed > 0 { print("chat and webhooks: \(posted.sent) sent, \(posted.retrying) to retry, \(posted.dead) dead") }
                if pass.published.isEmpty && pass.resolved.isEmpty && sent.claimed == 0 && cancelled == 0 && posted.claimed == 0 && digests.sent + digests.retrying + digests.dead == 0 {
                    print("Nothing was due.")
                }
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a post's frozen audience and its deliveries per channel and state (tab-separated).")
        @OptionGroup var storage: StorageOptions
        @Argument(help: "The post's id.") var post: Int64

        func run() async throws {
            let configuration = try storage.configuration()
            try await withDatabase(configuration) { database in
                let status = try await DeliveryStore(database: database).status(of: post)
                guard let send = status.send else {
                    throw ValidationError("Post \(post) has not been published (or does not exist); its audience is frozen when it is published.")
                }
                print("post \(post)\tv\(send.version)\t\(send.state.rawValue)\tpeople \(send.people)\tdeliveries \(send.deliveries)\tunreachable \(send.unreachable)")
                print("rule\t\(send.rule)")
                print((["channel"] + DeliveryState.allCases.map(\.rawValue) + ["total"]).joined(separator: "\t"))
                for line in status.channels {
                    print(([line.channel.rawValue] + DeliveryState.allCases.map { String(line.counts[$0.rawValue] ?? 0) } + [String(line.total)]).joined(separator: "\t"))
                }
                let services = TandemServices(configuration: configuration, database: database)
                for destination in try await services.delivery.destinationWorker.status(post: post) {
                    print("destination\t\(destination.name)\t\(destination.kind.rawValue)\t\(destination.state.rawValue)\tattempts \(destination.attempts)\t\(destination.error ?? "")")
                }
            }
        }
    }

    struct EmailFlags: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "email-flags", abstract: "List the addresses the SMTP server refused for good (tab-separated), or clear one.")
        @OptionGroup var storage: StorageOptions
        @Option(help: "Clear this address's flag so email is sent to it again.") var clear: String?

        func run() async throws {
            let configuration = try storage.configuration()
            try await withDatabase(configuration) { database in
                let flags = EmailFlagStore(database: database)
                if let clear {
                    guard try await flags.clear(clear, by: AuditActor(userID: nil, label: "cli", channel: .cli)) else {
                        throw ValidationError("\(clear) is not flagged; `tandem delivery email-flags` lists those that are.")
                    }
                    print("cleared \(clear.lowercased())")
                    return
                }
                for flag in try await flags.list(limit: 10_000) {
                    print("\(flag.address)\t\(flag.flaggedAt.ISO8601Format())\t\(flag.reason)")
                }
            }
        }
    }

    struct TestEmail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test-email", abstract: "Send a test email through TANDEM_SMTP_URL, to check the settings.")
        @OptionGroup var storage: StorageOptions
        @Option(help: "Who gets the test email.") var to: String

        func run() async throws {
            let configuration = try storage.configuration()
            guard configuration.smtp != nil else { throw ValidationError("Set TANDEM_SMTP_URL and TANDEM_MAIL_FROM first (docs/OPERATIONS.md).") }
            try await withDatabase(configuration) { database in
                let services = TandemServices(configuration: configuration, database: database)
                guard let email = services.delivery.email else { return }
                do {
                    try await email.sendTest(to: to)
                    await email.shutdown()
                    print("sent a test email to \(to)")
                } catch {
                    await email.shutdown()
                    throw ValidationError("The test email was not sent: \(error)")
                }
            }
        }
    }

    struct SMS: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sms", abstract: "Show or set the SMS gateway, resume a paused SMS channel, or send a test message.",
            discussion: "With --url and --from the gateway is saved (the token is read from standard input with --token-stdin, never from the command line). Without options it prints the settings.")
        @OptionGroup var storage: StorageOptions
        @Option(help: "The URL messages are POSTed to (Twilio-style form: To, From, Body).") var url: String?
        @Option(help: "The sender: +15551234567 or a name of 1–11 letters and digits.") var from: String?
        @Option(help: "The Basic-auth user (Twilio: the account SID).") var username: String?
        @Flag(help: "Read the token (Basic-auth password) from standard input.") var tokenStdin = false
        @Option(help: "Messages per second per server.") var rate: Double = 10
        @Option(help: "Messages that may go at once after a lull.") var burst: Int = 20
        @Option(help: "Pause the channel after this many gateway failures in a row.") var pauseAfter: Int = 20
        @Option(help: "Seconds to wait for the gateway.") var timeout: Int = 15
        @Flag(help: "Resume a paused SMS channel.") var resume = false
        @Option(help: "Send a test message to this number.") var test: String?

        func run() async throws {
            let configuration = try storage.configuration()
            try await withDatabase(configuration) { database in
                let services = TandemServices(configuration: configuration, database: database)
                let store = services.delivery.channels
                let actor = AuditActor(userID: nil, label: "cli", channel: .cli)
                if let url, let from {
                    let token = tokenStdin ? readLine(strippingNewline: true) ?? "" : nil
                    do {
                        try await store.saveSMS(SMSGateway(url: url, from: from, username: username ?? "", ratePerSecond: rate, burst: burst,
                                                           pauseAfter: pauseAfter, timeoutSeconds: timeout), token: token, by: actor)
                    } catch let invalid as SMSGateway.Invalid {
                        throw ValidationError("--\(invalid.field.replacingOccurrences(of: "_", with: "-")): \(invalid.description)")
                    } catch let problem as ChannelSettingsStore.Problem {
                        throw ValidationError(problem.description)
                    }
                    print("saved the SMS gateway \(url)")
                } else if url != nil || from != nil {
                    throw ValidationError("Give both --url and --from to set the gateway.")
                }
                if resume { print(try await store.resume(.sms, by: actor) ? "SMS resumed" : "SMS was not paused") }
                if let test {
                    do {
                        print("the gateway accepted the test message: \(try await services.delivery.sms.sendTest(to: test) ?? "no id")")
                    } catch let failure as SendFailure {
                        throw ValidationError("The test message was not sent: \(failure)")
                    }
                }
                guard let status = try await store.status(.sms), let gateway = status.sms else {
                    print("No SMS gateway is set; SMS deliveries wait. Set one with --url and --from.")
                    return
                }
                print("url\t\(gateway.url)\nfrom\t\(gateway.from)\nusername\t\(gateway.username)\ntoken\t\(status.hasSecret ? "stored" : "none")")
                print("rate\t\(gateway.ratePerSecond)/s, burst \(gateway.burst)\npause after\t\(gateway.pauseAfter) failures in a row\ntimeout\t\(gateway.timeoutSeconds) s")
                print("state\t" + (status.paused ? "paused: \(status.pauseReason ?? "")" : "sending"))
            }
        }
    }

    struct Destinations: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "destinations", abstract: "List, add, resume or remove Slack, Teams and webhook destinations.",
            discussion: "The webhook address is read from standard input (it is a secret): echo \"$URL\" | tandem delivery destinations --add \"#all-hands\" --kind slack")
        @OptionGroup var storage: StorageOptions
        @Option(help: "Add a destination with this name (the address comes from standard input).") var add: String?
        @Option(help: "slack, teams or webhook.") var kind = "slack"
        @Option(help: "Only posts on this topic id (repeatable).") var topic: [Int64] = []
        @Flag(help: "Generic webhooks: sign requests with the secret on the second line of standard input.") var signed = false
        @Option(help: "Resume the destination with this id.") var resume: Int64?
        @Option(help: "Remove the destination with this id.") var remove: Int64?

        func run() async throws {
            let configuration = try storage.configuration()
            try await withDatabase(configuration) { database in
                let services = TandemServices(configuration: configuration, database: database)
                let store = services.delivery.destinations
                let actor = AuditActor(userID: nil, label: "cli", channel: .cli)
                if let add {
                    guard let url = readLine(strippingNewline: true), !url.isEmpty else { throw ValidationError("Give the webhook address on standard input.") }
                    let secret = signed ? readLine(strippingNewline: true) : nil
                    do {
                        let made = try await store.create(try NewDestination(name: add, kind: kind, url: url, signingSecret: secret, topicIDs: topic), by: actor)
                        print("added destination \(made.id)\t\(made.name)\t\(made.kind.rawValue)\t\(made.host)")
                    } catch let error as AppError {
                        throw ValidationError(error.message)
                    }
                    return
                }
                if let resume {
                    print(try await store.resume(resume, by: actor) ? "resumed \(resume)" : "destination \(resume) was not paused")
                    return
                }
                if let remove {
                    guard try await store.delete(remove, by: actor) else { throw ValidationError("No destination \(remove); `tandem delivery destinations` lists them.") }
                    print("removed \(remove)")
                    return
                }
                for d in try await store.list() {
                    print("\(d.id)\t\(d.name)\t\(d.kind.rawValue)\t\(d.host)\t\(d.paused ? "paused: " + (d.pauseReason ?? "") : "active")")
                }
            }
        }
    }
}
