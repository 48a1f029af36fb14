import MTTensor

/// Index of the largest of n scores (the first one on ties).
///
/// MTTensor's `Real` has no argmax kernel yet, and a loop generic over T would run
/// unspecialised here; so the scan is written for Float and Double concretely and the
/// generic entry only picks one.
enum RowArgmax {
    static func argmax<T: Real>(_ x: UnsafePointer<T>, count n: Int) -> Int {
        if T.self == Float.self {
            return UnsafeRawPointer(x).withMemoryRebound(to: Float.self, capacity: n) { scan($0, n) }
        }
        if T.self == Double.self {
            return UnsafeRawPointer(x).withMemoryRebound(to: Double.self, capacity: n) { scan($0, n) }
        }
        preconditionFailure("argmax over \(T.self) is not supported")
    }

    private static func scan(_ x: UnsafePointer<Float>, _ n: Int) -> Int {
        var best = 0
        var value = -Float.infinity
        for i in 0..<n where x[i] > value {
            value = x[i]
            best = i
        }
        return best
    }

    private static func scan(_ x: UnsafePointer<Double>, _ n: Int) -> Int {
        var best = 0
        var value = -Double.infinity
        for i in 0..<n where x[i] > value {
            value = x[i]
            best = i
        }
        return best
    }
}
