// Generic bodies of the activation requirements of `Real` (see KernelsElementwise.swift).
// In-place calls (x == y) take their own loop: the vectoriser's runtime overlap check
// fails for them and would fall back to scalar code.

extension Real {
    @inlinable public static func sigmoid(_ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, _ n: Int) {
        if UnsafePointer(y) == x {
            for i in 0..<n { y[i] = sigmoid(y[i]) }
        } else {
            for i in 0..<n { y[i] = sigmoid(x[i]) }
        }
    }

    @inlinable public static func tanh(_ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, _ n: Int) {
        if UnsafePointer(y) == x {
            for i in 0..<n { y[i] = tanh(y[i]) }
        } else {
            for i in 0..<n { y[i] = tanh(x[i]) }
        }
    }

    @inlinable public static func exp(_ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, _ n: Int) {
        if UnsafePointer(y) == x {
            for i in 0..<n { y[i] = exp(y[i]) }
        } else {
            for i in 0..<n { y[i] = exp(x[i]) }
        }
    }

    @inlinable public static func tanhBackward(
        _ y: UnsafePointer<Self>, _ dy: UnsafePointer<Self>, _ dx: UnsafeMutablePointer<Self>,
        _ n: Int, accumulate: Bool
    ) {
        if accumulate {
            for i in 0..<n { dx[i] += dy[i] * (1 - y[i] * y[i]) }
        } else {
            for i in 0..<n { dx[i] = dy[i] * (1 - y[i] * y[i]) }
        }
    }
}
