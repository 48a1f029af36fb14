/// A row-major buffer of `T` with a shape; a reference type, so passing it around
/// never copies and never triggers copy-on-write.
///
/// Layers keep their tensors across batches and call `resize` when a batch's
/// shape changes: storage is reallocated only when it must grow, which keeps
/// allocation out of the training loop.
public final class Tensor<T: Real> {
    public private(set) var shape: [Int]
    public private(set) var count: Int
    public private(set) var capacity: Int
    public private(set) var data: UnsafeMutablePointer<T>

    /// A zero-filled tensor.
    public init(_ shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        self.shape = shape
        self.count = shape.reduce(1, *)
        self.capacity = Swift.max(count, 1)
        self.data = Tensor.allocate(capacity)
        T.fill(data, 0, capacity)
    }

    public convenience init(_ shape: [Int], values: [T]) {
        self.init(shape)
        precondition(values.count == count, "\(values.count) values for shape \(shape)")
        values.withUnsafeBufferPointer { T.copy($0.baseAddress!, data, count) }
    }

    deinit { data.deallocate() }

    private static func allocate(_ n: Int) -> UnsafeMutablePointer<T> {
        // 64-byte alignment suits AVX-512 loads in BLAS and in vectorised loops.
        UnsafeMutableRawPointer.allocate(byteCount: n * MemoryLayout<T>.stride, alignment: 64)
            .bindMemory(to: T.self, capacity: n)
    }

    /// Gives the tensor a new shape. Contents are kept when the storage suffices
    /// (callers that need zeros call `zero()`); grown storage starts zeroed.
    public func resize(_ newShape: [Int]) {
        let n = newShape.reduce(1, *)
        if n > capacity {
            data.deallocate()
            capacity = n
            data = Tensor.allocate(n)
            T.fill(data, 0, n)
        }
        shape = newShape
        count = n
    }

    public func zero() { T.fill(data, 0, count) }

    /// Copies `other`'s shape and contents.
    public func copy(from other: Tensor<T>) {
        resize(other.shape)
        T.copy(other.data, data, count)
    }

    /// Elements per index of the first dimension: for [T, B, H], one time step.
    public var sliceCount: Int { shape.isEmpty ? 1 : (shape[0] == 0 ? 0 : count / shape[0]) }

    /// Pointer to slice `i` of the first dimension.
    public func slice(_ i: Int) -> UnsafeMutablePointer<T> { data + i * sliceCount }

    public subscript(i: Int) -> T {
        get { data[i] }
        set { data[i] = newValue }
    }

    /// The contents as an array (for tests and serialisation, not hot paths).
    public var values: [T] { Array(UnsafeBufferPointer(start: data, count: count)) }
}
