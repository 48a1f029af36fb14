import Foundation
import MTTrain

/// Ranks as threads of one process, for tests of what runs across processes: messages are
/// copied through per-pair queues; the collectives are built from them in rank order.
final class LocalCommunicator: Communicator, @unchecked Sendable {
    /// The queues of one group of ranks.
    final class Group: @unchecked Sendable {
        let size: Int
        private let condition = NSCondition()
        private var queues: [[[UInt8]]]

        init(size: Int) {
            self.size = size
            queues = Array(repeating: [], count: size * size)
        }

        func put(_ bytes: [UInt8], from: Int, to: Int) {
            condition.lock()
            queues[from * size + to].append(bytes)
            condition.broadcast()
            condition.unlock()
        }

        /// The next message from `from` to `to`; a test that waits a minute has failed.
        func take(from: Int, to: Int) -> [UInt8] {
            let deadline = Date().addingTimeInterval(60)
            condition.lock()
            defer { condition.unlock() }
            while queues[from * size + to].isEmpty {
                guard condition.wait(until: deadline) else { fatalError("rank \(to) waited a minute for rank \(from)") }
            }
            return queues[from * size + to].removeFirst()
        }
    }

    let rank: Int
    let group: Group
    var size: Int { group.size }

    init(rank: Int, group: Group) {
        self.rank = rank
        self.group = group
    }

    func send(_ bytes: UnsafeRawBufferPointer, to destination: Int) {
        group.put(Array(bytes), from: rank, to: destination)
    }

    func receive(_ bytes: UnsafeMutableRawBufferPointer, from source: Int) {
        let message = group.take(from: source, to: rank)
        precondition(message.count == bytes.count, "message of \(message.count) bytes for \(bytes.count)")
        message.withUnsafeBytes { bytes.copyMemory(from: $0) }
    }

    func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int) {
        if rank == root {
            for r in 0..<size where r != root { send(UnsafeRawBufferPointer(bytes), to: r) }
        } else {
            receive(bytes, from: root)
        }
    }

    func allGather(_ mine: UnsafeRawBufferPointer, into all: UnsafeMutableRawBufferPointer) {
        for r in 0..<size where r != rank { send(mine, to: r) }
        let n = mine.count
        for r in 0..<size {
            let slot = UnsafeMutableRawBufferPointer(rebasing: all[(r * n)..<((r + 1) * n)])
            if r == rank { slot.copyMemory(from: mine) } else { receive(slot, from: r) }
        }
    }

    func allToAll(_ send: UnsafeRawBufferPointer, into blocks: UnsafeMutableRawBufferPointer) {
        let n = send.count / size
        for r in 0..<size where r != rank { self.send(UnsafeRawBufferPointer(rebasing: send[(r * n)..<((r + 1) * n)]), to: r) }
        for r in 0..<size {
            let slot = UnsafeMutableRawBufferPointer(rebasing: blocks[(r * n)..<((r + 1) * n)])
            if r == rank { slot.copyMemory(from: UnsafeRawBufferPointer(rebasing: send[(r * n)..<((r + 1) * n)])) } else { receive(slot, from: r) }
        }
    }

    /// Summed from the last rank down, so that the order differs from the exact one.
    private func sum<V: BinaryFloatingPoint>(_ values: UnsafeMutableBufferPointer<V>) {
        var all = [V](repeating: 0, count: values.count * size)
        all.withUnsafeMutableBytes { allGather(UnsafeRawBufferPointer(values), into: $0) }
        for i in 0..<values.count {
            var s = V(0)
            for r in stride(from: size - 1, through: 0, by: -1) { s += all[r * values.count + i] }
            values[i] = s
        }
    }

    func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) { sum(values) }
    func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) { sum(values) }

    func abort(_ message: String) -> Never { fatalError("rank \(rank): \(message)") }

    // Non-blocking operations run at their second test, so that callers meet requests
    // still under way (and must leave their buffers alone until then).
    private var pending: [Int: (polls: Int, operation: () -> Void)] = [:]
    private var nextRequest = 1
    private let pendingLock = NSLock()
    /// Operations started, and tests that found them under way.
    private(set) var started = 0, incompleteTests = 0

    private func later(_ operation: @escaping () -> Void) -> CommunicationRequest {
        pendingLock.lock()
        defer { pendingLock.unlock() }
        let id = nextRequest
        nextRequest += 1
        started += 1
        pending[id] = (0, operation)
        return CommunicationRequest(handle: UnsafeMutableRawPointer(bitPattern: id))
    }

    func test(_ request: inout CommunicationRequest) -> Bool {
        guard let handle = request.handle else { return true }
        let id = Int(bitPattern: handle)
        pendingLock.lock()
        guard var entry = pending[id] else { pendingLock.unlock(); fatalError("rank \(rank): no request \(id)") }
        entry.polls += 1
        if entry.polls < 2 {
            pending[id] = entry
            incompleteTests += 1
            pendingLock.unlock()
            return false
        }
        pending[id] = nil
        pendingLock.unlock()
        entry.operation()
        request.handle = nil
        return true
    }

    func startAllGather(_ mine: UnsafeRawBufferPointer, into all: UnsafeMutableRawBufferPointer) -> CommunicationRequest {
        later { self.allGather(mine, into: all) }
    }

    func startAllToAll(_ send: UnsafeRawBufferPointer, into receive: UnsafeMutableRawBufferPointer) -> CommunicationRequest {
        later { self.allToAll(send, into: receive) }
    }

    func startAllReduceSum(_ values: UnsafeMutableBufferPointer<Float>) -> CommunicationRequest {
        later { self.sum(values) }
    }

    func startAllReduceSum(_ values: UnsafeMutableBufferPointer<Double>) -> CommunicationRequest {
        later { self.sum(values) }
    }

    /// Runs `body` on `ranks` threads, one communicator each, and returns their results in
    /// rank order.
    static func run<R>(ranks: Int, _ body: @escaping (LocalCommunicator) -> R) -> [R] {
        let group = Group(size: ranks)
        let results = ResultSlots(count: ranks)
        let done = DispatchSemaphore(value: 0)
        let lock = NSLock()
        for r in 0..<ranks {
            let box = UncheckedBox(body)
            let thread = Thread {
                let value = box.value(LocalCommunicator(rank: r, group: group))
                lock.lock()
                results.values[r] = value
                lock.unlock()
                done.signal()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        for _ in 0..<ranks { done.wait() }
        return results.values.map { $0 as! R }
    }
}

/// The ranks' results, each written by its own thread before it signals.
final class ResultSlots: @unchecked Sendable {
    var values: [Any?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
}

/// Hands a value to another thread where the test orders every access.
struct UncheckedBox<V>: @unchecked Sendable {
    let value: V
    init(_ value: V) { self.value = value }
}
