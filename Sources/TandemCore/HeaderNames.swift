public import HTTPTypes

extension HTTPField.Name {
    public static let requestID = HTTPField.Name("X-Request-Id")!
    public static let csrfToken = HTTPField.Name("X-CSRF-Token")!
    public static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    public static let frameOptions = HTTPField.Name("X-Frame-Options")!
    public static let referrer = HTTPField.Name("Referrer-Policy")!
}
