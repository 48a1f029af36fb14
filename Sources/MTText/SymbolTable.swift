/// Interns subword symbols as dense Int32 ids, so BPE works on integers, not strings.
struct SymbolTable {
    private var ids: [ByteString: Int32] = [:]
    private(set) var texts: [String] = []

    /// The id of `s`, assigning the next one on first sight.
    mutating func intern(_ s: String) -> Int32 {
        let key = ByteString(s)
        if let id = ids[key] { return id }
        let id = Int32(texts.count)
        ids[key] = id
        texts.append(s)
        return id
    }

    /// The id of `s` if it was interned.
    func id(of s: String) -> Int32? { ids[ByteString(s)] }

    subscript(id: Int32) -> String { texts[Int(id)] }
}
