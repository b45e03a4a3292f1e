import Foundation

/// A reproducible demo workforce: the same seed always gives the same people, so demo data,
/// screenshots and tests agree. Numbers are plausible, not real.
public enum DemoPeople {
    struct Country {
        let code: String, region: String, language: String, timeZone: String, currency: String, phone: String
        let sites: [String], payFactor: Double, share: Int
        let given: [String], family: [String]
    }

    static let countries: [Country] = [
        Country(code: "US", region: "Americas", language: "en-US", timeZone: "America/Chicago", currency: "USD", phone: "+1312555", sites: ["Chicago HQ", "Dallas DC", "Columbus Plant", "Atlanta Store 12"], payFactor: 1.0, share: 30,
                given: ["James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "Aaliyah", "Carlos", "Tyrone", "Emily"], family: ["Smith", "Johnson", "Williams", "Brown", "Garcia", "Miller", "Davis", "Rodriguez", "Nguyen", "Jackson"]),
        Country(code: "GB", region: "EMEA", language: "en-GB", timeZone: "Europe/London", currency: "GBP", phone: "+4420795", sites: ["London Office", "Manchester DC"], payFactor: 0.75, share: 9,
                given: ["Oliver", "Amelia", "Harry", "Isla", "George", "Priya", "Mohammed", "Chloe"], family: ["Taylor", "Jones", "Evans", "Patel", "Wilson", "Khan", "Roberts", "Hughes"]),
        Country(code: "DE", region: "EMEA", language: "de-DE", timeZone: "Europe/Berlin", currency: "EUR", phone: "+4930555", sites: ["Berlin Office", "Leipzig Plant", "Hamburg DC"], payFactor: 0.8, share: 10,
                given: ["Lukas", "Anna", "Leon", "Sophie", "Finn", "Marie", "Emre", "Lea"], family: ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Yilmaz", "Becker", "Wagner"]),
        Country(code: "FR", region: "EMEA", language: "fr-FR", timeZone: "Europe/Paris", currency: "EUR", phone: "+3314555", sites: ["Paris Office", "Lyon Plant"], payFactor: 0.75, share: 6,
                given: ["Gabriel", "Louise", "Raphaël", "Jade", "Arthur", "Inès", "Karim"], family: ["Martin", "Bernard", "Dubois", "Durand", "Lefebvre", "Benali", "Moreau"]),
        Country(code: "BR", region: "Americas", language: "pt-BR", timeZone: "America/Sao_Paulo", currency: "BRL", phone: "+5511955", sites: ["São Paulo Office", "Campinas Plant", "Recife Store 3"], payFactor: 0.35, share: 10,
                given: ["João", "Maria", "Pedro", "Ana", "Lucas", "Juliana", "Rafael", "Beatriz"], family: ["Silva", "Santos", "Oliveira", "Souza", "Lima", "Pereira", "Costa", "Ferreira"]),
        Country(code: "IN", region: "APAC", language: "en-IN", timeZone: "Asia/Kolkata", currency: "INR", phone: "+9198555", sites: ["Bengaluru Office", "Pune Plant"], payFactor: 0.25, share: 9,
                given: ["Aarav", "Diya", "Vihaan", "Ananya", "Arjun", "Isha", "Rohan", "Kavya"], family: ["Sharma", "Patel", "Reddy", "Iyer", "Gupta", "Nair", "Singh", "Rao"]),
        Country(code: "JP", region: "APAC", language: "ja-JP", timeZone: "Asia/Tokyo", currency: "JPY", phone: "+8135555", sites: ["Tokyo Office", "Osaka DC"], payFactor: 0.7, share: 5,
                given: ["Haruto", "Yui", "Sota", "Hina", "Ren", "Aoi"], family: ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito"]),
        Country(code: "CA", region: "Americas", language: "en-CA", timeZone: "America/Toronto", currency: "CAD", phone: "+1416555", sites: ["Toronto Office", "Montreal Store 7"], payFactor: 0.8, share: 5,
                given: ["Liam", "Olivia", "Noah", "Charlotte", "Étienne", "Maya"], family: ["Tremblay", "Roy", "Campbell", "Wong", "Gagnon", "MacDonald"]),
        Country(code: "ES", region: "EMEA", language: "es-ES", timeZone: "Europe/Madrid", currency: "EUR", phone: "+3491555", sites: ["Madrid Office", "Valencia DC"], payFactor: 0.6, share: 4,
                given: ["Hugo", "Lucía", "Martín", "Sofía", "Pablo", "Carmen"], family: ["García", "Fernández", "López", "Martínez", "Sánchez", "Romero"]),
        Country(code: "MX", region: "Americas", language: "es-MX", timeZone: "America/Mexico_City", currency: "MXN", phone: "+5255555", sites: ["Monterrey Plant", "Mexico City Office"], payFactor: 0.3, share: 5,
                given: ["Santiago", "Valentina", "Mateo", "Regina", "Diego", "Ximena"], family: ["Hernández", "González", "Ramírez", "Torres", "Flores", "Cruz"]),
        Country(code: "PL", region: "EMEA", language: "pl-PL", timeZone: "Europe/Warsaw", currency: "PLN", phone: "+4822555", sites: ["Warsaw Service Centre", "Wrocław DC"], payFactor: 0.4, share: 3,
                given: ["Jakub", "Zuzanna", "Antoni", "Julia", "Szymon", "Maja"], family: ["Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamińska", "Lewandowski"]),
        Country(code: "SG", region: "APAC", language: "en-SG", timeZone: "Asia/Singapore", currency: "SGD", phone: "+6565555", sites: ["Singapore Office"], payFactor: 0.8, share: 2,
                given: ["Wei", "Hui Min", "Arjun", "Nurul", "Jun Jie"], family: ["Tan", "Lim", "Lee", "Ng", "Rahman"]),
        Country(code: "NL", region: "EMEA", language: "nl-NL", timeZone: "Europe/Amsterdam", currency: "EUR", phone: "+3120555", sites: ["Amsterdam Office", "Venlo DC"], payFactor: 0.8, share: 1,
                given: ["Daan", "Emma", "Sem", "Tess", "Noah"], family: ["de Jong", "Jansen", "de Vries", "Bakker", "Visser"]),
        Country(code: "AU", region: "APAC", language: "en-AU", timeZone: "Australia/Sydney", currency: "AUD", phone: "+6129555", sites: ["Sydney Office", "Melbourne Store 4"], payFactor: 0.85, share: 1,
                given: ["Jack", "Matilda", "William", "Ruby", "Thomas"], family: ["Smith", "Jones", "Kelly", "Nguyen", "O'Brien"]),
    ]

    /// Departments, whether their people mostly work on the front line, and typical titles.
    static let departments: [(name: String, frontline: Bool, titles: [String])] = [
        ("Operations", true, ["Production Associate", "Line Lead", "Shift Supervisor", "Operations Manager"]),
        ("Retail", true, ["Store Associate", "Cashier", "Store Supervisor", "Store Manager"]),
        ("Logistics", true, ["Warehouse Associate", "Forklift Operator", "Dispatcher", "Logistics Manager"]),
        ("Customer Service", true, ["Service Agent", "Senior Service Agent", "Team Lead", "Service Manager"]),
        ("Engineering", false, ["Software Engineer", "Senior Engineer", "Staff Engineer", "Engineering Manager"]),
        ("Sales", false, ["Account Executive", "Sales Representative", "Senior Account Executive", "Sales Director"]),
        ("Marketing", false, ["Marketing Specialist", "Content Manager", "Brand Manager", "Head of Marketing"]),
        ("Human Resources", false, ["HR Coordinator", "HR Business Partner", "Benefits Specialist", "HR Director"]),
        ("Finance", false, ["Accountant", "Financial Analyst", "Controller", "Finance Director"]),
        ("IT", false, ["Support Technician", "Systems Administrator", "IT Manager"]),
    ]

    /// Annual base pay in USD at job level L1…L8, before the country factor.
    static let basePay: [Double] = [34_000, 42_000, 55_000, 72_000, 95_000, 125_000, 165_000, 220_000]
    /// IRS 401(k) highly-compensated threshold for plan year 2025 (prior-year pay of $160,000; IRS Notice 2024-80).
    static let hceThreshold: Double = 160_000

    /// Builds `count` employees. Frontline staff often have no work email, only a mobile phone.
    public static func generate(count: Int, seed: UInt64 = 2026, today: String = EmployeeRules.today()) -> [Employee] {
        var random = SplitMix64(seed: seed)
        let weighted = countries.flatMap { Array(repeating: $0, count: $0.share) }
        var people: [Employee] = []
        var leaders: [String: String] = [:]  // country+department → employee id of its most senior person so far
        var leaderLevel: [String: Int] = [:]
        people.reserveCapacity(count)
        for index in 1...max(1, count) {
            let country = weighted[random.next(below: weighted.count)]
            let department = departments[random.next(below: departments.count)]
            let frontline = department.frontline ? random.chance(0.85) : random.chance(0.05)
            let level = frontline ? 1 + random.next(below: 3) : 2 + random.next(below: 6)
            let given = country.given[random.next(below: country.given.count)]
            let family = country.family[random.next(below: country.family.count)]
            let id = String(format: "E%05d", index)
            let key = country.code + department.name
            let manager = leaders[key]
            if level > leaderLevel[key, default: 0] {
                leaders[key] = id
                leaderLevel[key] = level
            }
            let pay = (basePay[level - 1] * country.payFactor * (0.9 + Double(random.next(below: 21)) / 100)).rounded()
            let hce = country.code == "US" && pay >= hceThreshold
            let yearsAgo = random.next(below: 12)
            let hireDate = String(format: "%04d-%02d-%02d", 2026 - yearsAgo, 1 + random.next(below: 12), 1 + random.next(below: 28))
            let leaver = random.chance(0.05)
            let slug = "\(given).\(family)".lowercased().folding(options: .diacriticInsensitive, locale: nil).filter { $0.isLetter || $0 == "." }
            var benefits: [BenefitEnrollment] = []
            if country.code == "US" {
                let enrolled = random.chance(hce ? 0.9 : 0.55)
                benefits.append(BenefitEnrollment(plan: "401k", enrolled: enrolled, deferralPercent: enrolled ? Double(2 + random.next(below: 9)) : nil))
            }
            people.append(Employee(
                id: 0, employeeId: id, givenName: given, familyName: family, preferredName: nil,
                workEmail: frontline && random.chance(0.7) ? nil : "\(slug)\(index)@demo.example",
                mobilePhone: country.phone + String(format: "%04d", random.next(below: 10_000)),
                language: country.language, timeZone: country.timeZone, country: country.code, region: country.region,
                site: country.sites[random.next(below: country.sites.count)], department: department.name,
                team: "\(department.name) \(["North", "South", "East", "West"][random.next(below: 4)])",
                jobTitle: department.titles[min(department.titles.count - 1, (level - 1) / 2)], jobLevel: "L\(level)", managerId: manager,
                employmentType: random.chance(0.08) ? .contractor : random.chance(frontline ? 0.25 : 0.07) ? .partTime : .fullTime,
                workerType: frontline ? .frontline : .desk, hireDate: hireDate,
                terminationDate: leaver ? String(format: "2026-%02d-%02d", 1 + random.next(below: 10), 1 + random.next(below: 28)) : nil,
                sensitive: SensitiveFields(payBand: "L\(level)-\(country.code)", annualPay: pay, payCurrency: country.currency, hce: hce, benefits: benefits)))
        }
        return people
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): tiny, fast and good enough for reproducible demo data.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }
    mutating func chance(_ probability: Double) -> Bool { Double(next() % 1_000_000) / 1_000_000 < probability }
}
