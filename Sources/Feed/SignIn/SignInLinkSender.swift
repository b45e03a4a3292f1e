import Delivery
import Foundation
import Logging

/// Sends a sign-in link by email or SMS, matching how the person asked (their work email or
/// their mobile number). Failures are logged, not shown: the page answers the same whether or
/// not the person exists.
struct SignInLinkSender: Sendable {
    let email: EmailAdapter?
    let sms: SMSAdapter
    let logger: Logger

    func send(_ link: String, to recipient: MagicLinkStore.Recipient, via identifier: SignInIdentifier, minutes: Int) async -> Bool {
        do {
            switch identifier {
            case .email:
                guard let address = recipient.email else { return false }
                guard let email else {
                    logger.warning("sign-in link not sent: no SMTP server is configured (set TANDEM_SMTP_URL)", metadata: ["employee": "\(recipient.employeeID)"])
                    return false
                }
                try await email.sendSignInLink(to: address, name: recipient.name, link: link, minutes: minutes)
            case .phone(let number):
                _ = try await sms.sendText(to: number, text: "Your Tandem sign-in link (works once, for \(minutes) minutes): \(link)")
            }
            return true
        } catch {
            logger.warning("sign-in link not sent: \(error)", metadata: ["employee": "\(recipient.employeeID)"])
            return false
        }
    }
}
