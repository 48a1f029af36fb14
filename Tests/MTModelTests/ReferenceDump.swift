import Foundation
import MTModel
import MTTensor
import Testing

/// One file written by scripts/reference-dump.py: a configuration, its weights, a batch,
/// and what PyTorch computed from them (logits, loss sums, every parameter's gradient).
struct ReferenceDump {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/reference")

    /// Tensor name prefixes that are not parameters.
    static let gradientPrefix = "grad.", batchPrefix = "batch.", outputPrefix = "output."

    let file: SafeTensorsFile
    let config: Seq2SeqConfig
    let batch: Batch

    init(named name: String) throws {
        file = try SafeTensorsFile(contentsOf: Self.directory.appendingPathComponent(name + ".safetensors").path)
        let json = try #require(file.metadata["config"], "\(name): no config in the metadata")
        config = try Seq2SeqConfig.fromJSON(json)
        let (source, sourceShape) = try Self.ids(file, "batch.source")
        let (targetInput, targetShape) = try Self.ids(file, "batch.target_input")
        batch = Batch(
            indices: Array(0..<sourceShape[1]), sourceSteps: sourceShape[0], targetSteps: targetShape[0], source: source,
            sourceLengths: try Self.ids(file, "batch.source_lengths").values, targetInput: targetInput,
            targetOutput: try Self.ids(file, "batch.target_output").values,
            targetLengths: try Self.ids(file, "batch.target_lengths").values)
    }

    /// Names of the weights in the file (everything that is not a gradient, batch or output).
    var weightNames: Set<String> {
        Set(file.names.filter {
            !$0.hasPrefix(Self.gradientPrefix) && !$0.hasPrefix(Self.batchPrefix) && !$0.hasPrefix(Self.outputPrefix)
        })
    }

    /// Names of the parameters whose gradient the file holds.
    var gradientNames: Set<String> {
        Set(file.names.filter { $0.hasPrefix(Self.gradientPrefix) }.map { String($0.dropFirst(Self.gradientPrefix.count)) })
    }

    /// Loads the weights into `model` by name; every other tensor of the file is data.
    func loadWeights(into model: Seq2Seq<Double>) throws {
        try model.store.load(from: file, ignoringPrefixes: [Self.gradientPrefix, Self.batchPrefix, Self.outputPrefix])
    }

    func values(_ name: String) throws -> [Double] { try file.tensor(name, as: Double.self).values }

    /// An I32 tensor's values and shape.
    private static func ids(_ file: SafeTensorsFile, _ name: String) throws -> (values: [Int32], shape: [Int]) {
        let info = try #require(file[name], "no tensor \(name)")
        try #require(info.dtype == .i32, "\(name) is \(info.dtype.rawValue), not I32")
        let values = try file.withRawBytes(of: name) { raw in
            (0..<info.elementCount).map { raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self) }
        }
        return (values, info.shape)
    }
}
