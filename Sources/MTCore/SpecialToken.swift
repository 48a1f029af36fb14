/// The four tokens every vocabulary starts with, in this order, and their ids: the one
/// table that text, model, batching and search all read.
public enum SpecialToken {
    /// Padding after a sentence's end in a batch; ignored by the loss.
    public static let pad: Int32 = 0
    /// Any token outside the vocabulary.
    public static let unk: Int32 = 1
    /// Start of sentence, `<s>`: the first decoder input.
    public static let bos: Int32 = 2
    /// End of sentence, `</s>`: the last decoder output.
    public static let eos: Int32 = 3
    /// Their text forms, by id.
    public static let names = ["<pad>", "<unk>", "<s>", "</s>"]
    public static var count: Int { names.count }
}
