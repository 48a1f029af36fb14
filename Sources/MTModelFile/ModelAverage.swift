import MTCore
import MTModel
import MTTensor

/// Checkpoint averaging (as OpenNMT-py's average_models and Marian's average.py): the mean
/// of each parameter over model files of one configuration, parameters and text pipeline.
/// The sums are taken in double precision, in the order the files are given, so the mean of
/// copies of one model is that model exactly.
extension ModelFile {
    /// The average of the models at `paths` (at least one), with the first one's
    /// configuration, pipeline and metadata. Models whose configuration, parameter names or
    /// shapes, vocabularies or pipelines differ from the first one's are refused.
    public static func average(_ paths: [String]) throws -> LoadedModel {
        precondition(!paths.isEmpty, "nothing to average")
        let first = try load(paths[0])
        let parameters = first.model.store.parameters
        var sums = parameters.map { p in (0..<p.count).map { Double(p.value.data[$0]) } }
        for path in paths.dropFirst() {
            let other = try load(path)
            try checkAverageable(other, against: first, path: path, firstPath: paths[0])
            for (i, p) in other.model.store.parameters.enumerated() {
                let x = p.value.data
                sums[i].withUnsafeMutableBufferPointer { s in
                    for j in 0..<s.count { s[j] += Double(x[j]) }
                }
            }
        }
        let n = Double(paths.count)
        for (i, p) in parameters.enumerated() {
            let x = p.value.data
            sums[i].withUnsafeBufferPointer { s in
                for j in 0..<s.count { x[j] = Float(s[j] / n) }
            }
        }
        return first
    }

    /// Throws a `FileError` saying how `other` differs from `first`, if it does.
    private static func checkAverageable(_ other: LoadedModel, against first: LoadedModel, path: String, firstPath: String) throws {
        func refuse(_ what: String) -> FileError {
            FileError("cannot average with \(firstPath): \(what)", path: path)
        }
        let a = first.model.store.parameters, b = other.model.store.parameters
        if a.map(\.name) != b.map(\.name) {
            let missing = Set(a.map(\.name)).symmetricDifference(b.map(\.name)).sorted().first ?? a.map(\.name).first ?? ""
            throw refuse("the parameter names differ (\(missing))")
        }
        if let (p, q) = zip(a, b).first(where: { $0.shape != $1.shape }) {
            throw refuse("parameter \(p.name) has shape \(q.shape), not \(p.shape)")
        }
        if other.model.config != first.model.config { throw refuse("the model configurations differ") }
        if other.pipeline.sourceVocabulary.hash != first.pipeline.sourceVocabulary.hash {
            throw refuse("the source vocabularies differ")
        }
        if other.pipeline.targetVocabulary.hash != first.pipeline.targetVocabulary.hash {
            throw refuse("the target vocabularies differ")
        }
        if other.pipeline.metadata != first.pipeline.metadata { throw refuse("the text pipelines differ") }
    }
}
