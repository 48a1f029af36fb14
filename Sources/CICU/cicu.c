#include "cicu.h"

#include <unicode/ubrk.h>
#include <unicode/ures.h>
#include <unicode/udata.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utypes.h>

const char *cicu_error_name(int32_t status) {
    return u_errorName((UErrorCode)status);
}

int32_t cicu_nfkc(const uint16_t *source, int32_t length,
                  uint16_t *dest, int32_t capacity, int32_t *status) {
    UErrorCode code = U_ZERO_ERROR;
    const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&code);
    if (U_FAILURE(code)) { *status = code; return 0; }
    int32_t needed = unorm2_normalize(nfkc, (const UChar *)source, length,
                                      (UChar *)dest, capacity, &code);
    *status = code;
    return needed;
}

int32_t cicu_to_lower(const char *locale, const uint16_t *source, int32_t length,
                      uint16_t *dest, int32_t capacity, int32_t *status) {
    UErrorCode code = U_ZERO_ERROR;
    int32_t needed = u_strToLower((UChar *)dest, capacity, (const UChar *)source, length,
                                  locale, &code);
    *status = code;
    return needed;
}

// The opaque handle is the ICU iterator itself.
cicu_breaker *cicu_breaker_open(int32_t kind, const char *locale, int32_t *status) {
    UErrorCode code = U_ZERO_ERROR;
    UBreakIterator *iterator = ubrk_open(kind == CICU_BREAK_SENTENCES ? UBRK_SENTENCE : UBRK_WORD,
                                         locale, NULL, 0, &code);
    *status = code;
    return U_FAILURE(code) ? NULL : (cicu_breaker *)iterator;
}

void cicu_breaker_close(cicu_breaker *breaker) {
    if (breaker) ubrk_close((UBreakIterator *)breaker);
}

int32_t cicu_breaker_split(cicu_breaker *breaker, const uint16_t *text, int32_t length,
                           int32_t *ends, int32_t capacity, int32_t *status) {
    UBreakIterator *iterator = (UBreakIterator *)breaker;
    UErrorCode code = U_ZERO_ERROR;
    ubrk_setText(iterator, (const UChar *)text, length, &code);
    *status = code;
    if (U_FAILURE(code)) return 0;
    int32_t count = 0;
    for (int32_t end = ubrk_next(iterator); end != UBRK_DONE && count < capacity;
         end = ubrk_next(iterator)) {
        ends[count++] = end;
    }
    // Drop the iterator's pointer to the caller's buffer before it goes away.
    ubrk_setText(iterator, NULL, 0, &code);
    return count;
}

int32_t cicu_script(int32_t codepoint) {
    UErrorCode code = U_ZERO_ERROR;
    UScriptCode script = uscript_getScript(codepoint, &code);
    return U_FAILURE(code) ? USCRIPT_INVALID_CODE : (int32_t)script;
}

const char *cicu_script_short_name(int32_t script) {
    return uscript_getShortName((UScriptCode)script);
}

int32_t cicu_sentence_exceptions(const char *locale, uint16_t *dest, int32_t capacity, int32_t *status) {
    UErrorCode code = U_ZERO_ERROR;
    int32_t length = 0;
    UResourceBundle *bundle = ures_open(U_ICUDATA_NAME U_TREE_SEPARATOR_STRING "brkitr", locale, &code);
    UResourceBundle *exceptions = ures_getByKey(bundle, "exceptions", NULL, &code);
    UResourceBundle *list = ures_getByKey(exceptions, "SentenceBreak", NULL, &code);
    if (U_SUCCESS(code)) {
        int32_t n = ures_getSize(list);
        for (int32_t i = 0; i < n; i++) {
            int32_t size = 0;
            UErrorCode item = U_ZERO_ERROR;
            const UChar *word = ures_getStringByIndex(list, i, &size, &item);
            if (U_FAILURE(item)) continue;
            if (length > 0) { if (length < capacity) dest[length] = 0x0A; length++; }
            for (int32_t k = 0; k < size; k++, length++) if (length < capacity) dest[length] = word[k];
        }
    }
    ures_close(list);
    ures_close(exceptions);
    ures_close(bundle);
    // A locale without the data has no exceptions, which is no error.
    *status = length > capacity ? 15 /* U_BUFFER_OVERFLOW_ERROR */ : 0;
    return length;
}
