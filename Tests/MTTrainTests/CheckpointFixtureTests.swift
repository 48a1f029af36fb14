import Foundation
import MTCore
import MTModel
import MTTensor
import Testing
@testable import MTTrain

/// A tiny model file written by this code base, committed so that
/// `scripts/check-safetensors.sh` can show Python's safetensors opening it.
@Suite struct CheckpointFixtureTests {
    static let fixturePath = repositoryRoot + "/Tests/MTTrainTests/Fixtures/swift-written.safetensors"

    static func tinyModelBytes() throws -> [UInt8] {
        let rng = SeededRandom(seed: 2024)
        let store = ParameterStore<Float>()
        _ = store.make("encoder.embedding.weight", [6, 4], .uniform(0.1), rng: rng)
        _ = store.make("encoder.layers.0.forward.w_ih", [16, 4], .uniform(0.1), rng: rng)
        _ = store.make("encoder.layers.0.forward.b", [16], .zeros, rng: rng)
        _ = store.make("decoder.generator.weight", [6, 4], .uniform(0.3), rng: rng)
        _ = store.make("decoder.generator.bias", [6], .zeros, rng: rng)
        var config = TrainingConfig()
        try config.apply(overrides: ["embedding_size=4", "hidden_size=4", "encoder_layers=1", "decoder_layers=1"])
        return try store.safeTensorsWriter(metadata: ["config": config.jsonString(), "fixture": "tiny model for format checks"])
            .serialized()
    }

    @Test func committedFixtureMatchesTheWriter() throws {
        let bytes = try Self.tinyModelBytes()
        if ProcessInfo.processInfo.environment["MT_WRITE_FIXTURES"] == "1" {
            try AtomicFile.write(bytes, to: Self.fixturePath)
        }
        #expect(bytes.count < 10_000)
        #expect(try AtomicFile.read(Self.fixturePath) == bytes, "rerun with MT_WRITE_FIXTURES=1 after a deliberate format change")
        let file = try SafeTensorsFile(contentsOf: Self.fixturePath)
        #expect(try TrainingConfig.fromJSON(file.metadata["config"]!).model.hiddenSize == 4)
    }

    /// Written by Python's safetensors 0.x (`safetensors.numpy.save_file`): the reader
    /// must accept what the reference implementation writes.
    @Test func readsAFileWrittenByTheReferenceImplementation() throws {
        let file = try SafeTensorsFile(contentsOf: repositoryRoot + "/Tests/MTTrainTests/Fixtures/python-written.safetensors")
        #expect(file.metadata == ["k": "v", "written_by": "python safetensors"])
        #expect(Set(file.names) == ["a", "b", "c"])
        let a = try file.tensor("a", as: Float.self)
        #expect(a.shape == [2, 3])
        let expected: [Float] = [1.5, -2, 3, 0.25, 1e-30, -0.0]
        #expect(a.values.map(\.bitPattern) == expected.map(\.bitPattern))
        #expect(try file.tensor("b", as: Double.self).values == [1.0 / 3, -2e300])
        #expect(file["c"]?.dtype == .i64)
        #expect(try file.withRawBytes(of: "c") { $0.loadUnaligned(as: Int64.self) } == 7)
    }
}
