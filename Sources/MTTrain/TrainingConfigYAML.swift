import Foundation
import MTCore
import MTTensor
import Yams

extension TrainingConfig {
    /// Reads a YAML configuration: a mapping with the sections `model` and `training`,
    /// each a mapping of scalar settings (see `fields`). Settings not given keep their
    /// defaults; unknown keys, wrong types and out-of-range values are errors that
    /// name the key and, with `location`, the file and line.
    public static func load(yaml: String, location: String? = nil) throws -> TrainingConfig {
        func at(_ mark: Mark?) -> String? {
            switch (location, mark) {
            case let (l?, m?): return "\(l):\(m.line)"
            case let (l?, nil): return l
            case let (nil, m?): return "line \(m.line)"
            default: return nil
            }
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            // Yams's messages span several lines (with a snippet); keep the first,
            // moving its leading "line:column: error: " into the location.
            var first = String("\(error)".split(separator: "\n").first ?? "")
            var line: String?
            if let r = first.range(of: ": error: ") {
                line = first[..<r.lowerBound].split(separator: ":").first.map(String.init)
                first = String(first[r.upperBound...])
            }
            if first.hasSuffix(":") { first.removeLast() }
            let place = line.map { l in location.map { "\($0):\(l)" } ?? "line \(l)" } ?? location
            throw ConfigError("invalid YAML: \(first)", location: place)
        }
        var config = TrainingConfig()
        guard let root else { return config }  // an empty file means all defaults
        guard case .mapping(let sections) = root else {
            throw ConfigError("the top level must be a mapping with 'model' and 'training' sections", location: at(root.mark))
        }
        var seenSections = Set<String>()
        for (sectionNode, body) in sections {
            guard case .scalar(let s) = sectionNode else {
                throw ConfigError("section names must be plain words", location: at(sectionNode.mark))
            }
            let section = s.string
            guard ["model", "training"].contains(section) else {
                throw ConfigError("unknown section '\(section)' (expected 'model' or 'training')", location: at(sectionNode.mark))
            }
            guard seenSections.insert(section).inserted else {
                throw ConfigError("section '\(section)' appears twice", location: at(sectionNode.mark))
            }
            if case .scalar(let v) = body, isNull(v) { continue }  // an empty section
            guard case .mapping(let settings) = body else {
                throw ConfigError("section '\(section)' must be a mapping of settings", location: at(body.mark))
            }
            var seenKeys = Set<String>()
            for (keyNode, valueNode) in settings {
                guard case .scalar(let k) = keyNode else {
                    throw ConfigError("setting names in '\(section)' must be plain words", location: at(keyNode.mark))
                }
                let key = "\(section).\(k.string)"
                guard field(key) != nil else {
                    var message = "unknown key '\(key)'"
                    if let near = nearestKey(to: key) { message += " (did you mean '\(near)'?)" }
                    throw ConfigError(message, location: at(keyNode.mark))
                }
                guard seenKeys.insert(key).inserted else {
                    throw ConfigError("\(key) is set twice", location: at(keyNode.mark))
                }
                guard case .scalar(let v) = valueNode else {
                    throw ConfigError("\(key) must be a single value, not a list or mapping", location: at(valueNode.mark))
                }
                guard !isNull(v) else { throw ConfigError("\(key) has no value", location: at(valueNode.mark)) }
                do {
                    try config.set(key, to: v.string)
                } catch var e as ConfigError {
                    e.location = at(valueNode.mark)
                    throw e
                }
            }
        }
        return config
    }

    private static func isNull(_ s: Node.Scalar) -> Bool {
        s.style == .plain && ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    /// Reads a YAML configuration file.
    public static func load(contentsOf path: String) throws -> TrainingConfig {
        let bytes: [UInt8]
        do {
            bytes = try AtomicFile.read(path)
        } catch let e as FileError {
            throw ConfigError(e.message, location: path)
        }
        guard let text = strictUTF8String(bytes) else {
            throw ConfigError("the file is not UTF-8", location: path)
        }
        return try load(yaml: text, location: path)
    }

    /// Compact JSON with sorted keys, for the model file's metadata.
    public func jsonString() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Reads the JSON written by `jsonString()`; missing settings take their defaults.
    public static func fromJSON(_ json: String) throws -> TrainingConfig {
        let config: TrainingConfig
        do {
            config = try TrainingConfig.decode(json: json, defaults: TrainingConfig())
        } catch {
            throw ConfigError("stored configuration is not valid: \(error)")
        }
        try config.validate()
        return config
    }
}
