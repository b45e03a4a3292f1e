// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "tandem",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tandem", targets: ["tandem"]),
        .executable(name: "tandem-bench", targets: ["TandemBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/JohnSundell/Plot.git", from: "0.14.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/yaslab/CSV.swift.git", from: "2.5.2"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/JohnSundell/Ink.git", from: "0.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        .executableTarget(
            name: "tandem",
            dependencies: [
                "TandemApp", "People", "Audit", "Accounts", "TandemCore", "Audiences", "SCIM", "Content", "Delivery", "Feed", "Engagement", "Analytics", "Listening",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "TandemBench",
            dependencies: [
                "TandemApp", "People", "Audiences", "Audit", "TandemStore", "Content", "Accounts", "TandemCore", "Delivery", "Feed", "Engagement", "Analytics", "Listening",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TandemCore",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TandemStore",
            dependencies: [
                "TandemCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TandemUI",
            dependencies: [
                "TandemCore",
                .product(name: "Plot", package: "Plot"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Audit",
            dependencies: ["TandemCore", "TandemStore", "TandemUI"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Accounts",
            dependencies: [
                "TandemCore", "TandemStore", "TandemUI", "Audit",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "People",
            dependencies: ["TandemCore", "TandemStore", "TandemUI", "Audit", .product(name: "CSV", package: "CSV.swift")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Audiences",
            dependencies: ["TandemCore", "TandemStore", "TandemUI", "People", "Audit"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SCIM",
            dependencies: ["TandemCore", "TandemStore", "TandemUI", "Audit", "People", "Accounts"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Content",
            dependencies: [
                "TandemCore", "TandemStore", "TandemUI", "Audit", "Accounts", "People", "Audiences",
                .product(name: "Ink", package: "Ink"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Delivery",
            dependencies: [
                "TandemCore", "TandemStore", "TandemUI", "Audit", "Content", "Audiences", "Engagement",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Plot", package: "Plot"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Engagement",
            dependencies: [
                "TandemCore", "TandemStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Listening",
            dependencies: [
                // Analytics and Engagement for the joint view (surveys read beside engagement) and
                // the survey KPI metrics; Analytics never imports Listening.
                "TandemCore", "TandemStore", "TandemUI", "Audit", "People", "Audiences", "Sentiment", "Analytics", "Engagement", "Delivery",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Plot", package: "Plot"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Sentiment",
            resources: [.copy("Lexicon")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SentimentTests",
            dependencies: ["Sentiment"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Analytics",
            dependencies: [
                "TandemCore", "TandemStore", "TandemUI", "Audit", "Content", "Engagement",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Plot", package: "Plot"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Feed",
            dependencies: [
                "TandemCore", "TandemStore", "TandemUI", "Audit", "Accounts", "People", "Content", "Delivery", "Engagement",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TandemApp",
            dependencies: [
                "Content", "Delivery", "Feed", "Engagement", "Analytics", "Listening",
                "TandemCore", "TandemStore", "TandemUI", "Audit", "Accounts", "People", "Audiences", "SCIM",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TandemStoreTests",
            dependencies: ["TandemStore", "TandemTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AccountsTests",
            dependencies: ["Accounts", "Audit", "TandemTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TandemUITests",
            dependencies: ["TandemUI", "TandemCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PeopleTests",
            dependencies: ["People", "Audit", "TandemTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AudiencesTests",
            dependencies: ["Audiences", "People", "Audit", "TandemTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SCIMTests",
            dependencies: ["SCIM", "People", "Audit", "TandemTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ContentTests",
            dependencies: ["Content", "TandemCore", "TandemStore", "TandemTesting", "Audit", "Accounts"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DeliveryTests",
            dependencies: ["Delivery", "Engagement", "Content", "Audiences", "People", "Accounts", "Audit", "TandemCore", "TandemStore", "TandemTesting",
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AnalyticsTests",
            dependencies: ["Analytics", "Engagement", "People", "Audit", "TandemApp", "TandemCore", "TandemStore", "TandemTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TandemAppTests",
            dependencies: [
                "TandemApp", "TandemTesting", "SCIM", "Content", "Delivery", "Feed", "Engagement", "Analytics", "Listening",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TandemTesting",
            dependencies: ["TandemStore", "TandemCore"],
            path: "Tests/TandemTesting",
            swiftSettings: swiftSettings
        ),
    ]
)
