#ifndef MR_CURL_H
#define MR_CURL_H
/* Plain-C surface over libcurl: one non-variadic wrapper per curl_easy_setopt argument type.
   Only mr_curl.c includes <curl/curl.h>. */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* libcurl's version string, e.g. "7.88.1". */
const char *mr_curl_version(void);

#ifdef __cplusplus
}
#endif
#endif
