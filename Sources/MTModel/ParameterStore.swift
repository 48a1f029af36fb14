import MTTensor

/// Every parameter of a model, in creation order, addressable by dotted name.
///
/// The order is stable (it is the order layers create their parameters), so
/// optimiser state and checkpoints can be matched by name and checked by shape.
public final class ParameterStore<T: Real> {
    public private(set) var parameters: [Parameter<T>] = []
    private var index: [String: Int] = [:]
    /// Every parameter's gradient, laid out as parameters are made.
    let gradientBuffer = GradientBuffer<T>()

    /// False: `make` leaves values at zero, for parameters about to be overwritten (loaded
    /// from a file, copied from another model), which would make random values wasted work.
    public let initializesValues: Bool
    /// The store whose values `make` binds to instead of creating new ones (a replica).
    public let primary: ParameterStore<T>?

    public init(initializesValues: Bool = true) {
        self.initializesValues = initializesValues
        self.primary = nil
    }

    /// A replica's store: `make` returns parameters that share the primary's value tensors
    /// (no copies, so an update of the primary is seen at once) with their own gradients
    /// (a flat buffer of the replica's own, laid out as the primary's).
    /// The replica must make the same parameters in the same order, with the same shapes.
    public init(sharingValuesWith primary: ParameterStore<T>) {
        self.primary = primary
        self.initializesValues = false
    }

    /// Creates, initialises and registers a parameter. Names must be unique. In a replica
    /// store, binds to the primary's parameter of that name instead (nothing is initialised).
    public func make(
        _ name: String, _ shape: [Int], _ initializer: Initializer, rng: SeededRandom
    ) -> Parameter<T> {
        precondition(index[name] == nil, "duplicate parameter name \(name)")
        let p: Parameter<T>
        if let primary {
            let i = parameters.count
            precondition(
                i < primary.parameters.count && primary.parameters[i].name == name,
                "replica parameter \(name) does not match the primary's parameter \(i)")
            let source = primary.parameters[i]
            precondition(source.shape == shape, "replica parameter \(name): shape \(shape) vs \(source.shape)")
            p = Parameter<T>(name: name, value: source.value, gradients: gradientBuffer)
        } else {
            p = Parameter<T>(name: name, value: Tensor(shape), gradients: gradientBuffer)
            if initializesValues { initializer.fill(p.value, rng: rng) }
        }
        index[name] = parameters.count
        parameters.append(p)
        return p
    }

    public subscript(name: String) -> Parameter<T>? {
        index[name].map { parameters[$0] }
    }

    /// Number of scalars over all parameters.
    public var scalarCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// All gradients as one flat buffer, allocated (zeroed) on first use: parameter i's
    /// `count` elements start at `gradientOffsets[i]`, each parameter's `grad` is a view of
    /// them, and the padding between parameters stays zero (so the buffer may be summed or
    /// scaled as a whole, e.g. added up across processes). A replica's layout is the primary's.
    public var gradients: UnsafeMutableBufferPointer<T> {
        let t = gradientBuffer.tensor
        return UnsafeMutableBufferPointer(start: t.data, count: t.count)
    }

    /// Where each parameter's gradient starts in `gradients`, in store order.
    public var gradientOffsets: [Int] { gradientBuffer.offsets }

    public func zeroGradients() {
        let g = gradients
        T.fill(g.baseAddress!, 0, g.count)
    }

    /// The L2 norm of all gradients taken as one vector (summed parameter by parameter,
    /// in store order).
    public func gradientNorm() -> Double {
        var s = 0.0
        for p in parameters { s += T.sumOfSquares(p.grad.data, p.count) }
        return s.squareRoot()
    }

    /// Scales all gradients so their global norm is at most `maxNorm` (the remedy
    /// for exploding gradients in recurrent nets); returns the norm before clipping.
    @discardableResult
    public func clipGradients(maxNorm: Double) -> Double {
        let norm = gradientNorm()
        if maxNorm > 0, norm > maxNorm, norm.isFinite {
            let g = gradients
            T.scale(T(maxNorm / norm), g.baseAddress!, g.count)
        }
        return norm
    }
}
