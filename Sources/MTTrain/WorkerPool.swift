import Foundation

/// A fixed set of threads that run one job at a time: `run { w in … }` calls the body for
/// w in 0..<count at once, w = 0 on the calling thread, and returns when all are done.
/// The threads live as long as the pool (no thread is created per job).
final class WorkerPool {
    let count: Int
    private let shared: Shared

    /// What the threads see; the semaphores order every access to `body` and `stopping`.
    private final class Shared: @unchecked Sendable {
        var body: ((Int) -> Void)?
        var stopping = false
        let start: [DispatchSemaphore]
        let done = DispatchSemaphore(value: 0)

        init(count: Int) { start = (0..<count).map { _ in DispatchSemaphore(value: 0) } }

        func loop(_ w: Int) {
            while true {
                start[w].wait()
                if stopping { return }
                body?(w)
                done.signal()
            }
        }
    }

    init(count: Int) {
        precondition(count >= 1)
        self.count = count
        let shared = Shared(count: count)
        self.shared = shared
        for w in 1..<max(count, 1) {
            let thread = Thread { shared.loop(w) }
            thread.name = "mt-train worker \(w)"
            thread.start()
        }
    }

    deinit {
        shared.stopping = true
        for w in 1..<count { shared.start[w].signal() }
    }

    func run(_ body: @escaping (Int) -> Void) {
        shared.body = body
        for w in 1..<count { shared.start[w].signal() }
        body(0)
        for _ in 1..<count { shared.done.wait() }
        shared.body = nil
    }
}
