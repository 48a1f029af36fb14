import Foundation
import Testing

@testable import MTTrain

/// The communication thread's buckets and the order it sums them in.
@Suite struct OverlappedGradientSumTests {
    @Test func bucketsCoverEveryParameterOnceInStageOrder() {
        // Parameters 0..4 at 16-element alignment; stage 0 holds 3 and 4, stage 1 holds 0 and 2, stage 2 holds 1.
        let counts = [10, 3, 40, 16, 5], offsets = [0, 16, 32, 80, 96]
        let buckets = OverlappedGradientSum.buckets(
            stages: [[4, 3], [0, 2], [1]], offsets: offsets, counts: counts, maxElements: 16)
        #expect(buckets.map(\.stage) == buckets.map(\.stage).sorted(), "stage by stage")
        #expect(buckets.allSatisfy { $0.range.count <= 16 && !$0.range.isEmpty })
        // 3 and 4 are neighbours: one run (with 4's padding-free start), cut at 16.
        #expect(buckets.filter { $0.stage == 0 }.map(\.range) == [80..<96, 96..<101])
        #expect(buckets.filter { $0.stage == 1 }.map(\.range) == [0..<10, 32..<48, 48..<64, 64..<72])
        #expect(buckets.filter { $0.stage == 2 }.map(\.range) == [16..<19])
        for (i, n) in counts.enumerated() {
            let covering = buckets.reduce(0) { $0 + $1.range.clamped(to: offsets[i]..<(offsets[i] + n)).count }
            #expect(covering == n, "parameter \(i)")
        }
    }

    /// A stage is summed once every worker reported it, before the later stages are final,
    /// and the buckets go in their fixed order whatever order the reports come in.
    @Test func bucketsAreSummedAsSoonAsEveryWorkerReportedThem() throws {
        final class Record: @unchecked Sendable {
            let lock = NSLock()
            var ranges: [Range<Int>] = []
            var snapshot: [Range<Int>] { lock.lock(); defer { lock.unlock() }; return ranges }
        }
        let record = Record()
        let sum = OverlappedGradientSum(
            stages: [[0], [1], [2]], offsets: [0, 16, 32], counts: [10, 10, 10], maxElements: 4
        ) { range, _ in
            record.lock.lock()
            record.ranges.append(range)
            record.lock.unlock()
        }
        defer { sum.stop() }
        let stage0 = sum.buckets.filter { $0.stage == 0 }.map(\.range)
        for update in 0..<2 {
            record.lock.lock()
            record.ranges = []
            record.lock.unlock()
            sum.begin(workers: 2)
            sum.report(0)
            sum.report(0)
            sum.report(1)  // one of two workers
            let deadline = Date().addingTimeInterval(20)
            while record.snapshot.count < stage0.count, Date() < deadline { usleep(1000) }
            #expect(record.snapshot == stage0, "update \(update): stage 0 summed while 1 and 2 are not final")
            usleep(50_000)
            #expect(record.snapshot == stage0, "update \(update): stage 1 waits for its second worker")
            sum.report(2)
            sum.report(2)
            sum.report(1)
            sum.finishComputing()
            sum.wait()
            #expect(record.snapshot == sum.buckets.map(\.range), "update \(update)")
        }
        #expect(sum.busySeconds >= 0 && sum.exposedSeconds >= 0)
    }
}
