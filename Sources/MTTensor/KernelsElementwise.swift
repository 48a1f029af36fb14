// Generic bodies of the element-wise requirements of `Real`; each conformance gets
// its own specialised copy because the bodies are visible where Float and Double conform.

extension Real {
    @inlinable public static func fill(_ y: UnsafeMutablePointer<Self>, _ value: Self, _ n: Int) {
        for i in 0..<n { y[i] = value }
    }

    @inlinable public static func copy(_ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, _ n: Int) {
        guard n > 0 else { return }
        UnsafeMutableRawPointer(y).copyMemory(from: x, byteCount: n * MemoryLayout<Self>.stride)
    }

    @inlinable public static func axpy(_ alpha: Self, _ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, _ n: Int) {
        for i in 0..<n { y[i] += alpha * x[i] }
    }

    @inlinable public static func scale(_ alpha: Self, _ y: UnsafeMutablePointer<Self>, _ n: Int) {
        for i in 0..<n { y[i] *= alpha }
    }

    @inlinable public static func add(
        _ x: UnsafePointer<Self>, _ y: UnsafePointer<Self>, _ z: UnsafeMutablePointer<Self>, _ n: Int
    ) {
        for i in 0..<n { z[i] = x[i] + y[i] }
    }

    @inlinable public static func mul(
        _ x: UnsafePointer<Self>, _ y: UnsafePointer<Self>, _ z: UnsafeMutablePointer<Self>, _ n: Int
    ) {
        for i in 0..<n { z[i] = x[i] * y[i] }
    }

    @inlinable public static func sumOfSquares(_ x: UnsafePointer<Self>, _ n: Int) -> Double {
        var s = 0.0
        for i in 0..<n { let v = Double(x[i]); s += v * v }
        return s
    }
}
