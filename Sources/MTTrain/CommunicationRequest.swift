/// A non-blocking operation of a `Communicator` under way: the transport's handle (nil
/// once complete). Conformers without non-blocking operations complete them at once.
public struct CommunicationRequest: @unchecked Sendable {
    public var handle: UnsafeMutableRawPointer?
    public init(handle: UnsafeMutableRawPointer?) { self.handle = handle }
    public static let complete = CommunicationRequest(handle: nil)
    public var isComplete: Bool { handle == nil }
}

extension Communicator {
    public func startAllGather(_ mine: UnsafeRawBufferPointer, into all: UnsafeMutableRawBufferPointer) -> CommunicationRequest {
        allGather(mine, into: all)
        return .complete
    }

    public func startAllToAll(_ send: UnsafeRawBufferPointer, into receive: UnsafeMutableRawBufferPointer) -> CommunicationRequest {
        allToAll(send, into: receive)
        return .complete
    }

    public func startAllReduceSum(_ values: UnsafeMutableBufferPointer<Float>) -> CommunicationRequest {
        allReduceSum(values)
        return .complete
    }

    public func startAllReduceSum(_ values: UnsafeMutableBufferPointer<Double>) -> CommunicationRequest {
        allReduceSum(values)
        return .complete
    }

    public func test(_ request: inout CommunicationRequest) -> Bool { request.isComplete }

    public var allowsCallsFromAnyThread: Bool { true }
}
