import MTCore
import MTTensor

extension SafeTensorsFile {
    /// Opens `path` as a `kind` ("model file", "shortlist file"); when it cannot be read,
    /// throws a `FileError` of a one-line reason.
    static func open(_ path: String, as kind: String) throws -> SafeTensorsFile {
        do {
            return try SafeTensorsFile(contentsOf: path)
        } catch let e as SafeTensorsError {
            throw FileError("not a \(kind): \(e.message)", path: path)
        } catch let e as FileError {
            throw FileError("cannot read \(kind): \(e.message)", path: path)
        } catch {
            throw FileError("cannot read \(kind): \(error)", path: path)
        }
    }
}
