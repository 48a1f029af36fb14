/// One input of a `Translator`: the source line and, when given, target text: the prefix
/// the translation must begin with, or (with `TranslationOptions.scoring`) the target to score.
public struct TranslationInput: Equatable, Sendable {
    public var source: String
    public var target: String?

    public init(source: String, target: String? = nil) {
        self.source = source
        self.target = target
    }

    /// `SOURCE<TAB>TARGET` split at the first tab; a line without a tab is a source alone.
    public init(tabSeparated line: String) {
        if let tab = line.firstIndex(of: "\t") {
            self.init(source: String(line[..<tab]), target: String(line[line.index(after: tab)...]))
        } else {
            self.init(source: line)
        }
    }
}
