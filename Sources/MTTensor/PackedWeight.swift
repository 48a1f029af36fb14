import CPackedGEMM

/// A weight packed once for many products with few rows: the per-step products of a
/// recurrent layer (a batch's rows times a weight of thousands of columns), for which a
/// BLAS would pack the whole weight again on every call.
///
/// Pack it when the weight may have changed (each forward or backward pass), then multiply
/// as often as needed; a weight that stays fixed (`weightFixed`) is packed once. Float
/// products use the packed kernels (CPackedGEMM): every element is one fused multiply-add
/// chain in depth order, so the result does not depend on the CPU's instruction set, the
/// number of rows or threads. Other scalar types, and CPUs without
/// fused multiply-add, go to `Real.gemm` on the weight itself, which must then stay in place.
public final class PackedWeight<T: Real> {
    private var storage: UnsafeMutablePointer<Float>?
    private var capacity = 0
    /// Columns of the product and its depth.
    public private(set) var outputs = 0
    public private(set) var depth = 0
    // The weight as given, for the BLAS path.
    private var weight: UnsafePointer<T>?
    private var ld = 0
    private var transposed = false
    /// Whether the weights it is given stay as they are (translation, `Seq2Seq.fixWeights`):
    /// packing the weight last packed again, at the same address and in the same shape, then
    /// keeps the packed form instead of packing it once per batch.
    public var weightFixed = false

    /// Whether Float products run on the packed kernels on this CPU (and in this program).
    public static var usesPackedKernels: Bool {
        T.self == Float.self && PackedProducts.enabled && packed_gemm_fast() != 0
    }

    /// The packed kernels' instruction set ("avx512", "avx2" or "portable").
    public static var kernel: String { String(cString: packed_gemm_kernel()) }

    /// The int8 form the products use instead of the floats (translation with int8; Float
    /// only), or nil. While it is set, packing the weight it was made from again keeps it:
    /// it stands for weights that stay fixed.
    public var int8: Int8Weight? {
        didSet {
            guard let q = int8 else { return }
            precondition(T.self == Float.self, "int8 products are for Float weights")
            (outputs, depth, weight) = (q.outputs, q.depth, nil)
        }
    }
    private let int8Activations = Int8Activations()

    public init() {}

    deinit { storage.map(HugePageStorage.deallocate) }

    /// For products x·Wᵀ: W is `outputs` rows of `depth` values, rows `ld` apart.
    public func packTransposed(_ w: UnsafePointer<T>, outputs: Int, depth: Int, ld: Int) {
        if let q = int8 {
            precondition(q.isForm(of: w, outputs: outputs, depth: depth, ld: ld), "packing another weight over its int8 form")
            return
        }
        if keeps(w, outputs: outputs, depth: depth, ld: ld, transposed: true) { return }
        set(w, outputs: outputs, depth: depth, ld: ld, transposed: true)
        guard let storage = reserve() else { return }
        w.withMemoryRebound(to: Float.self, capacity: 1) {
            packed_gemm_pack_transposed($0, Int32(ld), Int32(outputs), Int32(depth), storage)
        }
    }

    /// For products d·W: W is `depth` rows of `outputs` values, rows `ld` apart.
    public func pack(_ w: UnsafePointer<T>, depth: Int, outputs: Int, ld: Int) {
        precondition(int8 == nil, "int8 forms are of products x·Wᵀ")
        if keeps(w, outputs: outputs, depth: depth, ld: ld, transposed: false) { return }
        set(w, outputs: outputs, depth: depth, ld: ld, transposed: false)
        guard let storage = reserve() else { return }
        w.withMemoryRebound(to: Float.self, capacity: 1) {
            packed_gemm_pack($0, Int32(ld), Int32(depth), Int32(outputs), storage)
        }
    }

    /// Whether packing this weight again may be skipped: it is fixed and the one last packed
    /// (`weight` is nil before the first packing and while an int8 form stands in).
    private func keeps(_ w: UnsafePointer<T>, outputs: Int, depth: Int, ld: Int, transposed: Bool) -> Bool {
        weightFixed && weight == w && self.outputs == outputs && self.depth == depth && self.ld == ld
            && self.transposed == transposed
    }

    private func set(_ w: UnsafePointer<T>, outputs: Int, depth: Int, ld: Int, transposed: Bool) {
        precondition(outputs > 0 && depth > 0 && ld >= (transposed ? depth : outputs))
        (weight, self.outputs, self.depth, self.ld, self.transposed) = (w, outputs, depth, ld, transposed)
    }

    /// The packed buffer, sized for the current shape; nil on the BLAS path.
    private func reserve() -> UnsafeMutablePointer<Float>? {
        guard Self.usesPackedKernels else { return nil }
        let size = packed_gemm_size(Int32(outputs), Int32(depth))
        if size > capacity {
            storage.map(HugePageStorage.deallocate)
            storage = HugePageStorage.allocate(Float.self, count: size)
            capacity = size
        }
        return storage
    }

    /// c[rows × outputs] = a[rows × depth] · B, plus c with `accumulate`, on the calling
    /// thread: between BLAS calls OpenBLAS's threads keep spinning on the other cores, and
    /// threads of our own beside them cost more than they gained (see `PackedProducts`).
    public func multiply(
        _ a: UnsafePointer<T>, lda: Int, rows: Int, into c: UnsafeMutablePointer<T>, ldc: Int, accumulate: Bool
    ) {
        guard rows > 0 else { return }
        if let q = int8 {
            a.withMemoryRebound(to: Float.self, capacity: 1) { a in
                c.withMemoryRebound(to: Float.self, capacity: 1) { c in
                    q.multiply(a, lda: lda, rows: rows, into: c, ldc: ldc, accumulate: accumulate, scratch: int8Activations)
                }
            }
            return
        }
        guard Self.usesPackedKernels, let packed = storage else {
            T.gemm(
                transA: false, transB: transposed, m: rows, n: outputs, k: depth,
                alpha: 1, a: a, lda: lda, b: weight!, ldb: ld, beta: accumulate ? 1 : 0, c: c, ldc: ldc)
            return
        }
        let panels = (outputs + Int(PACKED_GEMM_PANEL) - 1) / Int(PACKED_GEMM_PANEL)
        a.withMemoryRebound(to: Float.self, capacity: 1) { a in
            c.withMemoryRebound(to: Float.self, capacity: 1) { c in
                packed_gemm_multiply(
                    Int32(rows), Int32(outputs), Int32(depth), a, Int32(lda), packed, accumulate ? 1 : 0, c,
                    Int32(ldc), 0, Int32(panels))
            }
        }
    }
}

/// Whether the packed products are used at all: set once, before the first product, by a
/// program whose BLAS runs on several threads. With one worker and 2 BLAS threads on 2 cores,
/// training ran at 184 sentences/s with the packed products shared out and 205 with them on
/// one thread, against 266 with OpenBLAS's threads for every product (and 279 with the packed
/// products in 2 single-threaded workers): with several BLAS threads, OpenBLAS does them.
public enum PackedProducts {
    nonisolated(unsafe) public static var enabled = true
}
