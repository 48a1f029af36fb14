import Foundation
import FuzzSupport
import MTServe

/// mt-serve's request parsing on any bytes: LibreTranslate's POST /translate (JSON, a
/// form, no or another content type), OpenNMT-py's POST /translator/translate, the
/// `options` of both and a reload's body. Each input gives a request within the limits
/// with valid search settings, or a ServeError of a 4xx status with a message of one line;
/// never a crash or another error. The first byte picks the route (and the content type),
/// the rest is the body.

let contentTypes: [String?] = [
    nil, "application/json", "application/json; charset=utf-8",
    "application/x-www-form-urlencoded", "multipart/form-data",
]
let limits = ServeLimits()
let defaults = SearchSettings()

func oneLine(_ s: String) -> Bool { !s.isEmpty && !s.unicodeScalars.contains { $0 == "\n" || $0 == "\r" } }

func fuzzOneInput(_ pointer: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let input = inputBytes(pointer, count)
    guard let selector = input.first else { return 0 }
    let body = Array(input.dropFirst())
    do {
        let route = Int(selector) % (contentTypes.count + 2)
        let request: TranslateRequest
        if route < contentTypes.count {
            request = try RequestParsing.libreTranslate(body: body, contentType: contentTypes[route])
        } else if route == contentTypes.count {
            request = try RequestParsing.openNMT(body: body)
        } else {
            _ = try RequestParsing.reloadPath(body: body)
            return 0
        }
        expect(!request.lines.isEmpty, "a request without lines")
        try request.check(limits)
        let settings = try request.settings(defaults: defaults, limits: limits)
        expect(settings.problem(maxBeamSize: limits.maxBeamSize) == nil, "accepted settings out of range")
        expect(settings.nBest >= request.alternatives + 1, "fewer outputs than alternatives + 1")
    } catch let e as ServeError {
        expect((400..<500).contains(e.status), "status \(e.status) for a bad request: \(e.message)")
        expect(oneLine(e.message), "an error message of more than one line: \(e.message.debugDescription)")
    } catch {
        expect(false, "not a ServeError: \(error)")
    }
    return 0
}

runFuzzer { fuzzOneInput($0, $1) }
