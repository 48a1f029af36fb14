#ifndef CICU_H
#define CICU_H

// The few ICU services the text pipeline needs, behind a header that uses only
// <stdint.h> types. ICU's own headers stay inside cicu.c so that no Swift module
// sees them next to Foundation (whose bundled ICU declares the same types
// differently), and the version-suffixed symbol names are resolved by clang.

#include <stdint.h>

/// ICU's U_BUFFER_OVERFLOW_ERROR: retry with the capacity returned.
#define CICU_BUFFER_OVERFLOW 15

/// Returns a static, human-readable name for an ICU status code.
const char *cicu_error_name(int32_t status);

/// NFKC-normalises `length` UTF-16 units into `dest`; returns the length needed.
int32_t cicu_nfkc(const uint16_t *source, int32_t length,
                  uint16_t *dest, int32_t capacity, int32_t *status);

/// Lowercases with the rules of `locale` ("" is the root locale); returns the length needed.
int32_t cicu_to_lower(const char *locale, const uint16_t *source, int32_t length,
                      uint16_t *dest, int32_t capacity, int32_t *status);

/// An ICU break iterator: words (UBRK_WORD, dictionary-based for CJK and Thai) or
/// sentences (UBRK_SENTENCE).
typedef struct cicu_breaker cicu_breaker;

#define CICU_BREAK_WORDS 0
#define CICU_BREAK_SENTENCES 1

cicu_breaker *cicu_breaker_open(int32_t kind, const char *locale, int32_t *status);
void cicu_breaker_close(cicu_breaker *breaker);

/// Writes the end offset of every segment of `text` into `ends` (at most
/// `capacity`, which `length` always suffices for) and returns the number of segments.
int32_t cicu_breaker_split(cicu_breaker *breaker, const uint16_t *text, int32_t length,
                           int32_t *ends, int32_t capacity, int32_t *status);

/// The words CLDR lists for `locale` as ending in a full stop without ending a sentence
/// (ICU's "exceptions/SentenceBreak" data: "Dr.", "z.", "M."), joined by U+000A into `dest`;
/// returns the length needed. An empty list for a locale without one.
int32_t cicu_sentence_exceptions(const char *locale, uint16_t *dest, int32_t capacity, int32_t *status);

/// The ICU script code (UScriptCode) of a code point: 0 Common, 1 Inherited, 25 Latin, ...
int32_t cicu_script(int32_t codepoint);

/// ICU's short name of a script code ("Latn", "Hani", "Cyrl"), or NULL.
const char *cicu_script_short_name(int32_t script);

#endif
