#ifndef MR_CURL_H
#define MR_CURL_H
/* Plain-C surface over libcurl: one non-variadic wrapper per curl_easy_setopt argument type.
   Only mr_curl.c includes <curl/curl.h>; Swift sees the mr_* names and the small enums below. */
#include <stddef.h>
#include <stdint.h>
/* Spawning a `secret: cmd:` program lives beside libcurl's shim (mr_spawn.h); included here so that a build
   whose module cache predates that header still sees it. */
#include "mr_spawn.h"

#ifdef __cplusplus
extern "C" {
#endif

/* libcurl's version string, e.g. "7.88.1". */
const char *mr_curl_version(void);
/* libcurl's version as 0xXXYYZZ (7.88.1 is 0x075801). */
unsigned int mr_curl_version_num(void);

/* Options Mailroom sets, mapped to CURLOPT_* in mr_curl.c. */
typedef enum {
    MR_OPT_URL = 1,             /* string */
    MR_OPT_USERNAME,            /* string */
    MR_OPT_PASSWORD,            /* string */
    MR_OPT_XOAUTH2_BEARER,      /* string */
    MR_OPT_LOGIN_OPTIONS,       /* string */
    MR_OPT_CAINFO,              /* string */
    MR_OPT_CONNECT_ONLY,        /* long */
    MR_OPT_CONNECTTIMEOUT_MS,   /* long */
    MR_OPT_TIMEOUT_MS,          /* long */
    MR_OPT_SSL_VERIFYPEER,      /* long */
    MR_OPT_SSL_VERIFYHOST,      /* long */
    MR_OPT_NOSIGNAL,            /* long */
    MR_OPT_VERBOSE,             /* long */
    MR_OPT_USE_SSL_ALL,         /* long: non-zero sets CURLUSESSL_ALL, zero CURLUSESSL_NONE (never TRY) */
    MR_OPT_ERRORBUFFER,         /* pointer: char[MR_CURL_ERROR_SIZE] */
    MR_OPT_SSLVERSION_MIN_TLS12 /* long: non-zero sets CURL_SSLVERSION_TLSv1_2 (TLS 1.2 or newer), zero is refused */
} mr_curl_option;

#define MR_CURL_ERROR_SIZE 256

/* What a CURLcode means for the person running Mailroom. */
typedef enum {
    MR_KIND_OK = 0,
    MR_KIND_AGAIN,      /* CURLE_AGAIN: socket not ready, poll and retry */
    MR_KIND_HOST,       /* name does not resolve */
    MR_KIND_PORT,       /* refused / could not connect */
    MR_KIND_TIMEOUT,    /* operation timed out */
    MR_KIND_TLS,        /* handshake, certificate, STARTTLS refused */
    MR_KIND_AUTH,       /* login denied */
    MR_KIND_NETWORK,    /* send/recv failed, connection dropped, weird reply */
    MR_KIND_OTHER       /* anything else (bad option, out of memory) */
} mr_curl_kind;

/* curl_global_init(CURL_GLOBAL_DEFAULT) once per process; returns the CURLcode. */
int mr_curl_global_init(void);

void *mr_curl_easy_init(void);
void mr_curl_easy_cleanup(void *handle);

/* Each returns the CURLcode (0 on success); an unknown option returns CURLE_UNKNOWN_OPTION. */
int mr_curl_setopt_long(void *handle, mr_curl_option option, long value);
int mr_curl_setopt_string(void *handle, mr_curl_option option, const char *value);
int mr_curl_setopt_pointer(void *handle, mr_curl_option option, void *value);

/* CURLOPT_RESOLVE with one "host:port:address[,address...]" entry, so libcurl connects only to addresses
   Mailroom has checked. Returns the list to free with mr_curl_slist_free after the handle's cleanup (NULL when
   it could not be built); the CURLcode goes to *rc. */
void *mr_curl_set_resolve(void *handle, const char *entry, int *rc);
void mr_curl_slist_free(void *list);

/* What the server said while libcurl logged in, kept so a refused login can be explained: the last SASL
   continuation ("+ ..." line: Gmail and Dovecot send base64 JSON with a status there when they refuse an
   XOAUTH2 token) and the last tagged NO or BAD line. Only lines the server sent are kept, never what libcurl
   sent (the login): the debug callback discards everything but CURLINFO_HEADER_IN. */
#define MR_SASL_LINE_SIZE 1024
typedef struct {
    char continuation[MR_SASL_LINE_SIZE];
    char refusal[MR_SASL_LINE_SIZE];
} mr_login_capture;
/* Installs the capture (CURLOPT_DEBUGFUNCTION with CURLOPT_VERBOSE, whose text then goes only to that callback)
   for the next mr_curl_perform; mr_curl_capture_stop turns both off again. The capture must outlive the perform.
   Returns the CURLcode. */
int mr_curl_capture_login(void *handle, mr_login_capture *capture);
int mr_curl_capture_stop(void *handle);
int mr_curl_perform(void *handle);
/* curl_easy_send / curl_easy_recv; the byte count goes to *n. */
int mr_curl_send(void *handle, const void *buffer, size_t length, size_t *n);
int mr_curl_recv(void *handle, void *buffer, size_t length, size_t *n);
/* CURLINFO_ACTIVESOCKET; -1 when there is none. */
long long mr_curl_active_socket(void *handle);
/* Wait until the socket is readable (events 1) or writable (events 2): 1 ready, 0 timeout, -1 error. */
int mr_curl_wait_socket(long long socket, int events, int timeout_ms);

/* One HTTP(S) POST of a form body (application/x-www-form-urlencoded, Accept: application/json), for the OAuth2
   token endpoint. TLS 1.2 or newer with peer and host verification always on; ca_file (NULL: the system CAs)
   replaces the trusted CAs. Only https:// and http:// URLs, no redirects followed, no proxy from the environment
   (Mailroom never sends secrets to a host it was not told about). resolve_entry (NULL: none) pins the host to
   checked addresses (CURLOPT_RESOLVE, as plain IMAP does). timeout_ms bounds the whole exchange.
   On return: *http_status the response's status (0 when none), *reply a malloc'ed copy of at most max_reply bytes
   of the response body (free it with mr_curl_free_reply, which wipes it first; NULL when empty), *reply_len its
   length; error_buffer (MR_CURL_ERROR_SIZE bytes) libcurl's words on failure. Returns the CURLcode; a body over
   max_reply is CURLE_WRITE_ERROR. Blocking: call it from a thread of its own, never from the async pool. */
int mr_curl_http_post(const char *url, const void *body, size_t body_len, const char *ca_file,
                      const char *resolve_entry, long timeout_ms, long *http_status, char **reply,
                      size_t *reply_len, size_t max_reply, char *error_buffer);
/* Overwrites the reply's bytes with zeros, then frees it. */
void mr_curl_free_reply(char *reply, size_t reply_len);

const char *mr_curl_strerror(int code);
mr_curl_kind mr_curl_kind_of(int code);

#ifdef __cplusplus
}
#endif
#endif
