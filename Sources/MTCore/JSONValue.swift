import Foundation

/// A JSON document as a value, for settings stored as JSON: a stored object is laid over
/// the encoded defaults (`merged(over:)`), so keys that an older writer did not know take
/// their defaults without a hand-written decoder per type. Numbers keep their exact
/// value: integers stay integers (UInt64 seeds included) and doubles go through Swift's
/// shortest round-trip text.
public enum JSONValue: Codable, Equatable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case unsigned(UInt64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let v = try? c.decode(Bool.self) { self = .bool(v) }
        else if let v = try? c.decode(Int64.self) { self = .integer(v) }
        else if let v = try? c.decode(UInt64.self) { self = .unsigned(v) }
        else if let v = try? c.decode(Double.self) { self = .double(v) }
        else if let v = try? c.decode(String.self) { self = .string(v) }
        else if let v = try? c.decode([JSONValue].self) { self = .array(v) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let v): try c.encode(v)
        case .integer(let v): try c.encode(v)
        case .unsigned(let v): try c.encode(v)
        case .double(let v): try c.encode(v)
        case .string(let v): try c.encode(v)
        case .array(let v): try c.encode(v)
        case .object(let v): try c.encode(v)
        }
    }

    /// This value with `self`'s entries laid over `base`'s, objects merged key by key at
    /// every depth; anything else replaces the base value.
    public func merged(over base: JSONValue) -> JSONValue {
        guard case .object(let top) = self, case .object(var result) = base else { return self }
        for (key, value) in top { result[key] = result[key].map { value.merged(over: $0) } ?? value }
        return .object(result)
    }

    /// The entries of an object (nil for any other value).
    public var objectValue: [String: JSONValue]? {
        if case .object(let o) = self { return o }
        return nil
    }

    public static func parse(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    /// The encoded form of a value, as a JSON value.
    public init<V: Encodable>(encoding value: V) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }

    /// Decodes a `V` from this value.
    public func decode<V: Decodable>(_ type: V.Type) throws -> V {
        try JSONDecoder().decode(V.self, from: JSONEncoder().encode(self))
    }
}

extension Decodable where Self: Encodable {
    /// Decodes stored JSON, every key it lacks taking its value in `defaults`.
    public static func decode(json text: String, defaults: Self) throws -> Self {
        try JSONValue.parse(text).merged(over: JSONValue(encoding: defaults)).decode(Self.self)
    }
}
