import Foundation
import MTCore
import MTText

/// Reading request bodies into `TranslateRequest`s. Every way a body can be wrong — not
/// UTF-8, not JSON, wrong types, missing fields — is a `ServeError` of status 400 (415 for
/// a media type we do not read) with a message of one line.
public enum RequestParsing {
    /// The text of a body, refusing invalid UTF-8 rather than replacing it.
    static func text(_ body: [UInt8]) throws -> String {
        guard let s = String(validating: body, as: UTF8.self) else {
            throw ServeError.badRequest("the body is not valid UTF-8")
        }
        return s
    }

    static func json(_ body: [UInt8]) throws -> JSONValue {
        let s = try text(body)
        do {
            return try JSONValue.parse(s)
        } catch {
            throw ServeError.badRequest("the body is not valid JSON")
        }
    }

    /// The fields of a LibreTranslate body: a JSON object, or a form
    /// (application/x-www-form-urlencoded), whose values are all strings; 415 for another
    /// media type.
    static func libreTranslateFields(body: [UInt8], contentType: String?) throws -> (fields: [String: JSONValue], isForm: Bool) {
        let type = contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        switch type {
        case "application/x-www-form-urlencoded"?:
            return (try form(text(body)).mapValues { $0.count == 1 ? .string($0[0]) : .array($0.map { .string($0) }) }, true)
        case "application/json"?, nil:
            guard case .object(let o) = try json(body) else {
                throw ServeError.badRequest("the body must be a JSON object with a field q")
            }
            return (o, false)
        case let other?:
            throw ServeError(415, "unsupported content type '\(other)' (send application/json or a form)")
        }
    }

    /// LibreTranslate's `q`: a string (`single`) or a non-empty array of strings.
    static func query(_ fields: [String: JSONValue], missing: String) throws -> (lines: [String], single: Bool) {
        switch fields["q"] {
        case nil, .null?: throw ServeError.badRequest(missing)
        case .string(let s)?: return ([s], true)
        case .array(let items)?:
            let lines = try items.map {
                guard case .string(let s) = $0 else { throw ServeError.badRequest("q must be a string or an array of strings") }
                return s
            }
            guard !lines.isEmpty else { throw ServeError.badRequest("q is an empty array") }
            return (lines, false)
        default: throw ServeError.badRequest("q must be a string or an array of strings")
        }
    }

    /// LibreTranslate's POST /detect: `q` as for /translate (a string or an array of
    /// strings, in a JSON object or a form); other fields (`api_key`) are ignored. A `q` of
    /// nothing but white space is a 400.
    public static func detect(body: [UInt8], contentType: String?) throws -> [String] {
        let (fields, _) = try libreTranslateFields(body: body, contentType: contentType)
        let (lines, _) = try query(fields, missing: "missing q: the text to detect the language of")
        guard lines.contains(where: { !$0.allSatisfy(\.isWhitespace) }) else {
            throw ServeError.badRequest("q is empty: no text to detect the language of")
        }
        return lines
    }

    /// LibreTranslate's POST /translate: a JSON object, or a form
    /// (application/x-www-form-urlencoded or multipart is refused: 415).
    /// Fields `q` (string or array of strings), `source`, `target`, `format` (`text` or
    /// `html`), `alternatives`, and ours, `options`; others (`api_key`) are ignored.
    public static func libreTranslate(body: [UInt8], contentType: String?) throws -> TranslateRequest {
        let read = try libreTranslateFields(body: body, contentType: contentType)
        var fields = read.fields
        if read.isForm {
            // Numbers arrive as text in a form.
            if case .string(let a)? = fields["alternatives"] {
                guard let n = Int(a) else { throw ServeError.badRequest("alternatives must be an integer") }
                fields["alternatives"] = .integer(Int64(n))
            }
            if case .string(let o)? = fields["options"] { fields["options"] = try json(Array(o.utf8)) }
        }
        let (lines, single) = try query(fields, missing: "missing q: the text to translate")
        let f = JSONFields(fields)
        var request = TranslateRequest(style: .libreTranslate(single: single), lines: lines)
        request.source = try f.string("source")
        request.target = try f.string("target")
        if let format = try f.string("format") {
            guard let known = TextFormat(rawValue: format) else {
                throw ServeError.badRequest("unknown format \(ServeError.quoted(format)) (known: \(TextFormat.names))")
            }
            request.format = known
        }
        let alternatives = try f.integer("alternatives") ?? 0
        guard alternatives >= 0 else { throw ServeError.badRequest("alternatives must be 0 or more") }
        request.alternatives = alternatives
        if let o = fields["options"], o != .null {
            (request.options, request.model) = try RequestOptions.parse(o)
        }
        return request
    }

    /// OpenNMT-py's POST /translator/translate: `[{"src": "...", "id": MODEL}, ...]`, every
    /// entry naming the same model (an integer or a string id; none: the default model).
    /// Ours: an `options` object in the first entry.
    public static func openNMT(body: [UInt8]) throws -> TranslateRequest {
        guard case .array(let entries) = try json(body) else {
            throw ServeError.badRequest("the body must be a JSON array of {\"src\": ..., \"id\": ...}")
        }
        guard !entries.isEmpty else { throw ServeError.badRequest("the array of inputs is empty") }
        var lines: [String] = [], ids: [String?] = []
        var options: JSONValue?
        for (i, entry) in entries.enumerated() {
            guard case .object(let fields) = entry else { throw ServeError.badRequest("input \(i) is not an object") }
            guard case .string(let src)? = fields["src"] else {
                throw ServeError.badRequest("input \(i) has no src string")
            }
            lines.append(src)
            switch fields["id"] {
            case nil, .null?: ids.append(nil)
            case .integer(let n)?: ids.append(String(n))
            case .string(let s)?: ids.append(s)
            default: throw ServeError.badRequest("input \(i): id must be an integer or a string")
            }
            if i == 0 { options = fields["options"] }
        }
        guard Set(ids.map { $0 ?? "" }).count == 1 else {
            throw ServeError.badRequest("every input of a request must name the same model id")
        }
        var request = TranslateRequest(style: .openNMT, lines: lines)
        var model: String?
        if let options, options != .null { (request.options, model) = try RequestOptions.parse(options) }
        request.model = ids[0] ?? model
        return request
    }

    /// POST /models/{id}/reload: the model file the body names (`{"path": FILE}`), or nil
    /// for an empty body or none named (the file the model was loaded from).
    public static func reloadPath(body: [UInt8]) throws -> String? {
        guard !body.isEmpty else { return nil }
        guard case .object(let fields) = try json(body) else {
            throw ServeError.badRequest("the body must be a JSON object (or empty)")
        }
        return try JSONFields(fields).string("path")
    }

    /// The fields of an application/x-www-form-urlencoded body (`+` is a space).
    /// A name given several times keeps every value, in order (a form's way of sending an
    /// array, as LibreTranslate's Python clients send a list `q`).
    static func form(_ text: String) throws -> [String: [String]] {
        var fields: [String: [String]] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) throws -> String {
                guard let d = s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                    throw ServeError.badRequest("the form is not valid percent-encoded UTF-8")
                }
                return d
            }
            fields[try decode(parts[0]), default: []].append(try decode(parts.count > 1 ? parts[1] : ""))
        }
        return fields
    }
}
