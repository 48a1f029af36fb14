import MTCore
import MTTensor
import MTText

/// A shortlist on disk: a safetensors file with the frequent ids (`frequent`, I32 [F]) and
/// the translations of each source id (`translations`, I32 [S, M], −1 after the end of a
/// shorter list), and the hashes of the vocabularies it was built with, so a shortlist is
/// never used with a model whose vocabularies differ.
extension Shortlist {
    public static let fileFormat = "swiftnmt-shortlist/1"

    public func write(to path: String, sourceVocabulary: Vocabulary, targetVocabulary: Vocabulary) throws {
        precondition(sourceVocabulary.count == sourceVocabularySize && targetVocabulary.count == targetVocabularySize)
        let width = translations.map(\.count).max() ?? 0
        var table = [Int32](repeating: -1, count: sourceVocabularySize * width)
        for (s, list) in translations.enumerated() {
            for (j, t) in list.enumerated() { table[s * width + j] = t }
        }
        var writer = SafeTensorsWriter(metadata: [
            "format": Self.fileFormat,
            "source_vocabulary_hash": sourceVocabulary.hash,
            "target_vocabulary_hash": targetVocabulary.hash,
        ])
        try writer.add("frequent", dtype: .i32, shape: [frequent.count], bytes: Self.bytes(frequent))
        try writer.add("translations", dtype: .i32, shape: [sourceVocabularySize, width], bytes: Self.bytes(table))
        try writer.write(to: path)
    }

    /// Reads a shortlist file and checks it against the model's vocabularies.
    public static func load(_ path: String, sourceVocabulary: Vocabulary, targetVocabulary: Vocabulary) throws -> Shortlist {
        let file = try SafeTensorsFile.open(path, as: "shortlist file")
        guard file.metadata["format"] == fileFormat else {
            throw FileError("not a shortlist file (no format '\(fileFormat)' in its metadata)", path: path)
        }
        guard file.metadata["source_vocabulary_hash"] == sourceVocabulary.hash,
              file.metadata["target_vocabulary_hash"] == targetVocabulary.hash else {
            throw FileError("the shortlist was built with other vocabularies than the model's", path: path)
        }
        let s = sourceVocabulary.count, v = targetVocabulary.count
        guard let f = file["frequent"], f.dtype == .i32, f.shape.count == 1,
              let t = file["translations"], t.dtype == .i32, t.shape.count == 2, t.shape[0] == s else {
            throw FileError("shortlist tensors missing or of the wrong type or shape", path: path)
        }
        let frequent = try ids(file, "frequent"), table = try ids(file, "translations")
        let width = t.shape[1]
        guard (frequent + table).allSatisfy({ $0 >= -1 && $0 < v }), !frequent.contains(-1) else {
            throw FileError("shortlist ids outside the target vocabulary of \(v)", path: path)
        }
        let translations = (0..<s).map { row in table[(row * width)..<((row + 1) * width)].filter { $0 >= 0 } }
        return Shortlist(sourceVocabularySize: s, targetVocabularySize: v, frequent: frequent, translations: translations)
    }

    private static func bytes(_ ids: [Int32]) -> [UInt8] {
        ids.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
    }

    private static func ids(_ file: SafeTensorsFile, _ name: String) throws -> [Int32] {
        try file.withRawBytes(of: name) { raw in
            stride(from: 0, to: raw.count, by: 4).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: $0, as: Int32.self)) }
        }
    }
}
