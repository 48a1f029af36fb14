import MTCore

/// Element types of the safetensors format and the format's errors.
///
/// Format (https://github.com/huggingface/safetensors): 8 bytes little-endian u64 `N`,
/// then `N` bytes of UTF-8 JSON (starting with `{`, possibly padded with trailing
/// spaces) mapping each tensor name to `{"dtype", "shape", "data_offsets": [begin, end]}`
/// plus an optional `"__metadata__"` string→string map, then the data: little-endian,
/// row-major, offsets relative to the end of the header, covering the data exactly
/// with no gaps or overlaps.
public enum SafeTensorsDType: String, CaseIterable, Sendable {
    case bool = "BOOL"
    case u8 = "U8", i8 = "I8", f8e5m2 = "F8_E5M2", f8e4m3 = "F8_E4M3"
    case i16 = "I16", u16 = "U16", f16 = "F16", bf16 = "BF16"
    case i32 = "I32", u32 = "U32", f32 = "F32"
    case i64 = "I64", u64 = "U64", f64 = "F64"

    public var byteSize: Int {
        switch self {
        case .bool, .u8, .i8, .f8e5m2, .f8e4m3: return 1
        case .i16, .u16, .f16, .bf16: return 2
        case .i32, .u32, .f32: return 4
        case .i64, .u64, .f64: return 8
        }
    }

    /// The dtype that stores `T` exactly (F32 for Float, F64 for Double).
    public static func exact<T: Real>(for type: T.Type) -> SafeTensorsDType {
        MemoryLayout<T>.size == 8 ? .f64 : .f32
    }
}

/// Where one tensor sits in a safetensors file.
public struct SafeTensorInfo: Equatable, Sendable {
    public let name: String
    public let dtype: SafeTensorsDType
    public let shape: [Int]
    /// Byte range within the data section (after the header).
    public let dataOffsets: Range<Int>

    public var elementCount: Int { shape.reduce(1, *) }
}

/// Why a safetensors file could not be read or written; the description names the
/// file when it is known: `invalid safetensors file: <what> (<path>)`.
public struct SafeTensorsError: LocatedError, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The file is not a valid safetensors file (truncated, bad header, bad offsets...).
        case corrupt
        /// Valid file, but it lacks a requested tensor.
        case missingTensor
        /// Valid file, but a tensor's dtype cannot be converted to the requested type.
        case unsupportedDType
        /// Valid file, but a tensor's shape differs from the requested one.
        case shapeMismatch
        /// Writer misuse: duplicate or reserved name, wrong byte count.
        case invalidTensor
    }

    public let kind: Kind
    public let message: String
    public var path: String?

    public init(_ kind: Kind, _ message: String, path: String? = nil) {
        self.kind = kind
        self.message = message
        self.path = path
    }

    public var location: String? { path }

    public var category: String? { kind == .corrupt ? "invalid safetensors file" : nil }
}

#if !_endian(little)
#error("safetensors data is little-endian; this reader and writer copy bytes as they are")
#endif
