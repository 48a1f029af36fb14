#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MTModel
import MTTensor

/// Updates a `ParameterStore`'s values from its accumulated gradients.
///
/// The state needed to continue bit-identically after a restart (moments, step count)
/// goes into the resume state (`ResumeFile`, beside the model) with the parameters,
/// matched to them by name and checked by shape.
public protocol Optimizer: AnyObject {
    /// Updates taken so far (restored by `loadState`).
    var stepCount: Int { get }
    /// Applies one update with the given learning rate; gradients are left as they are.
    func step(learningRate: Double)
    /// The same update, element slices of it run by `slices` (perhaps on several threads;
    /// every element is updated on its own, so the result does not depend on the slicing).
    func step(learningRate: Double, slices: ParameterSlices)
    /// The optimiser state as a safetensors writer (metadata included).
    func stateWriter(metadata: [String: String]) throws -> SafeTensorsWriter
    /// Restores the state written by `stateWriter`.
    func loadState(from file: SafeTensorsFile) throws
}

/// Runs a body over slices (parameter index, first element, count) that cover every element
/// of every parameter exactly once, in any order or at once.
public typealias ParameterSlices = (_ body: (_ parameter: Int, _ offset: Int, _ count: Int) -> Void) -> Void

/// Whole parameters, one after the other on the calling thread.
func sequentialSlices(_ counts: [Int]) -> ParameterSlices {
    { body in for (i, n) in counts.enumerated() { body(i, 0, n) } }
}

extension Optimizer {
    /// Saves the state atomically to `path`.
    public func saveState(to path: String, metadata: [String: String] = [:]) throws {
        try stateWriter(metadata: metadata).write(to: path)
    }

    public func loadState(from path: String) throws {
        try loadState(from: SafeTensorsFile(contentsOf: path))
    }
}

/// Metadata keys of optimiser state files.
enum OptimizerStateKey {
    static let kind = "optimizer"
    static let step = "step"
}

/// Checks the kind and reads the step count of an optimiser state file.
func readOptimizerHeader(_ file: SafeTensorsFile, expecting kind: String) throws -> Int {
    guard let found = file.metadata[OptimizerStateKey.kind] else {
        throw CheckpointMismatch(
            kind: .missing, name: OptimizerStateKey.kind,
            message: "optimiser state has no \"\(OptimizerStateKey.kind)\" metadata", path: file.path)
    }
    guard found == kind else {
        throw CheckpointMismatch(
            kind: .unexpected, name: OptimizerStateKey.kind,
            message: "optimiser state is for \(found), not \(kind)", path: file.path)
    }
    guard let text = file.metadata[OptimizerStateKey.step], let step = Int(text), step >= 0 else {
        throw CheckpointMismatch(
            kind: .missing, name: OptimizerStateKey.step,
            message: "optimiser state has no valid \"\(OptimizerStateKey.step)\" metadata", path: file.path)
    }
    return step
}

/// Adam (Kingma & Ba) with bias correction, as PyTorch computes it; optional L2
/// weight decay (added to the gradient) or decoupled weight decay (AdamW).
public final class Adam<T: Real>: Optimizer {
    public let store: ParameterStore<T>
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    public var weightDecay: Double
    /// AdamW-style decay (w −= lr·wd·w) instead of L2 added to the gradient.
    public var decoupledWeightDecay: Bool
    public private(set) var stepCount = 0
    /// First and second moments, one per parameter in store order.
    public let firstMoments: [Tensor<T>]
    public let secondMoments: [Tensor<T>]

    static var firstPrefix: String { "m." }
    static var secondPrefix: String { "v." }

    public init(
        _ store: ParameterStore<T>, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
        weightDecay: Double = 0, decoupledWeightDecay: Bool = false
    ) {
        self.store = store
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
        firstMoments = store.parameters.map { Tensor<T>($0.shape) }
        secondMoments = store.parameters.map { Tensor<T>($0.shape) }
    }

    public func step(learningRate: Double) {
        step(learningRate: learningRate, slices: sequentialSlices(store.parameters.map(\.count)))
    }

    public func step(learningRate: Double, slices: ParameterSlices) {
        stepCount += 1
        let t = Double(stepCount)
        let bc1 = T(1 - pow(beta1, t)), bc2 = T(1 - pow(beta2, t))
        let l2 = T(decoupledWeightDecay ? 0 : weightDecay)
        let decoupled = T(decoupledWeightDecay ? weightDecay : 0)
        let lr = T(learningRate), b1 = T(beta1), b2 = T(beta2), eps = T(epsilon)
        let parameters = store.parameters, m = firstMoments, v = secondMoments
        slices { i, offset, n in
            let p = parameters[i]
            T.adamUpdate(
                p.value.data + offset, p.grad.data + offset, m[i].data + offset, v[i].data + offset, n,
                lr: lr, beta1: b1, beta2: b2, epsilon: eps,
                biasCorrection1: bc1, biasCorrection2: bc2, l2: l2, decoupledDecay: decoupled)
        }
    }

