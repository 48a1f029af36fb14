import Foundation
import MTCore
import MTText

/// A translation request as the routes read it, whichever API it came through: the lines
/// in order, which model (by id or by languages), and the options over the defaults.
public struct TranslateRequest: Equatable, Sendable {
    public enum Style: Equatable, Sendable {
        /// LibreTranslate's POST /translate; `single`: `q` was a string, not an array.
        case libreTranslate(single: Bool)
        /// OpenNMT-py's POST /translator/translate.
        case openNMT
    }

    public var style: Style
    /// The texts to translate (`q`'s strings, OpenNMT-py's `src`s), each split into sentences.
    public var lines: [String]
    /// Plain text or HTML (LibreTranslate's `format`).
    public var format = TextFormat.text
    /// A model id (our `options.model`, OpenNMT-py's `id`).
    public var model: String?
    /// Language codes; nil or "auto" for the source: whichever model fits the target.
    public var source: String?
    public var target: String?
    /// LibreTranslate's extra outputs besides the best.
    public var alternatives = 0
    public var options = RequestOptions()

    public init(style: Style, lines: [String]) {
        self.style = style
        self.lines = lines
    }

    /// What a language detection reads: the texts, an HTML text without its markup.
    public var words: [String] {
        format == .html ? lines.map { HTMLDocument($0).units.joined(separator: "\n") } : lines
    }

    /// The search settings of this request over the server's defaults.
    public func settings(defaults: SearchSettings, limits: ServeLimits) throws -> SearchSettings {
        try options.settings(over: defaults, alternatives: alternatives, limits: limits)
    }

    /// Refuses requests over the per-request character limit: the characters (Unicode
    /// scalars) of the texts as sent, white space and markup included.
    public func check(_ limits: ServeLimits) throws {
        let characters = lines.reduce(0) { $0 + $1.unicodeScalars.count }
        if characters > limits.maxCharacters {
            throw ServeError.badRequest("\(characters) characters are over the limit max_characters \(limits.maxCharacters)")
        }
    }

    /// Refuses requests over the sentence limit: the sentences the texts hold, as split for
    /// translation (an array's strings count for what they hold, not one each).
    public func check(sentences: Int, _ limits: ServeLimits) throws {
        if sentences > limits.maxSentences {
            throw ServeError.badRequest("\(sentences) sentences are over the limit max_sentences \(limits.maxSentences)")
        }
    }
}

/// Our options, in a request's `options` object: each overrides the server's default.
public struct RequestOptions: Equatable, Sendable {
    public var beamSize: Int?
    public var nBest: Int?
    public var lengthPenalty: Double?
    public var maxLengthRatio: Double?
    public var earlyStop: Bool?
    public var replaceUnknown: Bool?
    /// Return each output's score and subwords.
    public var scores = false
    /// Return the best output's attention weights (implies `scores`).
    public var attention = false

    public init() {}

    static let keys = ["model", "beam_size", "n_best", "length_penalty", "max_length_ratio", "early_stop",
                       "replace_unk", "scores", "attention"]

    /// Reads an `options` object; also returns its `model`.
    static func parse(_ value: JSONValue) throws -> (RequestOptions, model: String?) {
        guard case .object(let fields) = value else { throw ServeError.badRequest("options must be an object") }
        for key in fields.keys.sorted() where !keys.contains(key) {
            throw ServeError.badRequest("unknown option \(ServeError.quoted(key)) (known: \(keys.joined(separator: ", ")))")
        }
        var o = RequestOptions()
        let f = JSONFields(fields, prefix: "options.")
        o.beamSize = try f.integer("beam_size")
        o.nBest = try f.integer("n_best")
        o.lengthPenalty = try f.number("length_penalty")
        o.maxLengthRatio = try f.number("max_length_ratio")
        o.earlyStop = try f.bool("early_stop")
        o.replaceUnknown = try f.bool("replace_unk")
        o.scores = try f.bool("scores") ?? false
        o.attention = try f.bool("attention") ?? false
        return (o, try f.string("model"))
    }

    /// The search settings: `defaults` with these options and `alternatives` (LibreTranslate's
    /// extra outputs) laid over them. Asking for more outputs than the default beam widens
    /// the beam to fit, unless the beam was given too.
    public func settings(over defaults: SearchSettings, alternatives: Int, limits: ServeLimits) throws -> SearchSettings {
        var s = defaults
        if let beamSize { s.beamSize = beamSize }
        let nBest = nBest ?? (alternatives + 1)
        if nBest < alternatives + 1 {
            throw ServeError.badRequest("options.n_best \(nBest) is less than alternatives + 1 = \(alternatives + 1)")
        }
        s.nBest = nBest
        if beamSize == nil && s.nBest > s.beamSize { s.beamSize = s.nBest }
        if let lengthPenalty { s.lengthPenalty = lengthPenalty }
        if let maxLengthRatio { s.maxLengthRatio = maxLengthRatio }
        if let earlyStop { s.earlyStop = earlyStop }
        if let replaceUnknown { s.replaceUnknown = replaceUnknown }
        s.attention = attention
        if let problem = s.problem(maxBeamSize: limits.maxBeamSize) { throw ServeError.badRequest(problem) }
        return s
    }
}

/// Typed reads of a JSON object's fields, each failure a 400 naming the field.
struct JSONFields {
    let fields: [String: JSONValue]
    let prefix: String

    init(_ fields: [String: JSONValue], prefix: String = "") {
        self.fields = fields
        self.prefix = prefix
    }

    private func fail(_ key: String, _ what: String) -> ServeError {
        ServeError.badRequest("\(prefix)\(key) must be \(what)")
    }

    func string(_ key: String) throws -> String? {
        switch fields[key] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        default: throw fail(key, "a string")
        }
    }

    func integer(_ key: String) throws -> Int? {
        switch fields[key] {
        case nil, .null?: return nil
        case .integer(let v)? where v >= Int64(Int32.min) && v <= Int64(Int32.max): return Int(v)
        case .double(let v)? where v == v.rounded() && abs(v) <= Double(Int32.max): return Int(v)
        default: throw fail(key, "an integer")
        }
    }

    func number(_ key: String) throws -> Double? {
        switch fields[key] {
        case nil, .null?: return nil
        case .integer(let v)?: return Double(v)
        case .unsigned(let v)?: return Double(v)
        case .double(let v)?: return v
        default: throw fail(key, "a number")
        }
    }

    func bool(_ key: String) throws -> Bool? {
        switch fields[key] {
        case nil, .null?: return nil
        case .bool(let b)?: return b
        default: throw fail(key, "true or false")
        }
    }
}
