import CInt8GEMM
import Foundation

/// A weight quantised to int8 for products x·Wᵀ in translation: each output row of W
/// symmetrically (scale max|w| / 127), once; each row of x at every product. The products
/// sum in int32 and are scaled back by the two scales (CInt8GEMM), the same bit for bit on
/// every kernel. Immutable once made, so the replicas of a model share it.
public final class Int8Weight: @unchecked Sendable {
    /// Rows of W (columns of the product) and their depth.
    public let outputs: Int
    public let depth: Int
    // The weight it was made from, so that packing it again can be recognised.
    private let source: UnsafeRawPointer?
    private let ld: Int
    private let packed: UnsafeMutablePointer<Int8>
    private let scales: UnsafeMutablePointer<Float>
    private let rowsums: UnsafeMutablePointer<Int32>

    private init(outputs: Int, depth: Int, source: UnsafeRawPointer?, ld: Int) {
        precondition(outputs > 0 && depth > 0)
        (self.outputs, self.depth, self.source, self.ld) = (outputs, depth, source, ld)
        packed = .allocate(capacity: int8_gemm_packed_size(Int32(outputs), Int32(depth)))
        scales = .allocate(capacity: outputs)
        rowsums = .allocate(capacity: outputs)
    }

    /// W is `outputs` rows of `depth` values, rows `ld` apart.
    public convenience init(_ w: UnsafePointer<Float>, outputs: Int, depth: Int, ld: Int) {
        precondition(ld >= depth)
        self.init(outputs: outputs, depth: depth, source: UnsafeRawPointer(w), ld: ld)
        int8_gemm_quantise_weight(w, Int32(ld), Int32(outputs), Int32(depth), packed, scales, rowsums)
    }

    /// Rows `rows` of `weight` (each one of its outputs), in that order: a shortlist's part of
    /// an output layer, without quantising again.
    public convenience init(rows: [Int32], of weight: Int8Weight) {
        precondition(rows.allSatisfy { $0 >= 0 && Int($0) < weight.outputs }, "rows outside the weight")
        self.init(outputs: rows.count, depth: weight.depth, source: nil, ld: 0)
        rows.withUnsafeBufferPointer {
            int8_gemm_gather(
                weight.packed, weight.scales, weight.rowsums, Int32(weight.outputs), Int32(depth), $0.baseAddress!,
                Int32(rows.count), packed, scales, rowsums)
        }
    }

    deinit {
        packed.deallocate()
        scales.deallocate()
        rowsums.deallocate()
    }

    /// Whether this is the quantised form of W at `w` of that shape.
    public func isForm(of w: UnsafeRawPointer, outputs: Int, depth: Int, ld: Int) -> Bool {
        source == w && self.outputs == outputs && self.depth == depth && self.ld == ld
    }

    /// c[rows × outputs] = a[rows × depth] · Wᵀ, plus c with `accumulate`; `scratch` holds
    /// a's quantised rows (one per thread).
    public func multiply(
        _ a: UnsafePointer<Float>, lda: Int, rows: Int, into c: UnsafeMutablePointer<Float>, ldc: Int,
        accumulate: Bool, scratch: Int8Activations
    ) {
        guard rows > 0 else { return }
        scratch.reserve(rows: rows, depth: depth)
        int8_gemm_quantise_rows(a, Int32(lda), Int32(rows), Int32(depth), scratch.bytes, scratch.scales)
        int8_gemm_multiply(
            Int32(rows), Int32(outputs), Int32(depth), scratch.bytes, scratch.scales, packed, scales, rowsums,
            accumulate ? 1 : 0, c, Int32(ldc))
    }

    /// The kernel in use: "avx512vnni", "avxvnni", "avx2" or "portable".
    public static var kernel: String { String(cString: int8_gemm_kernel()) }

    /// The kernels, best first.
    public static let kernels = ["avx512vnni", "avxvnni", "avx2", "portable"]

    /// Whether this CPU has the kernel named.
    public static func hasKernel(_ name: String) -> Bool {
        int8_gemm_multiply_using(name, 0, 1, 1, nil, nil, nil, nil, nil, 0, nil, 1) != 0
    }

    /// What is wrong with SWIFTNMT_INT8_KERNEL, which names the kernel to use instead of the
    /// best: nil when unset or a kernel this CPU has.
    public static var kernelChoiceProblem: String? {
        guard let name = ProcessInfo.processInfo.environment["SWIFTNMT_INT8_KERNEL"] else { return nil }
        guard kernels.contains(name) else {
            return "SWIFTNMT_INT8_KERNEL=\(name) is none of \(kernels.joined(separator: ", "))"
        }
        return hasKernel(name) ? nil : "SWIFTNMT_INT8_KERNEL=\(name): this CPU lacks the instructions"
    }
}

/// The quantised rows of a product's input, reused from one product to the next.
public final class Int8Activations {
    private(set) var bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
    private(set) var scales = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private var byteCapacity = 1
    private var rowCapacity = 1

    public init() {}

    deinit {
        bytes.deallocate()
        scales.deallocate()
    }

    func reserve(rows: Int, depth: Int) {
        let size = rows * Int(int8_gemm_padded_depth(Int32(depth)))
        if size > byteCapacity {
            bytes.deallocate()
            bytes = .allocate(capacity: size)
            byteCapacity = size
        }
        if rows > rowCapacity {
            scales.deallocate()
            scales = .allocate(capacity: rows)
            rowCapacity = rows
        }
    }
}
