/// A row-major buffer of `T` with a shape; a reference type, so passing it around
/// never copies and never triggers copy-on-write.
///
/// Layers keep their tensors across batches and call `resize` when a batch's
/// shape changes: storage is reallocated only when it must grow, which keeps
/// allocation out of the training loop.
///
/// A view (`init(viewing:offset:shape:)`) is a tensor over part of another's storage,
/// e.g. one parameter's gradient inside a model's single gradient buffer.
public final class Tensor<T: Real> {
    public private(set) var shape: [Int]
    public private(set) var count: Int
    public private(set) var capacity: Int
    public private(set) var data: UnsafeMutablePointer<T>
    /// A view's base, kept alive by the view; nil for a tensor that owns its storage.
    private let base: Tensor<T>?
    /// Whether views point into this storage, which therefore must never move.
    private var isViewed = false

    /// A zero-filled tensor.
    public init(_ shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        self.shape = shape
        self.count = shape.reduce(1, *)
        self.capacity = Swift.max(count, 1)
        self.data = Tensor.allocate(capacity)
        self.base = nil
        T.fill(data, 0, capacity)
    }

    /// A view of `base`'s elements offset..<offset + count(shape), sharing its storage (no
    /// copy). The view cannot grow, and the base can no longer grow either, since either
    /// would move the storage out from under the other.
    public init(viewing base: Tensor<T>, offset: Int, shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        let n = shape.reduce(1, *)
        precondition(offset >= 0 && offset + n <= base.count, "view \(offset)..<\(offset + n) outside \(base.count) elements")
        self.shape = shape
        self.count = n
        self.capacity = n
        self.data = base.data + offset
        self.base = base
        base.isViewed = true
    }

    public convenience init(_ shape: [Int], values: [T]) {
        self.init(shape)
        precondition(values.count == count, "\(values.count) values for shape \(shape)")
        values.withUnsafeBufferPointer { T.copy($0.baseAddress!, data, count) }
    }

    deinit { if base == nil { HugePageStorage.deallocate(data) } }

    private static func allocate(_ n: Int) -> UnsafeMutablePointer<T> { HugePageStorage.allocate(T.self, count: n) }

    /// Gives the tensor a new shape. Contents are kept when the storage suffices
    /// (callers that need zeros call `zero()`); grown storage starts zeroed.
    public func resize(_ newShape: [Int]) {
        let n = newShape.reduce(1, *)
        if n > capacity {
            precondition(base == nil && !isViewed, "a view, or a tensor with views, cannot grow")
            HugePageStorage.deallocate(data)
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
