import CMPIShim
import Foundation
import MTCore
import MTTrain

/// `Communicator` over MPI_COMM_WORLD (OpenMPI through the C shim). Byte counts above
/// MPI's int limit are sent in pieces. A failed call ends the job (MPI_Abort) with the
/// call and MPI's message; mpirun then stops every rank.
public final class MPICommunicator: Communicator {
    public let rank: Int
    public let size: Int
    /// This process's host, for messages.
    public let host: String
    private var finalized = false
    /// Whether MPI granted MPI_THREAD_SERIALIZED, so that a communication thread may call it.
    public let allowsCallsFromAnyThread: Bool

    /// Whether a launcher started this process as a rank (mpirun's or Slurm's variables).
    public static func launchedAsRank(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"].contains { environment[$0] != nil }
    }

    public init() throws {
        var r: Int32 = 0, s: Int32 = 0, serialized: Int32 = 0
        let rc = swiftnmt_mpi_init(&r, &s, &serialized)
        guard rc == 0 else { throw TrainingError("MPI_Init failed: \(Self.message(rc))") }
        rank = Int(r)
        size = Int(s)
        allowsCallsFromAnyThread = serialized != 0
        var name = [CChar](repeating: 0, count: 256)
        swiftnmt_mpi_processor_name(&name, Int32(name.count))
        host = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// MPI_Finalize, once (after the last operation of every rank).
    public func finalize() {
        guard !finalized else { return }
        finalized = true
        _ = swiftnmt_mpi_finalize()
    }

    static func message(_ code: Int32) -> String {
        var text = [CChar](repeating: 0, count: 512)
        swiftnmt_mpi_error_string(code, &text, Int32(text.count))
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private func check(_ code: Int32, _ what: @autoclosure () -> String) {
        guard code != 0 else { return }
        abort("\(what()) failed: \(Self.message(code)); another rank may have stopped (the last checkpoint is intact; --resume continues)")
    }

    /// `body` over pieces of at most Int32.max bytes.
    private func pieces(_ count: Int, _ body: (_ offset: Int, _ count: Int32) -> Void) {
        let limit = Int(Int32.max)
        var offset = 0
        while offset < count {
            let n = min(limit, count - offset)
            body(offset, Int32(n))
            offset += n
        }
    }

    public func send(_ bytes: UnsafeRawBufferPointer, to destination: Int) {
        pieces(bytes.count) { o, n in
            check(swiftnmt_mpi_send(bytes.baseAddress! + o, n, Int32(destination), 0), "sending to rank \(destination)")
        }
    }

    public func receive(_ bytes: UnsafeMutableRawBufferPointer, from source: Int) {
        pieces(bytes.count) { o, n in
            check(swiftnmt_mpi_recv(bytes.baseAddress! + o, n, Int32(source), 0), "receiving from rank \(source)")
        }
    }

    public func broadcast(_ bytes: UnsafeMutableRawBufferPointer, root: Int) {
        pieces(bytes.count) { o, n in
            check(swiftnmt_mpi_bcast(bytes.baseAddress! + o, n, Int32(root)), "a broadcast from rank \(root)")
        }
    }

    public func allGather(_ mine: UnsafeRawBufferPointer, into all: UnsafeMutableRawBufferPointer) {
        precondition(all.count == mine.count * size, "all-gather buffer size")
        precondition(mine.count <= Int(Int32.max), "all-gather of more than 2³¹ − 1 bytes")
        check(swiftnmt_mpi_allgather(mine.baseAddress, Int32(mine.count), all.baseAddress), "an all-gather")
    }

    public func allToAll(_ send: UnsafeRawBufferPointer, into receive: UnsafeMutableRawBufferPointer) {
        precondition(send.count == receive.count && send.count % size == 0, "all-to-all buffer sizes")
        precondition(send.count / size <= Int(Int32.max), "all-to-all blocks of more than 2³¹ − 1 bytes")
        check(swiftnmt_mpi_alltoall(send.baseAddress, Int32(send.count / size), receive.baseAddress), "an all-to-all")
    }

    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) {
        let limit = Int(Int32.max)
        for lo in stride(from: 0, to: values.count, by: limit) {
            let n = min(limit, values.count - lo)
            check(swiftnmt_mpi_allreduce_sum_float(values.baseAddress! + lo, Int32(n)), "an all-reduce")
        }
    }

    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) {
        let limit = Int(Int32.max)
        for lo in stride(from: 0, to: values.count, by: limit) {
            let n = min(limit, values.count - lo)
            check(swiftnmt_mpi_allreduce_sum_double(values.baseAddress! + lo, Int32(n)), "an all-reduce")
        }
    }

    public func startAllGather(_ mine: UnsafeRawBufferPointer, into all: UnsafeMutableRawBufferPointer) -> CommunicationRequest {
        precondition(all.count == mine.count * size, "all-gather buffer size")
        precondition(mine.count <= Int(Int32.max), "all-gather of more than 2³¹ − 1 bytes")
        var request = CommunicationRequest.complete
        check(swiftnmt_mpi_iallgather(mine.baseAddress, Int32(mine.count), all.baseAddress, &request.handle), "an all-gather")
        return request
    }

    public func startAllToAll(_ send: UnsafeRawBufferPointer, into receive: UnsafeMutableRawBufferPointer) -> CommunicationRequest {
        precondition(send.count == receive.count && send.count % size == 0, "all-to-all buffer sizes")
        precondition(send.count / size <= Int(Int32.max), "all-to-all blocks of more than 2³¹ − 1 bytes")
        var request = CommunicationRequest.complete
        check(
            swiftnmt_mpi_ialltoall(send.baseAddress, Int32(send.count / size), receive.baseAddress, &request.handle),
            "an all-to-all")
        return request
    }

    public func startAllReduceSum(_ values: UnsafeMutableBufferPointer<Float>) -> CommunicationRequest {
        precondition(values.count <= Int(Int32.max), "an all-reduce of more than 2³¹ − 1 elements")
        var request = CommunicationRequest.complete
        check(swiftnmt_mpi_iallreduce_sum_float(values.baseAddress, Int32(values.count), &request.handle), "an all-reduce")
        return request
    }

    public func startAllReduceSum(_ values: UnsafeMutableBufferPointer<Double>) -> CommunicationRequest {
        precondition(values.count <= Int(Int32.max), "an all-reduce of more than 2³¹ − 1 elements")
        var request = CommunicationRequest.complete
        check(swiftnmt_mpi_iallreduce_sum_double(values.baseAddress, Int32(values.count), &request.handle), "an all-reduce")
        return request
    }

    public func test(_ request: inout CommunicationRequest) -> Bool {
        var done: Int32 = 1
        check(swiftnmt_mpi_test(&request.handle, &done), "waiting for a non-blocking operation")
        return done != 0
    }

    public func abort(_ message: String) -> Never {
        StandardError.write("mt-train: error: rank \(rank) of \(size) (\(host)): \(message)\n")
        swiftnmt_mpi_abort(1)
        exit(1)
    }
}
