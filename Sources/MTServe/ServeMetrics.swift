import Foundation
import Prometheus

/// The server's metrics in Prometheus's text format (GET /metrics): requests by route and
/// status, request latency by route, batch sizes, queue depth, sentences and tokens
/// translated, model reloads. swift-prometheus keeps the values and writes the format.
public final class ServeMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let batchSentences: ValueHistogram
    private let queueSentences: Gauge
    private let sentences: Counter
    private let sourceTokens: Counter
    private let targetTokens: Counter

    static let latencyBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
    ]

    public init() {
        batchSentences = registry.makeValueHistogram(
            descriptor: Self.name("batch", "sentences", "Sentences per search batch"),
            buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256])
        queueSentences = registry.makeGauge(
            descriptor: Self.name("queue", "sentences", "Sentences waiting for a search thread"))
        sentences = registry.makeCounter(
            descriptor: Self.name("sentences_translated", "total", "Sentences translated"))
        sourceTokens = registry.makeCounter(
            descriptor: Self.name("source_tokens", "total", "Source subwords translated"))
        targetTokens = registry.makeCounter(
            descriptor: Self.name("target_tokens", "total", "Target subwords produced by the best outputs, with </s>"))
    }

    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "mtserve", metricName: metric, unitName: unit, helpText: help)
    }

    /// One answered request; `route` is the route's pattern (bounded label values).
    public func request(route: String, status: Int, seconds: Double) {
        registry.makeCounter(
            descriptor: Self.name("requests", "total", "HTTP requests answered, by route and status"),
            labels: [("route", route), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.name("request_duration", "seconds", "Time from request to response, by route"),
            labels: [("route", route)], buckets: Self.latencyBuckets
        ).record(.nanoseconds(Int64(seconds * 1e9)))
    }

    func batch(sentences n: Int) { batchSentences.record(Double(n)) }

    func queue(depth: Int) { queueSentences.set(to: Double(depth)) }

    func translated(sentences n: Int, sourceTokens s: Int, targetTokens t: Int) {
        sentences.increment(by: Int64(n))
        sourceTokens.increment(by: Int64(s))
        targetTokens.increment(by: Int64(t))
    }

    func reload(model: String, succeeded: Bool) {
        registry.makeCounter(
            descriptor: Self.name("model_reloads", "total", "Model reloads, by model and result"),
            labels: [("model", model), ("result", succeeded ? "ok" : "failed")]
        ).increment()
    }

    public func text() -> String { registry.emitToString() }
}
