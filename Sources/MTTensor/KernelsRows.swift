// Generic bodies of the row-wise requirements of `Real` (see KernelsElementwise.swift).

extension Real {
    @inlinable public static func addRowVector(
        _ bias: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, rows: Int, cols: Int
    ) {
        for r in 0..<rows {
            let row = y + r * cols
            for c in 0..<cols { row[c] += bias[c] }
        }
    }

    @inlinable public static func sumRows(
        _ x: UnsafePointer<Self>, _ out: UnsafeMutablePointer<Self>, rows: Int, cols: Int
    ) {
        for r in 0..<rows {
            let row = x + r * cols
            for c in 0..<cols { out[c] += row[c] }
        }
    }

    @inlinable public static func softmaxRows(
        _ x: UnsafeMutablePointer<Self>, rows: Int, cols: Int, valid: UnsafePointer<Int32>?
    ) {
        for r in 0..<rows {
            let row = x + r * cols
            let n = valid.map { Swift.min(Int($0[r]), cols) } ?? cols
            guard n > 0 else {
                for c in 0..<cols { row[c] = 0 }
                continue
            }
            var m = row[0]
            for c in 1..<n { m = Swift.max(m, row[c]) }
            var s: Self = 0
            for c in 0..<n {
                let e = exp(row[c] - m)
                row[c] = e
                s += e
            }
            let inv = 1 / s
            for c in 0..<n { row[c] *= inv }
            for c in n..<cols { row[c] = 0 }
        }
    }

    @inlinable public static func softmaxBackwardRows(
        _ y: UnsafePointer<Self>, _ dy: UnsafePointer<Self>, _ dx: UnsafeMutablePointer<Self>,
        rows: Int, cols: Int
    ) {
        for r in 0..<rows {
            let yr = y + r * cols, dyr = dy + r * cols, dxr = dx + r * cols
            var s: Self = 0
            for c in 0..<cols { s += yr[c] * dyr[c] }
            for c in 0..<cols { dxr[c] = yr[c] * (dyr[c] - s) }
        }
    }
}
