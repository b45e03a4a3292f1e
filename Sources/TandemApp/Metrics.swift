import Metrics
import Prometheus

/// The process-wide metrics registry. swift-metrics can be bootstrapped once per process, so
/// the first use does it; serve and the tests share the same path.
enum TandemMetrics {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Prometheus names allow [a-zA-Z0-9_]; swift-metrics labels use dots.
        factory.nameAndLabelSanitizer = { name, labels in
            (name.replacingOccurrences(of: ".", with: "_"), labels.map { ($0.0.replacingOccurrences(of: ".", with: "_"), $0.1) })
        }
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    static let writeQueue = registry.makeGauge(name: "tandem_db_write_queue_depth", help: "Transactions waiting for the SQLite writer")
    static let connections = registry.makeGauge(name: "tandem_db_connections", help: "Database connections this node may open")
}
