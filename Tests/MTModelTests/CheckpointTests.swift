import Foundation
import MTTensor
import Testing
@testable import MTModel

@Suite struct CheckpointTests {
    private func makeStore(seed: UInt64, hidden: Int = 3) -> ParameterStore<Float> {
        let rng = SeededRandom(seed: seed)
        let store = ParameterStore<Float>()
        _ = store.make("encoder.embedding", [5, hidden], .uniform(0.1), rng: rng)
        _ = store.make("decoder.out.weight", [4, hidden], .uniform(0.3), rng: rng)
        _ = store.make("decoder.out.bias", [4], .constant(0.5), rng: rng)
        return store
    }

    private func temporaryPath() -> (dir: String, path: String) {
        let dir = NSTemporaryDirectory() + "checkpoint-tests-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return (dir, dir + "/model.safetensors")
    }

    @Test func saveThenLoadRestoresEveryValueExactly() throws {
        let (dir, path) = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = makeStore(seed: 1)
        try a.save(to: path, metadata: ["config": "{\"hidden\":3}"])
        let file = try SafeTensorsFile(contentsOf: path)
        #expect(file.names == a.parameters.map(\.name))
        #expect(file.metadata["config"] == "{\"hidden\":3}")
        let b = makeStore(seed: 2)
        #expect(b.parameters[0].value.values != a.parameters[0].value.values)
        try b.load(from: path)
        for (p, q) in zip(a.parameters, b.parameters) {
            #expect(p.value.values.map(\.bitPattern) == q.value.values.map(\.bitPattern))
        }
        // A Double store reads the same F32 file.
        let rng = SeededRandom(seed: 3)
        let d = ParameterStore<Double>()
        for p in a.parameters { _ = d.make(p.name, p.shape, .zeros, rng: rng) }
        try d.load(from: path)
        #expect(d["decoder.out.bias"]!.value.values == [0.5, 0.5, 0.5, 0.5])
    }

    private func expectMismatch(
        _ store: ParameterStore<Float>, _ file: SafeTensorsFile, _ kind: CheckpointMismatch.Kind, naming name: String
    ) {
        let before = store.parameters.map(\.value.values)
        do {
            try store.load(from: file)
            Issue.record("expected a mismatch")
        } catch let e as CheckpointMismatch {
            #expect(e.kind == kind)
            #expect(e.name == name)
            #expect(e.description.hasPrefix("mismatched checkpoint: "))
            #expect(e.description.contains(name))
        } catch {
            Issue.record("unexpected error \(error)")
        }
        // A failed load leaves the model as it was.
        #expect(store.parameters.map(\.value.values) == before)
    }

    @Test func missingExtraAndMisshapenParametersAreNamed() throws {
        let saved = try SafeTensorsFile(bytes: makeStore(seed: 1).safeTensorsWriter().serialized())

        let bigger = makeStore(seed: 1)
        _ = bigger.make("decoder.bridge.weight", [2, 2], .zeros, rng: SeededRandom(seed: 1))
        expectMismatch(bigger, saved, .missing, naming: "decoder.bridge.weight")

        let smaller = ParameterStore<Float>()
        _ = smaller.make("encoder.embedding", [5, 3], .zeros, rng: SeededRandom(seed: 1))
        expectMismatch(smaller, saved, .unexpected, naming: "decoder.out.weight")
        try smaller.load(from: saved, ignoringPrefixes: ["decoder."])

        expectMismatch(makeStore(seed: 1, hidden: 4), saved, .shape, naming: "encoder.embedding")
    }
}
