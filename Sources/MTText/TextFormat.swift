/// What a text to translate is: plain text, or HTML whose text nodes are translated and
/// whose markup is kept (`HTMLDocument`).
public enum TextFormat: String, Sendable, CaseIterable {
    case text, html

    /// The formats' names, for messages.
    public static var names: String { allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ") }
}
