import Foundation
import MTModel
import MTTensor
import Testing
@testable import MTTrain

func makeTrainTestDirectory() -> String {
    let dir = NSTemporaryDirectory() + "mttrain-tests-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

@Suite struct OptimizerTests {
    /// Gradient of f(w) = Σ ½·a_i·(w_i − c_i)².
    private func quadraticGradient<T: Real>(_ p: Parameter<T>, _ a: [Double], _ c: [Double]) {
        for i in 0..<p.count { p.grad[i] = T(a[i] * (Double(p.value[i]) - c[i])) }
    }

    @Test func adamMatchesHandComputedSteps() {
        let store = ParameterStore<Double>()
        let p = store.make("w", [2], .zeros, rng: SeededRandom(seed: 1))
        p.value[0] = 1; p.value[1] = -2
        let adam = Adam(store, beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
        var w = [1.0, -2.0], m = [0.0, 0.0], v = [0.0, 0.0]
        let grads: [[Double]] = [[0.5, -1], [0.1, 3], [-2, 0.25]]
        for (t, g) in grads.enumerated() {
            p.grad[0] = g[0]; p.grad[1] = g[1]
            adam.step(learningRate: 0.01)
            let step = Double(t + 1)
            for i in 0..<2 {
                m[i] = 0.9 * m[i] + 0.1 * g[i]
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i]
                let mHat = m[i] / (1 - pow(0.9, step))
                let vHat = v[i] / (1 - pow(0.999, step))
                w[i] -= 0.01 * mHat / (vHat.squareRoot() + 1e-8)
            }
            #expect(abs(p.value[0] - w[0]) < 1e-12 && abs(p.value[1] - w[1]) < 1e-12)
        }
        #expect(adam.stepCount == 3)
    }

    @Test func adamConvergesOnAQuadratic() {
        let store = ParameterStore<Float>()
        let p = store.make("w", [4], .uniform(1), rng: SeededRandom(seed: 2))
        let a = [1.0, 10.0, 0.1, 3.0], c = [0.5, -1.0, 2.0, 0.0]
        let adam = Adam(store)
        for _ in 0..<3000 {
            quadraticGradient(p, a, c)
            adam.step(learningRate: 0.02)
        }
        for i in 0..<4 { #expect(abs(Double(p.value[i]) - c[i]) < 1e-2, "w[\(i)] = \(p.value[i])") }
    }

    @Test func weightDecayVariants() {
        for decoupled in [false, true] {
            let store = ParameterStore<Double>()
            let p = store.make("w", [1], .constant(2), rng: SeededRandom(seed: 1))
            let adam = Adam(store, weightDecay: 0.1, decoupledWeightDecay: decoupled)
            p.grad[0] = 0
            adam.step(learningRate: 0.1)
            // L2: gradient becomes 0.2, so Adam's first step is ≈ −lr; AdamW: w·(1 − lr·wd) exactly.
            #expect(abs(p.value[0] - (decoupled ? 2 * (1 - 0.01) : 1.9)) < 1e-6)
        }
        let store = ParameterStore<Double>()
        let p = store.make("w", [2], .constant(1), rng: SeededRandom(seed: 1))
        let sgd = SGD(store, weightDecay: 0.5)
        p.grad[0] = 1; p.grad[1] = -1
        sgd.step(learningRate: 0.1)
        #expect(abs(p.value[0] - (1 - 0.1 * 1.5)) < 1e-12 && abs(p.value[1] - (1 - 0.1 * -0.5)) < 1e-12)
        #expect(sgd.stepCount == 1)
    }

    private func makeStore() -> ParameterStore<Float> {
        let rng = SeededRandom(seed: 7)
        let store = ParameterStore<Float>()
        _ = store.make("a.weight", [3, 2], .uniform(0.5), rng: rng)
        _ = store.make("a.bias", [3], .uniform(0.5), rng: rng)
        return store
    }

    private func fillGradients(_ store: ParameterStore<Float>, _ step: Int) {
        for p in store.parameters {
            for i in 0..<p.count { p.grad[i] = Float(sin(Double(step * 7 + i)) + Double(p.value[i])) }
        }
    }

    @Test func savedStateContinuesBitIdentically() throws {
        let dir = makeTrainTestDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = makeStore()
        let adamA = Adam(a)
        for s in 0..<5 { fillGradients(a, s); adamA.step(learningRate: 1e-2) }
        try a.save(to: dir + "/model.safetensors")
        try adamA.saveState(to: dir + "/optimizer.safetensors", metadata: ["note": "x"])

        let b = makeStore()
        b.parameters[0].value[0] = 99
        try b.load(from: dir + "/model.safetensors")
        let adamB = Adam(b)
        try adamB.loadState(from: dir + "/optimizer.safetensors")
        #expect(adamB.stepCount == 5)
        for s in 5..<9 {
            fillGradients(a, s); adamA.step(learningRate: 1e-2)
            fillGradients(b, s); adamB.step(learningRate: 1e-2)
        }
        for (p, q) in zip(a.parameters, b.parameters) {
            #expect(p.value.values.map(\.bitPattern) == q.value.values.map(\.bitPattern))
        }
        let file = try SafeTensorsFile(contentsOf: dir + "/optimizer.safetensors")
        #expect(file.metadata["optimizer"] == "adam" && file.metadata["step"] == "5" && file.metadata["note"] == "x")
        #expect(file.names == ["m.a.weight", "v.a.weight", "m.a.bias", "v.a.bias"])
    }

    @Test func stateMismatchesAreNamed() throws {
        let a = makeStore()
        let bytes = try Adam(a).stateWriter(metadata: [:]).serialized()
        let file = try SafeTensorsFile(bytes: bytes, path: "opt.safetensors")

        let other = ParameterStore<Float>()
        _ = other.make("a.weight", [2, 3], .zeros, rng: SeededRandom(seed: 1))
        _ = other.make("a.bias", [3], .zeros, rng: SeededRandom(seed: 1))
        #expect { try Adam(other).loadState(from: file) } throws: {
            ($0 as? CheckpointMismatch)?.kind == .shape && "\($0)".contains("a.weight")
        }
        let fewer = ParameterStore<Float>()
        _ = fewer.make("a.bias", [3], .zeros, rng: SeededRandom(seed: 1))
        #expect { try Adam(fewer).loadState(from: file) } throws: {
            ($0 as? CheckpointMismatch)?.kind == .unexpected && "\($0)".contains("a.weight")
        }
        let more = makeStore()
        _ = more.make("c", [1], .zeros, rng: SeededRandom(seed: 1))
        #expect { try Adam(more).loadState(from: file) } throws: {
            ($0 as? CheckpointMismatch)?.kind == .missing && "\($0)".contains("m.c")
        }
        #expect { try SGD(a).loadState(from: file) } throws: { "\($0)".contains("is for adam, not sgd") }
        let sgdState = try SafeTensorsFile(bytes: SGD(a).stateWriter(metadata: [:]).serialized())
        let sgd = SGD(a)
        try sgd.loadState(from: sgdState)
        #expect(sgd.stepCount == 0)
    }
}
