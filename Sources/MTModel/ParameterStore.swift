import MTTensor

/// Every parameter of a model, in creation order, addressable by dotted name.
///
/// The order is stable (it is the order layers create their parameters), so
/// optimiser state and checkpoints can be matched by name and checked by shape.
public final class ParameterStore<T: Real> {
    public private(set) var parameters: [Parameter<T>] = []
    private var index: [String: Int] = [:]

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
    /// (no copies, so an update of the primary is seen at once) with their own gradients.
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
            p = Parameter<T>(name: name, sharing: source.value)
        } else {
            p = Parameter<T>(name: name, shape: shape)
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

    public func zeroGradients() {
        for p in parameters { p.grad.zero() }
    }

    /// The L2 norm of all gradients taken as one vector.
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
            let factor = T(maxNorm / norm)
            for p in parameters { T.scale(factor, p.grad.data, p.count) }
        }
        return norm
    }
}
