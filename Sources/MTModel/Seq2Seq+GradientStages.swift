/// The order in which `Seq2Seq.forwardBackward` makes gradients final, as stages of
/// parameters: the generator first (its loss is the first thing back-propagated), then the
/// decoder's layers and attention (after the loop over the target steps), the target
/// embedding (whose gradient also collects the tied generator's), the bridge, the
/// encoder's layers from the top down, the source embedding, and last any other parameter.
/// A stage's gradients do not change after it is reported, until the next `forwardBackward`.
public enum GradientStage {
    public static let generator = 0
    public static let decoder = 1
    public static let targetEmbedding = 2
    public static let bridge = 3
    /// Encoder layer l of `layers`: the top layer's stage comes first.
    public static func encoderLayer(_ l: Int, of layers: Int) -> Int { 4 + layers - 1 - l }
    public static func sourceEmbedding(encoderLayers: Int) -> Int { 4 + encoderLayers }
    public static func rest(encoderLayers: Int) -> Int { 5 + encoderLayers }
    public static func count(encoderLayers: Int) -> Int { 6 + encoderLayers }
}

extension Seq2Seq {
    /// Per stage (`GradientStage`), the store indices of the parameters whose gradients are
    /// final when `gradientsFinal` reports it; every parameter is in exactly one stage (one
    /// of no known prefix in the last, which is reported after the whole backward pass).
    public var gradientStages: [[Int]] {
        let layers = config.encoderLayers
        func stage(_ name: String) -> Int {
            if name.hasPrefix("generator.") { return GradientStage.generator }
            if name.hasPrefix("decoder.layers.") || name.hasPrefix("decoder.attention.") { return GradientStage.decoder }
            if name.hasPrefix("decoder.embedding.") { return GradientStage.targetEmbedding }
            if name.hasPrefix("decoder.init.") || name.hasPrefix("decoder.bridge.") { return GradientStage.bridge }
            if name.hasPrefix("encoder.embedding.") { return GradientStage.sourceEmbedding(encoderLayers: layers) }
            for l in 0..<layers where name.hasPrefix("encoder.layers.\(l).") {
                return GradientStage.encoderLayer(l, of: layers)
            }
            return GradientStage.rest(encoderLayers: layers)
        }
        var stages = [[Int]](repeating: [], count: GradientStage.count(encoderLayers: layers))
        for (i, p) in store.parameters.enumerated() { stages[stage(p.name)].append(i) }
        return stages
    }
}

extension Seq2Seq {
    /// Reports every stage final at once, for a worker that has no part of the batch (its
    /// gradients are what they already are).
    public func reportGradientsFinal() {
        guard let report = gradientsFinal else { return }
        for s in 0..<GradientStage.count(encoderLayers: config.encoderLayers) { report(s) }
    }
}
