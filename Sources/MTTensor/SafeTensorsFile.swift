import MTCore

/// A safetensors file read into memory and fully validated.
///
/// The whole file is read once; tensors are then copied out with `memcpy` (or a
/// single conversion pass between F32 and F64), never parsed element by element.
/// Every inconsistency throws a `SafeTensorsError` of kind `.corrupt`; no input
/// can make the reader trap.
public struct SafeTensorsFile {
    /// The largest header accepted, as in the reference implementation.
    public static let maxHeaderSize = 100_000_000

    public let metadata: [String: String]
    /// Tensors in data order (which for files written here is the order they were added).
    public let tensors: [SafeTensorInfo]
    public let path: String?
    private let bytes: [UInt8]
    private let dataStart: Int
    private let byName: [String: Int]

    public var names: [String] { tensors.map(\.name) }

    public init(contentsOf path: String) throws {
        try self.init(bytes: try AtomicFile.read(path), path: path)
    }

    public init(bytes: [UInt8], path: String? = nil) throws {
        func corrupt(_ message: String) -> SafeTensorsError { SafeTensorsError(.corrupt, message, path: path) }
        self.path = path
        self.bytes = bytes
        guard bytes.count >= 8 else {
            throw corrupt("file too short (\(bytes.count) bytes; a header length alone takes 8)")
        }
        var n: UInt64 = 0
        for k in 0..<8 { n |= UInt64(bytes[k]) << (8 * UInt64(k)) }
        guard n <= UInt64(SafeTensorsFile.maxHeaderSize) else {
            throw corrupt("header length \(n) is larger than the limit of \(SafeTensorsFile.maxHeaderSize) bytes")
        }
        let headerSize = Int(n)
        guard headerSize <= bytes.count - 8 else {
            throw corrupt("header length \(headerSize) runs past the end of the \(bytes.count)-byte file")
        }
        guard headerSize >= 2, bytes[8] == UInt8(ascii: "{") else {
            throw corrupt("header does not start with '{'")
        }
        dataStart = 8 + headerSize
        let dataSize = bytes.count - dataStart

        let json = try bytes.withUnsafeBufferPointer {
            try JSONParser.parse(UnsafeBufferPointer(rebasing: $0[8..<(8 + headerSize)]), path: path)
        }
        guard case .object(let members) = json else { throw corrupt("header is not a JSON object") }

        var metadata: [String: String] = [:]
        var infos: [SafeTensorInfo] = []
        for (key, value) in members {
            if key == "__metadata__" {
                guard case .object(let pairs) = value else { throw corrupt("__metadata__ is not an object") }
                for (k, v) in pairs {
                    guard case .string(let s) = v else {
                        throw corrupt("__metadata__ value for \"\(k)\" is \(v.kindName), not a string")
                    }
                    metadata[k] = s
                }
                continue
            }
            infos.append(try SafeTensorsFile.entry(key, value, corrupt))
        }

        // The data section must be covered exactly: sorted by offset, each tensor
        // starts where the previous ended, the last ends at the end of the file.
        infos.sort { ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound) < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound) }
        var end = 0
        for info in infos {
            let r = info.dataOffsets
            guard r.upperBound <= dataSize else {
                throw corrupt("tensor \"\(info.name)\" data_offsets [\(r.lowerBound), \(r.upperBound)] run past the \(dataSize)-byte data section")
            }
            guard r.lowerBound == end else {
                throw corrupt(r.lowerBound < end
                    ? "tensor \"\(info.name)\" overlaps the previous tensor's data"
                    : "data section has a gap before tensor \"\(info.name)\" (bytes \(end)..<\(r.lowerBound))")
            }
            end = r.upperBound
        }
        guard end == dataSize else {
            throw corrupt("tensors cover \(end) of the \(dataSize) data bytes")
        }
        self.metadata = metadata
        self.tensors = infos
        var byName: [String: Int] = [:]
        for (i, t) in infos.enumerated() { byName[t.name] = i }
        self.byName = byName
    }

    private static func entry(
        _ name: String, _ value: JSONValue, _ corrupt: (String) -> SafeTensorsError
    ) throws -> SafeTensorInfo {
        guard case .object(let fields) = value else { throw corrupt("tensor \"\(name)\" is \(value.kindName), not an object") }
        func field(_ key: String) throws -> JSONValue {
            guard let v = fields.first(where: { $0.key == key })?.value else {
                throw corrupt("tensor \"\(name)\" has no \"\(key)\"")
            }
            return v
        }
        guard case .string(let dtypeName) = try field("dtype") else { throw corrupt("tensor \"\(name)\" dtype is not a string") }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            throw corrupt("tensor \"\(name)\" has unknown dtype \"\(dtypeName)\"")
        }
        guard case .array(let dims) = try field("shape") else { throw corrupt("tensor \"\(name)\" shape is not an array") }
        var shape: [Int] = []
        var elements = 1
        var overflow = false
        for d in dims {
            guard let u = d.nonNegativeInteger, u <= UInt64(Int.max) else {
                throw corrupt("tensor \"\(name)\" shape holds something other than a non-negative integer")
            }
            shape.append(Int(u))
            let (p, o) = elements.multipliedReportingOverflow(by: Int(u))
            elements = p
            overflow = overflow || o
        }
        guard case .array(let offsets) = try field("data_offsets"), offsets.count == 2,
              let begin = offsets[0].nonNegativeInteger, let end = offsets[1].nonNegativeInteger,
              end <= UInt64(Int.max)
        else { throw corrupt("tensor \"\(name)\" data_offsets is not a pair of non-negative integers") }
        guard begin <= end else { throw corrupt("tensor \"\(name)\" data_offsets [\(begin), \(end)] are reversed") }
        let (size, o) = elements.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow, !o, UInt64(size) == end - begin else {
            throw corrupt("tensor \"\(name)\" shape \(shape) of \(dtypeName) needs \(overflow || o ? "too many" : String(size)) bytes but data_offsets give \(end - begin)")
        }
        return SafeTensorInfo(name: name, dtype: dtype, shape: shape, dataOffsets: Int(begin)..<Int(end))
    }

    public subscript(name: String) -> SafeTensorInfo? { byName[name].map { tensors[$0] } }

    public func contains(_ name: String) -> Bool { byName[name] != nil }

    private func info(_ name: String) throws -> SafeTensorInfo {
        guard let i = self[name] else { throw SafeTensorsError(.missingTensor, "no tensor named \"\(name)\"", path: path) }
        return i
    }

    /// The raw little-endian bytes of a tensor.
    public func withRawBytes<R>(of name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let info = try info(name)
        return try bytes.withUnsafeBytes { all in
            try body(UnsafeRawBufferPointer(rebasing: all[(dataStart + info.dataOffsets.lowerBound)..<(dataStart + info.dataOffsets.upperBound)]))
        }
    }

    /// Copies a F32 or F64 tensor into `tensor` (converting when the types differ),
    /// which must already have the tensor's shape.
    public func read<T: Real>(_ name: String, into tensor: Tensor<T>) throws {
        let info = try info(name)
        guard info.shape == tensor.shape else {
            throw SafeTensorsError(.shapeMismatch, "tensor \"\(name)\" has shape \(info.shape), expected \(tensor.shape)", path: path)
        }
        try copyElements(info, into: tensor.data)
    }

    /// A new tensor holding a F32 or F64 tensor's values as `T`.
    public func tensor<T: Real>(_ name: String, as type: T.Type = T.self) throws -> Tensor<T> {
        let info = try info(name)
        let t = Tensor<T>(info.shape)
        try copyElements(info, into: t.data)
        return t
    }

    private func copyElements<T: Real>(_ info: SafeTensorInfo, into out: UnsafeMutablePointer<T>) throws {
        let n = info.elementCount
        guard n > 0 else { return }
        try bytes.withUnsafeBytes { all in
            let src = all.baseAddress! + dataStart + info.dataOffsets.lowerBound
            switch info.dtype {
            case .f32 where T.self == Float.self, .f64 where T.self == Double.self:
                UnsafeMutableRawPointer(out).copyMemory(from: src, byteCount: n * MemoryLayout<T>.stride)
            case .f32:
                for i in 0..<n { out[i] = T(src.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)) }
            case .f64:
                for i in 0..<n { out[i] = T(src.loadUnaligned(fromByteOffset: 8 * i, as: Double.self)) }
            default:
                throw SafeTensorsError(
                    .unsupportedDType, "tensor \"\(info.name)\" is \(info.dtype.rawValue); only F32 and F64 can be read as numbers",
                    path: path)
            }
        }
    }
}
