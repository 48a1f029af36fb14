/// The processes ("ranks") of a job that trains across processes, and the operations the
/// trainer needs between them. Every rank calls the same operations in the same order
/// (as MPI requires); messages between two ranks arrive in the order they were sent.
///
/// A failed operation (a rank gone, a broken link) cannot be recovered by the ranks still
/// running, so conformers end the whole job with a one-line error instead of returning:
/// training resumes from the last checkpoint. The MPI conformer is `MPICommunicator`
/// (module MTMPI, built with SWIFTNMT_MPI=1).
public protocol Communicator: AnyObject {
    /// This process's rank, 0..<size; rank 0 writes the files.
    var rank: Int { get }
    var size: Int { get }
    func send(_ bytes: UnsafeRawBufferPointer, to rank: Int)
    func receive(_ bytes: UnsafeMutableRawBufferPointer, from rank: Int)
    /// `root`'s bytes into every rank's buffer.
    func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int)
    /// Every rank's `mine` (the same size on all), in rank order, into `all` (size × that).
    func allGather(_ mine: UnsafeRawBufferPointer, into all: UnsafeMutableRawBufferPointer)
    /// Block r of `send` to rank r, and rank r's block for this rank into block r of
    /// `receive` (size blocks of the same byte count each).
    func allToAll(_ send: UnsafeRawBufferPointer, into receive: UnsafeMutableRawBufferPointer)
    /// The element-wise sum over the ranks, in place, in the order the transport chooses
    /// (the same result on every rank, but not necessarily the order 0, 1, …).
    func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>)
    func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>)
    /// Ends every rank of the job, after writing `message` as this rank's error.
    func abort(_ message: String) -> Never

    // Non-blocking forms (CommunicationRequest.swift), for sums that run while the backward
    // pass goes on: the operation is under way until `test` reports it complete, and its
    // buffers must stay untouched until then. Every rank starts them in the same order.
    func startAllGather(_ mine: UnsafeRawBufferPointer, into all: UnsafeMutableRawBufferPointer) -> CommunicationRequest
    func startAllToAll(_ send: UnsafeRawBufferPointer, into receive: UnsafeMutableRawBufferPointer) -> CommunicationRequest
    func startAllReduceSum(_ values: UnsafeMutableBufferPointer<Float>) -> CommunicationRequest
    func startAllReduceSum(_ values: UnsafeMutableBufferPointer<Double>) -> CommunicationRequest
    /// Drives the request on and returns whether it is complete (then `request` is done).
    func test(_ request: inout CommunicationRequest) -> Bool
    /// Whether a thread other than the one that made the communicator may call its
    /// operations (never two at once): what a communication thread needs.
    var allowsCallsFromAnyThread: Bool { get }
}

extension Communicator {
    /// `root`'s value of a plain (trivial) type on every rank.
    public func broadcast<V: BitwiseCopyable>(_ value: V, root: Int = 0) -> V {
        var v = value
        withUnsafeMutableBytes(of: &v) { broadcast($0, root: root) }
        return v
    }

    /// Every rank's value of a plain type, in rank order.
    public func allGather<V: BitwiseCopyable>(_ value: V) -> [V] {
        var all = [V](repeating: value, count: size)
        withUnsafeBytes(of: value) { mine in all.withUnsafeMutableBytes { allGather(mine, into: $0) } }
        return all
    }
}
