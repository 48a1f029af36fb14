import Foundation
import MTCore

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

    /// LibreTranslate's POST /translate: a JSON object, or a form
    /// (application/x-www-form-urlencoded or multipart is refused: 415).
    /// Fields `q` (string or array of strings), `source`, `target`, `format` (`text`;
    /// `html` is refused), `alternatives`, and ours, `options`; others (`api_key`) are ignored.
    public static func libreTranslate(body: [UInt8], contentType: String?) throws -> TranslateRequest {
        let type = contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var fields: [String: JSONValue]
        switch type {
        case "application/x-www-form-urlencoded"?:
            fields = try form(text(body)).mapValues { .string($0) }
            // Numbers arrive as text in a form.
            if case .string(let a)? = fields["alternatives"] {
                guard let n = Int(a) else { throw ServeError.badRequest("alternatives must be an integer") }
                fields["alternatives"] = .integer(Int64(n))
            }
            if case .string(let o)? = fields["options"] { fields["options"] = try json(Array(o.utf8)) }
        case "application/json"?, nil:
            guard case .object(let o) = try json(body) else {
                throw ServeError.badRequest("the body must be a JSON object with a field q")
            }
            fields = o
        case let other?:
            throw ServeError(415, "unsupported content type '\(other)' (send application/json or a form)")
        }
        let lines: [String], single: Bool
        switch fields["q"] {
        case nil, .null?: throw ServeError.badRequest("missing q: the text to translate")
        case .string(let s)?: (lines, single) = ([s], true)
        case .array(let items)?:
            lines = try items.map {
                guard case .string(let s) = $0 else { throw ServeError.badRequest("q must be a string or an array of strings") }
                return s
            }
            guard !lines.isEmpty else { throw ServeError.badRequest("q is an empty array") }
            single = false
        default: throw ServeError.badRequest("q must be a string or an array of strings")
        }
        let f = JSONFields(fields)
        var request = TranslateRequest(style: .libreTranslate(single: single), lines: lines)
        request.source = try f.string("source")
        request.target = try f.string("target")
        switch try f.string("format") {
        case nil, "text"?: break
        case "html"?: throw ServeError.badRequest("format 'html' is not supported: send plain text with format 'text'")
        case let other?: throw ServeError.badRequest("unknown format \(ServeError.quoted(other)) (use 'text')")
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
    static func form(_ text: String) throws -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) throws -> String {
                guard let d = s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                    throw ServeError.badRequest("the form is not valid percent-encoded UTF-8")
                }
                return d
            }
            fields[try decode(parts[0])] = try decode(parts.count > 1 ? parts[1] : "")
        }
        return fields
    }
}
