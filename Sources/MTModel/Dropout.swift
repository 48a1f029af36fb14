import MTTensor

/// Inverted dropout over a buffer of n elements: kept elements are scaled by 1/(1 − p)
/// at training time, so inference is the identity. The layer owns its mask.
public final class Dropout<T: Real> {
    public var p: Double
    /// The mask of the last training forward: 0 or 1/(1 − p) per element.
    public let mask = Tensor<T>([0])
    /// Whether the last forward applied a mask (training and p > 0).
    public private(set) var active = false

    public init(p: Double) {
        precondition(p >= 0 && p < 1, "dropout probability \(p) outside [0, 1)")
        self.p = p
    }

    /// y = x ⊙ mask with a fresh mask drawn from `rng`; y may be x (in place).
    public func forward(
        _ x: UnsafePointer<T>, into y: UnsafeMutablePointer<T>, count n: Int, training: Bool,
        rng: SeededRandom
    ) {
        active = training && p > 0
        guard active else {
            if UnsafePointer(y) != x { T.copy(x, y, n) }
            return
        }
        mask.resize([n])
        T.dropoutMask(rng, keep: 1 - p, mask.data, n)
        T.mul(x, mask.data, y, n)
    }

    /// dx = dy ⊙ mask of the last forward; dx may be dy (in place).
    public func backward(_ dy: UnsafePointer<T>, into dx: UnsafeMutablePointer<T>, count n: Int) {
        guard active else {
            if UnsafePointer(dx) != dy { T.copy(dy, dx, n) }
            return
        }
        precondition(n == mask.count, "dropout backward over \(n) elements, forward had \(mask.count)")
        T.mul(dy, mask.data, dx, n)
    }
}
