import MTCore
import MTTensor

/// A checkpoint that does not fit the model it is loaded into; the description names
/// the parameter: `mismatched checkpoint: <what> (<path>)`.
public struct CheckpointMismatch: LocatedError, Equatable {
    public enum Kind: Sendable, Equatable {
        case missing, unexpected, shape
    }

    public let kind: Kind
    public let name: String
    public let message: String
    public let path: String?

    public init(kind: Kind, name: String, message: String, path: String?) {
        self.kind = kind
        self.name = name
        self.message = message
        self.path = path
    }

    public var location: String? { path }

    public var category: String? { "mismatched checkpoint" }
}

extension ParameterStore {
    /// A writer holding every parameter value under its name, in creation order
    /// (F32 by default; pass `.f64` to keep Double values exact), plus `metadata`.
    /// Callers may add further tensors before writing.
    public func safeTensorsWriter(
        metadata: [String: String] = [:], dtype: SafeTensorsDType = .f32
    ) throws -> SafeTensorsWriter {
        var writer = SafeTensorsWriter(metadata: metadata)
        for p in parameters { try writer.add(p.name, p.value, dtype: dtype) }
        return writer
    }

    /// Saves all parameters with `metadata` to `path` atomically.
    public func save(to path: String, metadata: [String: String] = [:], dtype: SafeTensorsDType = .f32) throws {
        try safeTensorsWriter(metadata: metadata, dtype: dtype).write(to: path)
    }

    /// Loads every parameter by name from `file`. Every parameter must be present with
    /// its exact shape; tensors the store does not have are an error unless their
    /// names are in `ignoring` (or start with a prefix in `ignoringPrefixes`).
    /// Nothing is modified unless the whole checkpoint fits.
    public func load(
        from file: SafeTensorsFile, ignoring: Set<String> = [], ignoringPrefixes: [String] = []
    ) throws {
        for p in parameters {
            guard let info = file[p.name] else {
                throw CheckpointMismatch(
                    kind: .missing, name: p.name,
                    message: "parameter \(p.name) \(p.shape) is missing from the file", path: file.path)
            }
            guard info.shape == p.shape else {
                throw CheckpointMismatch(
                    kind: .shape, name: p.name,
                    message: "parameter \(p.name) has shape \(info.shape) in the file but \(p.shape) in the model",
                    path: file.path)
            }
            guard info.dtype == .f32 || info.dtype == .f64 else {
                throw SafeTensorsError(
                    .unsupportedDType, "parameter \(p.name) is stored as \(info.dtype.rawValue), not F32 or F64", path: file.path)
            }
        }
        for name in file.names where self[name] == nil {
            if ignoring.contains(name) || ignoringPrefixes.contains(where: { name.hasPrefix($0) }) { continue }
            throw CheckpointMismatch(
                kind: .unexpected, name: name,
                message: "the file has a tensor \(name) that the model does not have", path: file.path)
        }
        for p in parameters { try file.read(p.name, into: p.value) }
    }

    /// Loads every parameter by name from the safetensors file at `path`.
    public func load(from path: String) throws {
        try load(from: SafeTensorsFile(contentsOf: path))
    }
}
