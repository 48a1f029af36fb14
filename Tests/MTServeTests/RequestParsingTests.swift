import Testing
@testable import MTServe

@Suite struct RequestParsingTests {
    func libre(_ body: String, _ type: String? = "application/json") throws -> TranslateRequest {
        try RequestParsing.libreTranslate(body: Array(body.utf8), contentType: type)
    }

    func expectError(_ status: Int, _ fragment: String, _ body: () throws -> Any) {
        do {
            _ = try body()
            Issue.record("no error, expected \(status) \(fragment)")
        } catch let e as ServeError {
            #expect(e.status == status, "\(e)")
            #expect(e.message.contains(fragment), "\(e)")
            #expect(!e.message.contains("\n"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func libreTranslateJSONAndForm() throws {
        let one = try libre(#"{"q": "Ein Mann.", "source": "de", "target": "en", "alternatives": 2, "api_key": "x"}"#)
        #expect(one.style == .libreTranslate(single: true) && one.lines == ["Ein Mann."])
        #expect(one.source == "de" && one.target == "en" && one.alternatives == 2)
        let many = try libre(#"{"q": ["a", "", "c"], "options": {"beam_size": 3, "scores": true, "model": "m"}}"#, nil)
        #expect(many.style == .libreTranslate(single: false) && many.lines == ["a", "", "c"])
        #expect(many.options.beamSize == 3 && many.options.scores && many.model == "m")
        let form = try libre("q=Ein+Mann%20l%C3%A4uft.&target=en&alternatives=1", "application/x-www-form-urlencoded; charset=utf-8")
        #expect(form.lines == ["Ein Mann läuft."] && form.target == "en" && form.alternatives == 1)
    }

    @Test func badLibreTranslateBodies() {
        expectError(400, "missing q") { try libre(#"{"source": "de"}"#) }
        expectError(400, "q must be a string or an array of strings") { try libre(#"{"q": 3}"#) }
        expectError(400, "q must be a string or an array of strings") { try libre(#"{"q": ["a", 1]}"#) }
        expectError(400, "empty array") { try libre(#"{"q": []}"#) }
        expectError(400, "not valid JSON") { try libre(#"{"q": "a""#) }
        expectError(400, "JSON object") { try libre(#"["a"]"#) }
        expectError(400, "unknown format 'xml' (known: 'text', 'html')") { try libre(#"{"q": "a", "format": "xml"}"#) }
        expectError(400, "source must be a string") { try libre(#"{"q": "a", "source": 1}"#) }
        expectError(400, "alternatives must be an integer") { try libre(#"{"q": "a", "alternatives": "two"}"#) }
        expectError(400, "alternatives must be 0 or more") { try libre(#"{"q": "a", "alternatives": -1}"#) }
        expectError(400, "unknown option 'beam'") { try libre(#"{"q": "a", "options": {"beam": 2}}"#) }
        expectError(400, "options.beam_size must be an integer") { try libre(#"{"q": "a", "options": {"beam_size": 2.5}}"#) }
        expectError(400, "options must be an object") { try libre(#"{"q": "a", "options": 1}"#) }
        expectError(415, "unsupported content type") { try libre("q=a", "text/plain") }
        expectError(400, "not valid UTF-8") {
            try RequestParsing.libreTranslate(body: Array(#"{"q": ""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8), contentType: nil)
        }
        expectError(400, "percent-encoded") { try libre("q=%E0%A4", "application/x-www-form-urlencoded") }
    }

    /// Found by fuzz-serve-request: a client's key or value in a message could break it
    /// over lines.
    @Test func messagesQuoteTheClientsTextOnOneLine() {
        func oneLine(_ body: () throws -> Any) {
            do { _ = try body() } catch let e as ServeError {
                #expect(!e.message.unicodeScalars.contains { $0 == "\n" || $0 == "\r" }, "\(e)")
            } catch { Issue.record("unexpected \(error)") }
        }
        expectError(400, #"unknown option 'a\u{a}b'"#) { try libre(#"{"q": "a", "options": {"a\nb": 1}}"#) }
        expectError(400, #"unknown format 'x\u{d}\u{a}y'"#) { try libre(#"{"q": "a", "format": "x\r\ny"}"#) }
        oneLine { try libre(#"{"q": "a", "format": "x\r\ny"}"#) }
        let long = String(repeating: "k", count: 500)
        expectError(400, "unknown option '\(String(repeating: "k", count: 80))…'") {
            try libre(#"{"q": "a", "options": {"\#(long)": 1}}"#)
        }
    }

    @Test func openNMTBodies() throws {
        let r = try RequestParsing.openNMT(body: Array(#"[{"src": "a", "id": 100}, {"src": "b", "id": 100}]"#.utf8))
        #expect(r.style == .openNMT && r.lines == ["a", "b"] && r.model == "100")
        let d = try RequestParsing.openNMT(body: Array(#"[{"src": "a", "options": {"n_best": 2, "beam_size": 4}}]"#.utf8))
        #expect(d.model == nil && d.options.nBest == 2)
        expectError(400, "JSON array") { try RequestParsing.openNMT(body: Array(#"{"src": "a"}"#.utf8)) }
        expectError(400, "empty") { try RequestParsing.openNMT(body: Array("[]".utf8)) }
        expectError(400, "input 1 has no src string") { try RequestParsing.openNMT(body: Array(#"[{"src": "a"}, {"src": 2}]"#.utf8)) }
        expectError(400, "same model id") { try RequestParsing.openNMT(body: Array(#"[{"src": "a", "id": 1}, {"src": "b", "id": 2}]"#.utf8)) }
    }

    @Test func settingsOverTheDefaults() throws {
        let limits = ServeLimits()
        var r = try libre(#"{"q": "a", "alternatives": 6}"#)
        var s = try r.settings(defaults: SearchSettings(), limits: limits)
        #expect(s.nBest == 7 && s.beamSize == 7)          // the default beam widens to fit
        r = try libre(#"{"q": "a", "options": {"beam_size": 2, "length_penalty": 0, "early_stop": false, "attention": true}}"#)
        s = try r.settings(defaults: SearchSettings(), limits: limits)
        #expect(s.beamSize == 2 && s.nBest == 1 && s.lengthPenalty == 0 && !s.earlyStop && s.attention)
        r = try libre(#"{"q": "a", "alternatives": 3, "options": {"beam_size": 2}}"#)
        expectError(400, "n-best must be between 1 and the beam size 2") { try r.settings(defaults: SearchSettings(), limits: limits) }
        r = try libre(#"{"q": "a", "options": {"beam_size": 99}}"#)
        expectError(400, "over the limit max_beam_size 16") { try r.settings(defaults: SearchSettings(), limits: limits) }
        r = try libre(#"{"q": "a", "options": {"length_penalty": -1}}"#)
        expectError(400, "length penalty") { try r.settings(defaults: SearchSettings(), limits: limits) }
    }

    @Test func perRequestLimitsNameTheLimit() throws {
        var limits = ServeLimits()
        limits.maxSentences = 2
        limits.maxCharacters = 5
        expectError(400, "3 sentences are over the limit max_sentences 2") { try libre(#"{"q": ["a", "b", "c"]}"#).check(sentences: 3, limits) }
        expectError(400, "6 characters are over the limit max_characters 5") { try libre(#"{"q": ["äbc", "def"]}"#).check(limits) }
        try libre(#"{"q": ["äb", "def"]}"#).check(limits)
    }

    @Test func configFromYAML() throws {
        let c = try ServeConfig.load(yaml: """
            port: 9000
            threads: 2
            models:
              fr-en: /abs/fr-en.safetensors
              de-en: models/de-en.safetensors
            batch: {max_sentences: 32, max_wait_ms: 1.5}
            limits: {max_body_bytes: 1000, timeout_seconds: 5}
            defaults: {beam_size: 4, replace_unk: true}
            """, location: "/etc/mt/serve.yaml")
        #expect(c.port == 9000 && c.threads == 2 && c.batch.maxSentences == 32 && c.batch.maxWaitMilliseconds == 1.5)
        #expect(c.models == [.init(id: "fr-en", path: "/abs/fr-en.safetensors"), .init(id: "de-en", path: "/etc/mt/models/de-en.safetensors")])
        #expect(c.limits.maxBodyBytes == 1000 && c.limits.timeoutSeconds == 5 && c.defaults.beamSize == 4 && c.defaults.replaceUnknown)
        #expect(c.problem == nil)
        for (yaml, message) in [("bogus: 1", "unknown setting 'bogus'"), ("limits: {max_sentence: 3}", "unknown setting 'limits.max_sentence'"),
                                ("port: eighty", "port must be an integer"), ("batch: 3", "batch must be a mapping")] {
            #expect(throws: (any Error).self) { try ServeConfig.load(yaml: yaml, location: "s.yaml") }
            do { _ = try ServeConfig.load(yaml: yaml, location: "s.yaml") } catch {
                #expect("\(error)".contains(message) && "\(error)".contains("s.yaml"), "\(error)")
            }
        }
        var bad = c
        bad.defaults.beamSize = 40
        #expect(bad.problem?.contains("max_beam_size") == true)
    }
}
