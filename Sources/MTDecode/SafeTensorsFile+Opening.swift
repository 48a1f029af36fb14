import MTTensor

extension SafeTensorsFile {
    /// Opens `path` as a `kind` ("model file", "shortlist file"); when it cannot be read,
    /// throws `makeError` of a one-line reason.
    static func open(_ path: String, as kind: String, _ makeError: (String) -> any Error) throws -> SafeTensorsFile {
        do {
            return try SafeTensorsFile(contentsOf: path)
        } catch let e as SafeTensorsError {
            throw makeError("not a \(kind): \(e.message)")
        } catch let e as FileError {
            throw makeError("cannot read \(kind): \(e.message)")
        } catch {
            throw makeError("cannot read \(kind): \(error)")
        }
    }
}
