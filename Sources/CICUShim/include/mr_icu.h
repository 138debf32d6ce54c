#ifndef MR_ICU_H
#define MR_ICU_H
/* Plain-C surface over ICU. Only mr_icu.c includes ICU's <unicode/...> headers: Swift modules that import this header never
   see ICU's own types, so they cannot clash with Foundation's internal ICU module. All text is UTF-8. */
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Result codes shared by all functions (negative values). */
#define MR_ICU_BUFFER_TOO_SMALL (-1)
#define MR_ICU_FAILED (-2)
#define MR_ICU_UNKNOWN_CHARSET (-3)
#define MR_ICU_INVALID_LABEL (-4)

/* UTS-46 (nontransitional) domain to ASCII (punycode) / to Unicode. Returns output length, or a negative code.
   *idna_errors receives ICU's UIDNA_ERROR_* bit set: a non-zero value means a bad label even when the call
   succeeded, and the function then returns MR_ICU_INVALID_LABEL. */
int32_t mr_idna_to_ascii(const char *in, int32_t in_len, char *out, int32_t out_cap, uint32_t *idna_errors);
int32_t mr_idna_to_unicode(const char *in, int32_t in_len, char *out, int32_t out_cap, uint32_t *idna_errors);

/* Unicode NFC of UTF-8 text. Returns output length or a negative code. */
int32_t mr_nfc(const char *in, int32_t in_len, char *out, int32_t out_cap);

/* Convert bytes in `charset` to UTF-8, substituting U+FFFD for bytes that cannot be converted.
   *substitutions receives 1 when any substitution happened. Returns output length or a negative code
   (MR_ICU_UNKNOWN_CHARSET when ICU has no converter of that name). */
int32_t mr_to_utf8(const char *charset, const char *in, int32_t in_len, char *out, int32_t out_cap,
                   int32_t *substitutions);

/* 1 when ICU has a converter for that charset name, else 0. */
int32_t mr_charset_known(const char *charset);

#ifdef __cplusplus
}
#endif
#endif
