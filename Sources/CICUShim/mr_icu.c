#include "mr_icu.h"

#include <string.h>
#include <stdlib.h>
#include <unicode/uidna.h>
#include <unicode/unorm2.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_err.h>
#include <unicode/ustring.h>

static const UIDNA *shared_uts46(void) {
    static const UIDNA *idna = NULL;
    /* uidna objects are immutable after open and safe to share across threads. */
    if (__atomic_load_n(&idna, __ATOMIC_ACQUIRE) == NULL) {
        UErrorCode status = U_ZERO_ERROR;
        UIDNA *made = uidna_openUTS46(UIDNA_NONTRANSITIONAL_TO_ASCII | UIDNA_NONTRANSITIONAL_TO_UNICODE |
                                          UIDNA_CHECK_BIDI | UIDNA_CHECK_CONTEXTJ,
                                      &status);
        if (U_FAILURE(status)) return NULL;
        const UIDNA *expected = NULL;
        if (!__atomic_compare_exchange_n(&idna, &expected, made, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            uidna_close(made);
        }
    }
    return __atomic_load_n(&idna, __ATOMIC_ACQUIRE);
}

static int32_t idna(int to_ascii, const char *in, int32_t in_len, char *out, int32_t out_cap, uint32_t *errs) {
    const UIDNA *u = shared_uts46();
    if (errs) *errs = 0;
    if (u == NULL) return MR_ICU_FAILED;
    UErrorCode status = U_ZERO_ERROR;
    UIDNAInfo info = UIDNA_INFO_INITIALIZER;
    int32_t n = to_ascii ? uidna_nameToASCII_UTF8(u, in, in_len, out, out_cap, &info, &status)
                         : uidna_nameToUnicodeUTF8(u, in, in_len, out, out_cap, &info, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) return MR_ICU_BUFFER_TOO_SMALL;
    if (U_FAILURE(status)) return MR_ICU_FAILED;
    /* UTS-46 reports bad labels in info.errors with an OK status. */
    if (errs) *errs = info.errors;
    if (info.errors != 0) return MR_ICU_INVALID_LABEL;
    return n;
}

int32_t mr_idna_to_ascii(const char *in, int32_t in_len, char *out, int32_t out_cap, uint32_t *errs) {
    return idna(1, in, in_len, out, out_cap, errs);
}

int32_t mr_idna_to_unicode(const char *in, int32_t in_len, char *out, int32_t out_cap, uint32_t *errs) {
    return idna(0, in, in_len, out, out_cap, errs);
}

int32_t mr_nfc(const char *in, int32_t in_len, char *out, int32_t out_cap) {
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&status);
    if (U_FAILURE(status)) return MR_ICU_FAILED;
    int32_t u16_len = 0;
    u_strFromUTF8WithSub(NULL, 0, &u16_len, in, in_len, 0xFFFD, NULL, &status);
    if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status)) return MR_ICU_FAILED;
    status = U_ZERO_ERROR;
    UChar *src = malloc(sizeof(UChar) * (size_t)(u16_len + 1));
    UChar *dst = malloc(sizeof(UChar) * (size_t)(u16_len * 3 + 8));
    if (!src || !dst) { free(src); free(dst); return MR_ICU_FAILED; }
    u_strFromUTF8WithSub(src, u16_len + 1, NULL, in, in_len, 0xFFFD, NULL, &status);
    int32_t dst_len = U_SUCCESS(status) ? unorm2_normalize(nfc, src, u16_len, dst, u16_len * 3 + 8, &status) : 0;
    int32_t result = MR_ICU_FAILED;
    if (U_SUCCESS(status)) {
        int32_t out_len = 0;
        u_strToUTF8(out, out_cap, &out_len, dst, dst_len, &status);
        if (status == U_BUFFER_OVERFLOW_ERROR) result = MR_ICU_BUFFER_TOO_SMALL;
        else if (U_SUCCESS(status) || status == U_STRING_NOT_TERMINATED_WARNING) result = out_len;
    }
    free(src);
    free(dst);
    return result;
}

int32_t mr_charset_known(const char *charset) {
    UErrorCode status = U_ZERO_ERROR;
    UConverter *c = ucnv_open(charset, &status);
    if (U_FAILURE(status) || c == NULL) return 0;
    ucnv_close(c);
    return 1;
}

int32_t mr_to_utf8(const char *charset, const char *in, int32_t in_len, char *out, int32_t out_cap,
                   int32_t *substitutions) {
    if (substitutions) *substitutions = 0;
    UErrorCode status = U_ZERO_ERROR;
    UConverter *from = ucnv_open(charset, &status);
    if (U_FAILURE(status) || from == NULL) return MR_ICU_UNKNOWN_CHARSET;
    /* Detect substitutions: convert to UTF-16 first with a callback that counts. */
    int32_t cap16 = in_len * 2 + 16;
    UChar *u16 = malloc(sizeof(UChar) * (size_t)cap16);
    if (!u16) { ucnv_close(from); return MR_ICU_FAILED; }
    ucnv_setToUCallBack(from, UCNV_TO_U_CALLBACK_SUBSTITUTE, NULL, NULL, NULL, &status);
    status = U_ZERO_ERROR;
    int32_t n16 = ucnv_toUChars(from, u16, cap16, in, in_len, &status);
    ucnv_close(from);
    if (U_FAILURE(status)) { free(u16); return MR_ICU_FAILED; }
    if (substitutions) {
        for (int32_t i = 0; i < n16; i++) {
            if (u16[i] == 0xFFFD || u16[i] == 0x1A) { *substitutions = 1; break; }
        }
    }
    int32_t out_len = 0;
    status = U_ZERO_ERROR;
    u_strToUTF8WithSub(out, out_cap, &out_len, u16, n16, 0xFFFD, NULL, &status);
    free(u16);
    if (status == U_BUFFER_OVERFLOW_ERROR) return MR_ICU_BUFFER_TOO_SMALL;
    if (U_FAILURE(status) && status != U_STRING_NOT_TERMINATED_WARNING) return MR_ICU_FAILED;
    return out_len;
}
