/// A String compared and hashed by its UTF-8 bytes. Swift's String equality is
/// canonical equivalence and its hashing normalises non-ASCII text; tokens must
/// be told apart byte for byte, and hashing them should stay cheap.
struct ByteString: Hashable {
    let string: String

    init(_ string: String) { self.string = string }

    static func == (a: ByteString, b: ByteString) -> Bool {
        a.string.utf8.elementsEqual(b.string.utf8)
    }

    func hash(into hasher: inout Hasher) {
        var s = string
        s.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

extension String {
    /// Byte-wise ordering (the order of code points), independent of locale and normalisation.
    static func byteOrder(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}