    public func stateWriter(metadata: [String: String] = [:]) throws -> SafeTensorsWriter {
        var meta = metadata
        meta[OptimizerStateKey.kind] = "adam"
        meta[OptimizerStateKey.step] = String(stepCount)
        // For information; the configuration in force on resume decides.
        meta["beta1"] = "\(beta1)"
        meta["beta2"] = "\(beta2)"
        meta["epsilon"] = "\(epsilon)"
        meta["weight_decay"] = "\(weightDecay)"
        meta["decoupled_weight_decay"] = "\(decoupledWeightDecay)"
        var w = SafeTensorsWriter(metadata: meta)
        let dtype = SafeTensorsDType.exact(for: T.self)
        for (i, p) in store.parameters.enumerated() {
            try w.add(Self.firstPrefix + p.name, firstMoments[i], dtype: dtype)
            try w.add(Self.secondPrefix + p.name, secondMoments[i], dtype: dtype)
        }
        return w
    }

    public func loadState(from file: SafeTensorsFile) throws {
        let step = try readOptimizerHeader(file, expecting: "adam")
        var expected = Set<String>()
        for p in store.parameters {
            for name in [Self.firstPrefix + p.name, Self.secondPrefix + p.name] {
                expected.insert(name)
                guard let info = file[name] else {
                    throw CheckpointMismatch(
                        kind: .missing, name: p.name,
                        message: "optimiser state lacks \(name) for parameter \(p.name)", path: file.path)
                }
                guard info.shape == p.shape else {
                    throw CheckpointMismatch(
                        kind: .shape, name: p.name,
                        message: "optimiser state \(name) has shape \(info.shape) but parameter \(p.name) has \(p.shape)",
                        path: file.path)
                }
            }
        }
        // A resume file also holds the parameters themselves, under their own names.
        if let extra = file.names.first(where: { !expected.contains($0) && store[$0] == nil }) {
            throw CheckpointMismatch(
                kind: .unexpected, name: extra,
                message: "optimiser state has a tensor \(extra) that matches no parameter", path: file.path)
        }
        for (i, p) in store.parameters.enumerated() {
            try file.read(Self.firstPrefix + p.name, into: firstMoments[i])
            try file.read(Self.secondPrefix + p.name, into: secondMoments[i])
        }
        stepCount = step
    }
}

/// Plain stochastic gradient descent, w −= lr·(g + wd·w); stateless but for the step count.
public final class SGD<T: Real>: Optimizer {
    public let store: ParameterStore<T>
    public var weightDecay: Double
    public private(set) var stepCount = 0

    public init(_ store: ParameterStore<T>, weightDecay: Double = 0) {
        self.store = store
        self.weightDecay = weightDecay
    }

    public func step(learningRate: Double) {
        step(learningRate: learningRate, slices: sequentialSlices(store.parameters.map(\.count)))
    }

    public func step(learningRate: Double, slices: ParameterSlices) {
        stepCount += 1
        let parameters = store.parameters, lr = T(learningRate), l2 = T(weightDecay)
        slices { i, offset, n in
            let p = parameters[i]
            T.sgdUpdate(p.value.data + offset, p.grad.data + offset, n, lr: lr, l2: l2)
        }
    }

    public func stateWriter(metadata: [String: String] = [:]) throws -> SafeTensorsWriter {
        var meta = metadata
        meta[OptimizerStateKey.kind] = "sgd"
        meta[OptimizerStateKey.step] = String(stepCount)
        return SafeTensorsWriter(metadata: meta)
    }

    public func loadState(from file: SafeTensorsFile) throws {
        let step = try readOptimizerHeader(file, expecting: "sgd")
        if let extra = file.names.first(where: { store[$0] == nil }) {
            throw CheckpointMismatch(
                kind: .unexpected, name: extra, message: "SGD state has an unexpected tensor \(extra)", path: file.path)
        }
        stepCount = step
    }
}

/// Where the optimiser state of the model file at `modelPath` lives: beside it, with
/// `.optimizer` before the extension (`run/model.safetensors` → `run/model.optimizer.safetensors`).
public func optimizerStatePath(forModelAt modelPath: String) -> String {
    let suffix = ".safetensors"
    let stem = modelPath.hasSuffix(suffix) ? String(modelPath.dropLast(suffix.count)) : modelPath
    return stem + ".optimizer" + suffix
}
