import MTCore

/// Collects tensors and metadata, then writes one safetensors file atomically.
///
/// Tensors are snapshotted when added. In the file, tensors with wider elements come
/// first (so every tensor's data is aligned to its element size, as the reference
/// writer ensures) and otherwise keep the order they were added in; the header is
/// padded with spaces so the data starts at a multiple of 8 bytes.
public struct SafeTensorsWriter {
    private struct Entry {
        let name: String
        let dtype: SafeTensorsDType
        let shape: [Int]
        let bytes: [UInt8]
    }

    public var metadata: [String: String]
    private var entries: [Entry] = []
    private var seen = Set<String>()

    public init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

    public var names: [String] { entries.map(\.name) }

    /// Adds raw little-endian bytes; their count must match shape × dtype size.
    public mutating func add(_ name: String, dtype: SafeTensorsDType, shape: [Int], bytes: [UInt8]) throws {
        guard name != "__metadata__" else {
            throw SafeTensorsError(.invalidTensor, "\"__metadata__\" is reserved and cannot name a tensor")
        }
        guard !seen.contains(name) else { throw SafeTensorsError(.invalidTensor, "duplicate tensor name \"\(name)\"") }
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) * dtype.byteSize == bytes.count else {
            throw SafeTensorsError(.invalidTensor, "tensor \"\(name)\": \(bytes.count) bytes do not fit shape \(shape) of \(dtype.rawValue)")
        }
        seen.insert(name)
        entries.append(Entry(name: name, dtype: dtype, shape: shape, bytes: bytes))
    }

    /// Adds a tensor's current values as F32 (the default) or F64.
    public mutating func add<T: Real>(_ name: String, _ tensor: Tensor<T>, dtype: SafeTensorsDType = .f32) throws {
        try add(name, shape: tensor.shape, values: UnsafeBufferPointer(start: tensor.data, count: tensor.count), dtype: dtype)
    }

    /// Adds values with a shape, stored as F32 or F64.
    public mutating func add<T: Real>(
        _ name: String, shape: [Int], values: UnsafeBufferPointer<T>, dtype: SafeTensorsDType = .f32
    ) throws {
        guard dtype == .f32 || dtype == .f64 else {
            throw SafeTensorsError(.invalidTensor, "tensor \"\(name)\": numbers are stored as F32 or F64, not \(dtype.rawValue)")
        }
        let n = values.count
        var bytes = [UInt8](repeating: 0, count: n * dtype.byteSize)
        if n > 0 {
            let src = values.baseAddress!
            bytes.withUnsafeMutableBytes { out in
                let dst = out.baseAddress!
                switch dtype {
                case .f32 where T.self == Float.self, .f64 where T.self == Double.self:
                    dst.copyMemory(from: src, byteCount: n * dtype.byteSize)
                case .f32:
                    for i in 0..<n { dst.storeBytes(of: Float(src[i]), toByteOffset: 4 * i, as: Float.self) }
                case .f64:
                    for i in 0..<n { dst.storeBytes(of: Double(src[i]), toByteOffset: 8 * i, as: Double.self) }
                default:
                    break
                }
            }
        }
        try add(name, dtype: dtype, shape: shape, bytes: bytes)
    }

    private var ordered: [Entry] {
        // Stable: wider dtypes first, insertion order within a width.
        entries.enumerated()
            .sorted { ($1.element.dtype.byteSize, $0.offset) < ($0.element.dtype.byteSize, $1.offset) }
            .map(\.element)
    }

    /// The 8-byte length plus the padded JSON header.
    private func header(_ ordered: [Entry]) -> [UInt8] {
        var json: [UInt8] = [UInt8(ascii: "{")]
        var first = true
        func separator() {
            if !first { json.append(UInt8(ascii: ",")) }
            first = false
        }
        if !metadata.isEmpty {
            separator()
            JSONWriter.appendString("__metadata__", to: &json)
            json.append(contentsOf: Array(":{".utf8))
            for (k, (key, value)) in metadata.sorted(by: { $0.key < $1.key }).enumerated() {
                if k > 0 { json.append(UInt8(ascii: ",")) }
                JSONWriter.appendString(key, to: &json)
                json.append(UInt8(ascii: ":"))
                JSONWriter.appendString(value, to: &json)
            }
            json.append(UInt8(ascii: "}"))
        }
        var offset = 0
        for e in ordered {
            separator()
            JSONWriter.appendString(e.name, to: &json)
            json.append(contentsOf: Array(":{\"dtype\":\"\(e.dtype.rawValue)\",\"shape\":[".utf8))
            json.append(contentsOf: Array(e.shape.map(String.init).joined(separator: ",").utf8))
            json.append(contentsOf: Array("],\"data_offsets\":[\(offset),\(offset + e.bytes.count)]}".utf8))
            offset += e.bytes.count
        }
        json.append(UInt8(ascii: "}"))
        while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }
        var out = [UInt8](repeating: 0, count: 8)
        let n = UInt64(json.count)
        for k in 0..<8 { out[k] = UInt8(truncatingIfNeeded: n >> (8 * UInt64(k))) }
        out.append(contentsOf: json)
        return out
    }

    /// The whole file as bytes.
    public func serialized() -> [UInt8] {
        let ordered = self.ordered
        var out = header(ordered)
        out.reserveCapacity(out.count + ordered.reduce(0) { $0 + $1.bytes.count })
        for e in ordered { out.append(contentsOf: e.bytes) }
        return out
    }

    /// Writes the file atomically: `path` holds either its old contents or the complete new file.
    public func write(to path: String) throws {
        let ordered = self.ordered
        try AtomicFile.write(to: path) { out in
            try out.write(header(ordered))
            for e in ordered { try out.write(e.bytes) }
        }
    }
}
