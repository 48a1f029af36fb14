/// The translation of one unit of an `HTMLDocument`, with a word alignment that tells the
/// rendering where the unit's inline markup goes.
///
/// A word, on both sides, is a maximal run of characters that are not Unicode White_Space:
/// `links` join 0-based indices of the words of the unit's text (source) and of `text`
/// (target). Links may be many-to-many and may leave words out; links out of range are ignored.
public struct HTMLUnitTranslation: Equatable, Sendable {
    public struct Link: Equatable, Hashable, Sendable {
        public var source: Int
        public var target: Int

        public init(source: Int, target: Int) {
            self.source = source
            self.target = target
        }
    }

    public var text: String
    public var links: [Link]

    public init(text: String, links: [Link]) {
        self.text = text
        self.links = links
    }

    /// The unit as it is, each word linked to itself: a document rendered with these for
    /// every unit is its input, byte for byte.
    public static func untranslated(_ unit: String) -> HTMLUnitTranslation {
        let count = HTMLWords.ranges(Array(unit.unicodeScalars)).count
        return HTMLUnitTranslation(text: unit, links: (0..<count).map { Link(source: $0, target: $0) })
    }
}
