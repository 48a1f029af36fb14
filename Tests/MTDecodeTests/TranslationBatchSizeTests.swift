import Testing
@testable import MTDecode

/// mt-translate's batch size when none is given: 128 sentences, with a shortlist about 40
/// decoder rows; and the chunks sorted by length hold at least 1024 lines.
@Suite struct TranslationBatchSizeTests {
    @Test func defaultBatchSize() {
        #expect(TranslationOptions.defaultBatchSize(beamSize: 5, shortlist: false) == 128)
        #expect(TranslationOptions.defaultBatchSize(beamSize: 1, shortlist: false) == 128)
        #expect(TranslationOptions.defaultBatchSize(beamSize: 5, shortlist: true) == 8)
        #expect(TranslationOptions.defaultBatchSize(beamSize: 1, shortlist: true) == 40)
        #expect(TranslationOptions.defaultBatchSize(beamSize: 12, shortlist: true) == 4)
        #expect(TranslationOptions.defaultBatchSize(beamSize: 100, shortlist: true) == 1)
    }

    @Test func chunkSize() {
        #expect(TranslationOptions.chunkSize(batchSize: 8) == 1024)
        #expect(TranslationOptions.chunkSize(batchSize: 128) == 1024)
        #expect(TranslationOptions.chunkSize(batchSize: 500) == 4000)
    }
}
