import Foundation
import MTModel

/// The cross-rank gradient sum run while the backward pass goes on: a communication thread
/// takes the flat gradient buffer in buckets, in the order the backward pass makes them
/// final (`Seq2Seq.gradientStages`), and sums each one (`sum`, with the communicator's
/// non-blocking operations) as soon as every in-process worker of this rank has reported
/// its stage (`report`, from `Seq2Seq.gradientsFinal`).
///
/// Every rank starts the buckets' operations in the same fixed order, whatever the timing
/// of its workers, as MPI's collectives require. While the backward pass runs, the thread
/// polls a request and sleeps between polls, so it takes little of a core from the
/// computation; once the backward pass is done it polls without sleeping, as a blocking
/// call would. It is the only thread that calls the communicator from `begin` to `wait`.
final class OverlappedGradientSum: @unchecked Sendable {
    /// A range of the flat gradient buffer and the stage that makes it final.
    struct Bucket: Equatable {
        var stage: Int
        var range: Range<Int>
    }

    let buckets: [Bucket]
    /// Seconds the thread spent summing (from a bucket's readiness to its completion), and
    /// of those, the ones the trainer waited for after the backward pass: the rest was hidden.
    private(set) var busySeconds = 0.0
    private(set) var exposedSeconds = 0.0
    /// Per stage, seconds from its being final to the end of the backward pass, summed over
    /// the updates (`updates`): how much of the backward pass a bucket can hide behind.
    private(set) var leadSeconds: [Double]
    private(set) var updates = 0
    private var readyAt: [Double]

    private let condition = NSCondition()
    /// Reports per stage in this update, and how many make a stage final (the workers).
    private var reported: [Int]
    private var needed = 0
    private var computing = false
    private var stopping = false
    private let start = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private let sum: (_ range: Range<Int>, _ overlap: OverlappedGradientSum) -> Void
    private var computeEnd = 0.0

    /// Sleep between polls while the backward pass runs: long enough to leave the core to
    /// it, short enough for the transport (a poll moves what its buffers hold; over TCP
    /// 0.2 ms was faster than 0.05 ms or none on two busy cores).
    static let pollMicroseconds: UInt32 = 200

    /// `stages`: per stage, the store indices of its parameters (in report order); `offsets`
    /// and `counts`: where each parameter's gradient lies in the flat buffer; buckets are at
    /// most `maxElements` long. `sum` runs on the communication thread for each bucket.
    init(
        stages: [[Int]], offsets: [Int], counts: [Int], maxElements: Int,
        sum: @escaping (_ range: Range<Int>, _ overlap: OverlappedGradientSum) -> Void
    ) {
        buckets = Self.buckets(stages: stages, offsets: offsets, counts: counts, maxElements: maxElements)
        reported = Array(repeating: 0, count: stages.count)
        leadSeconds = Array(repeating: 0, count: stages.count)
        readyAt = Array(repeating: 0, count: stages.count)
        self.sum = sum
        let thread = Thread { [unowned(unsafe) self] in self.loop() }
        thread.name = "mt-train gradient sum"
        thread.start()
    }

    /// Ends the thread (after the last `wait`).
    func stop() {
        condition.lock()
        stopping = true
        condition.unlock()
        start.signal()
        done.wait()
    }

    /// The buckets of `stages`: each stage's runs of consecutive parameters as flat ranges
    /// (with the zero padding between them), cut into pieces of at most `maxElements`.
    static func buckets(stages: [[Int]], offsets: [Int], counts: [Int], maxElements: Int) -> [Bucket] {
        var result: [Bucket] = []
        for (stage, parameters) in stages.enumerated() {
            var runs: [Range<Int>] = []
            var previous = -2
            for i in parameters.sorted() {
                let r = offsets[i]..<(offsets[i] + counts[i])
                if i == previous + 1, let last = runs.last {
                    runs[runs.count - 1] = last.lowerBound..<r.upperBound
                } else {
                    runs.append(r)
                }
                previous = i
            }
            for run in runs where !run.isEmpty {
                for lo in stride(from: run.lowerBound, to: run.upperBound, by: maxElements) {
                    result.append(Bucket(stage: stage, range: lo..<min(lo + maxElements, run.upperBound)))
                }
            }
        }
        return result
    }

    /// Starts an update whose stages are final once `workers` workers have reported them.
    func begin(workers: Int) {
        condition.lock()
        for s in reported.indices { reported[s] = 0 }
        needed = workers
        computing = true
        condition.unlock()
        start.signal()
    }

    /// One worker's gradients of `stage` are final (any thread).
    func report(_ stage: Int) {
        condition.lock()
        reported[stage] += 1
        if reported[stage] >= needed {
            readyAt[stage] = monotonicSeconds()
            condition.broadcast()
        }
        condition.unlock()
    }

    /// The backward pass of the update is over (every stage reported): poll without sleeping.
    func finishComputing() {
        condition.lock()
        computing = false
        computeEnd = monotonicSeconds()
        for s in readyAt.indices { leadSeconds[s] += max(0, computeEnd - readyAt[s]) }
        updates += 1
        condition.unlock()
    }

    /// Waits until every bucket is summed.
    func wait() {
        done.wait()
        exposedSeconds += max(0, monotonicSeconds() - computeEnd)
    }

    /// On the communication thread: polls `request` until it is complete.
    func complete(_ request: CommunicationRequest, on communicator: any Communicator) {
        var request = request
        while !communicator.test(&request) {
            condition.lock()
            let sleeping = computing
            condition.unlock()
            if sleeping { usleep(Self.pollMicroseconds) }
        }
    }

    private func loop() {
        while true {
            start.wait()
            condition.lock()
            let stop = stopping
            condition.unlock()
            if stop { break }
            for bucket in buckets {
                condition.lock()
                while reported[bucket.stage] < needed { condition.wait() }
                condition.unlock()
                let t0 = monotonicSeconds()
                sum(bucket.range, self)
                busySeconds += monotonicSeconds() - t0
            }
            done.signal()
        }
        done.signal()
    }
}
