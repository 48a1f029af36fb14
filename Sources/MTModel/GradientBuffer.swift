import MTTensor

/// The gradients of all of one store's parameters in one allocation, in store order.
///
/// Each parameter's gradient starts at a multiple of 64 bytes, the alignment a tensor of
/// its own has, so kernels see the same alignment as with separate buffers; the few
/// elements of padding between parameters stay zero. The allocation is made when a
/// gradient is first used (a model that only translates never makes it), so every
/// parameter must be laid out before then.
final class GradientBuffer<T: Real> {
    /// Where each parameter's gradient starts, in layout order.
    private(set) var offsets: [Int] = []
    /// Elements, padding included.
    private(set) var count = 0
    private var storage: Tensor<T>?

    var isAllocated: Bool { storage != nil }

    /// Lays out the gradient of a parameter of `n` elements after the others; returns its offset.
    func append(_ n: Int) -> Int {
        precondition(storage == nil, "a parameter was made after gradients were first used")
        let alignment = Swift.max(1, 64 / MemoryLayout<T>.stride)
        let offset = (count + alignment - 1) / alignment * alignment
        offsets.append(offset)
        count = offset + n
        return offset
    }

    /// The whole buffer as one flat tensor, allocated (zeroed) on first use.
    var tensor: Tensor<T> {
        if let storage { return storage }
        let t = Tensor<T>([count])
        storage = t
        return t
    }
}
