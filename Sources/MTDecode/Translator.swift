import MTModel
import MTTensor
import MTText

/// Raw lines in, translated lines out (greedy for now), in input order.
///
/// Lines are encoded with the pipeline, sorted by source length and decoded in batches of
/// at most `batchSize` sentences (similar lengths pad little), then decoded back to text.
public final class Translator<T: Real> {
    public let model: Seq2Seq<T>
    public let pipeline: TextPipeline
    public let decoder: GreedyDecoder<T>
    public var batchSize: Int

    public init(model: Seq2Seq<T>, pipeline: TextPipeline, batchSize: Int = 64,
                maxLengthRatio: Double = 2, maxLengthConstant: Int = 10) {
        precondition(batchSize > 0)
        self.model = model
        self.pipeline = pipeline
        self.batchSize = batchSize
        decoder = GreedyDecoder(model: model, maxLengthRatio: maxLengthRatio, maxLengthConstant: maxLengthConstant)
    }

    /// Translations of raw source lines, in input order.
    public func translate(_ lines: [String]) -> [String] {
        decoder.decodeInBatches(lines.map(pipeline.encodeSource), batchSize: batchSize).map(pipeline.decodeTarget)
    }
}
