import CICU

/// The writing system of a character, as ICU assigns it (UScriptCode): what tells Latin
/// text from Cyrillic or Han before any vocabulary is consulted.
public struct UnicodeScript: Hashable, Sendable, CustomStringConvertible {
    /// ICU's script code (an ISO 15924 script).
    public let code: Int32

    public init(code: Int32) { self.code = code }

    public init(of scalar: Unicode.Scalar) { code = cicu_script(Int32(bitPattern: scalar.value)) }

    public static let common = UnicodeScript(code: 0)
    public static let inherited = UnicodeScript(code: 1)
    public static let cyrillic = UnicodeScript(code: 8)
    public static let han = UnicodeScript(code: 17)
    public static let latin = UnicodeScript(code: 25)
    public static let unknown = UnicodeScript(code: 103)

    /// False for the scripts that belong to no language: Common (digits, punctuation,
    /// symbols, emoji), Inherited (combining marks, which take their base's script) and
    /// Unknown (unassigned code points).
    public var isSpecific: Bool { code > 1 && code != UnicodeScript.unknown.code }

    /// ICU's short name, the ISO 15924 code: "Latn", "Cyrl", "Hani".
    public var shortName: String {
        guard let name = cicu_script_short_name(code) else { return "script \(code)" }
        return String(cString: name)
    }

    public var description: String { shortName }
}
