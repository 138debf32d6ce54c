#include "mr_curl.h"
#include <curl/curl.h>
#include <poll.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *mr_curl_version(void) {
    return curl_version_info(CURLVERSION_NOW)->version;
}

unsigned int mr_curl_version_num(void) {
    return curl_version_info(CURLVERSION_NOW)->version_num;
}

int mr_curl_global_init(void) {
    return (int)curl_global_init(CURL_GLOBAL_DEFAULT);
}

void *mr_curl_easy_init(void) { return curl_easy_init(); }

void mr_curl_easy_cleanup(void *handle) {
    if (handle) curl_easy_cleanup((CURL *)handle);
}

static int map_option(mr_curl_option option, CURLoption *out) {
    switch (option) {
    case MR_OPT_URL: *out = CURLOPT_URL; return 1;
    case MR_OPT_USERNAME: *out = CURLOPT_USERNAME; return 1;
    case MR_OPT_PASSWORD: *out = CURLOPT_PASSWORD; return 1;
    case MR_OPT_XOAUTH2_BEARER: *out = CURLOPT_XOAUTH2_BEARER; return 1;
    case MR_OPT_LOGIN_OPTIONS: *out = CURLOPT_LOGIN_OPTIONS; return 1;
    case MR_OPT_CAINFO: *out = CURLOPT_CAINFO; return 1;
    case MR_OPT_CONNECT_ONLY: *out = CURLOPT_CONNECT_ONLY; return 1;
    case MR_OPT_CONNECTTIMEOUT_MS: *out = CURLOPT_CONNECTTIMEOUT_MS; return 1;
    case MR_OPT_TIMEOUT_MS: *out = CURLOPT_TIMEOUT_MS; return 1;
    case MR_OPT_SSL_VERIFYPEER: *out = CURLOPT_SSL_VERIFYPEER; return 1;
    case MR_OPT_SSL_VERIFYHOST: *out = CURLOPT_SSL_VERIFYHOST; return 1;
    case MR_OPT_NOSIGNAL: *out = CURLOPT_NOSIGNAL; return 1;
    case MR_OPT_VERBOSE: *out = CURLOPT_VERBOSE; return 1;
    case MR_OPT_USE_SSL_ALL: *out = CURLOPT_USE_SSL; return 1;
    case MR_OPT_ERRORBUFFER: *out = CURLOPT_ERRORBUFFER; return 1;
    case MR_OPT_SSLVERSION_MIN_TLS12: *out = CURLOPT_SSLVERSION; return 1;
    }
    return 0;
}

int mr_curl_setopt_long(void *handle, mr_curl_option option, long value) {
    CURLoption o;
    if (!map_option(option, &o)) return CURLE_UNKNOWN_OPTION;
    if (option == MR_OPT_USE_SSL_ALL) value = value ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE;
    if (option == MR_OPT_SSLVERSION_MIN_TLS12) {
        if (!value) return CURLE_BAD_FUNCTION_ARGUMENT;
        value = (long)CURL_SSLVERSION_TLSv1_2;
    }
    return (int)curl_easy_setopt((CURL *)handle, o, value);
}

int mr_curl_setopt_string(void *handle, mr_curl_option option, const char *value) {
    CURLoption o;
    if (!map_option(option, &o)) return CURLE_UNKNOWN_OPTION;
    return (int)curl_easy_setopt((CURL *)handle, o, value);
}

int mr_curl_setopt_pointer(void *handle, mr_curl_option option, void *value) {
    CURLoption o;
    if (!map_option(option, &o)) return CURLE_UNKNOWN_OPTION;
    return (int)curl_easy_setopt((CURL *)handle, o, value);
}

void *mr_curl_set_resolve(void *handle, const char *entry, int *rc) {
    struct curl_slist *list = curl_slist_append(NULL, entry);
    if (!list) { *rc = (int)CURLE_OUT_OF_MEMORY; return NULL; }
    *rc = (int)curl_easy_setopt((CURL *)handle, CURLOPT_RESOLVE, list);
    return list;
}

void mr_curl_slist_free(void *list) {
    if (list) curl_slist_free_all((struct curl_slist *)list);
}

static void mr_keep_line(char *dest, const char *data, size_t size) {
    size_t n = size < MR_SASL_LINE_SIZE - 1 ? size : MR_SASL_LINE_SIZE - 1;
    while (n > 0 && (data[n - 1] == '\n' || data[n - 1] == '\r')) n--;
    memcpy(dest, data, n);
    dest[n] = 0;
}

/* Is `line` (not NUL-terminated) a tagged NO or BAD: "TAG NO ..." / "TAG BAD ..."? */
static int mr_is_refusal(const char *line, size_t size) {
    size_t i = 0;
    while (i < size && line[i] != ' ') i++;
    if (i == 0 || line[0] == '*' || line[0] == '+' || i + 3 > size) return 0;
    i++;
    if (i + 2 <= size && (line[i] == 'N' || line[i] == 'n') && (line[i + 1] == 'O' || line[i + 1] == 'o')
        && (i + 2 == size || line[i + 2] == ' ' || line[i + 2] == '\r')) return 1;
    if (i + 3 <= size && (line[i] == 'B' || line[i] == 'b') && (line[i + 1] == 'A' || line[i + 1] == 'a')
        && (line[i + 2] == 'D' || line[i + 2] == 'd') && (i + 3 == size || line[i + 3] == ' ' || line[i + 3] == '\r')) return 1;
    return 0;
}

static int mr_login_debug(CURL *handle, curl_infotype type, char *data, size_t size, void *userdata) {
    (void)handle;
    mr_login_capture *capture = (mr_login_capture *)userdata;
    /* Only what the server sent; CURLINFO_HEADER_OUT holds the login and is dropped here. */
    if (type != CURLINFO_HEADER_IN || capture == NULL) return 0;
    size_t start = 0;
    while (start < size) {
        size_t end = start;
        while (end < size && data[end] != '\n') end++;
        const char *line = data + start;
        size_t len = end - start;
        if (len >= 1 && line[0] == '+') mr_keep_line(capture->continuation, line, len);
        else if (mr_is_refusal(line, len)) mr_keep_line(capture->refusal, line, len);
        start = end + 1;
    }
    return 0;
}

int mr_curl_capture_login(void *handle, mr_login_capture *capture) {
    memset(capture, 0, sizeof *capture);
    CURLcode rc = curl_easy_setopt((CURL *)handle, CURLOPT_DEBUGFUNCTION, mr_login_debug);
    if (rc == CURLE_OK) rc = curl_easy_setopt((CURL *)handle, CURLOPT_DEBUGDATA, (void *)capture);
    if (rc == CURLE_OK) rc = curl_easy_setopt((CURL *)handle, CURLOPT_VERBOSE, 1L);
    return (int)rc;
}

int mr_curl_capture_stop(void *handle) {
    CURLcode rc = curl_easy_setopt((CURL *)handle, CURLOPT_VERBOSE, 0L);
    if (rc == CURLE_OK) rc = curl_easy_setopt((CURL *)handle, CURLOPT_DEBUGFUNCTION, NULL);
    if (rc == CURLE_OK) rc = curl_easy_setopt((CURL *)handle, CURLOPT_DEBUGDATA, NULL);
    return (int)rc;
}

int mr_curl_perform(void *handle) { return (int)curl_easy_perform((CURL *)handle); }

int mr_curl_send(void *handle, const void *buffer, size_t length, size_t *n) {
    return (int)curl_easy_send((CURL *)handle, buffer, length, n);
}

int mr_curl_recv(void *handle, void *buffer, size_t length, size_t *n) {
    return (int)curl_easy_recv((CURL *)handle, buffer, length, n);
}

long long mr_curl_active_socket(void *handle) {
    curl_socket_t s = CURL_SOCKET_BAD;
    if (curl_easy_getinfo((CURL *)handle, CURLINFO_ACTIVESOCKET, &s) != CURLE_OK || s == CURL_SOCKET_BAD) return -1;
    return (long long)s;
}

int mr_curl_wait_socket(long long socket, int events, int timeout_ms) {
    struct pollfd p;
    p.fd = (int)socket;
    p.events = (short)(((events & 1) ? POLLIN : 0) | ((events & 2) ? POLLOUT : 0));
    p.revents = 0;
    for (;;) {
        int r = poll(&p, 1, timeout_ms);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return -1;
        return r > 0 ? 1 : 0;
    }
}

const char *mr_curl_strerror(int code) { return curl_easy_strerror((CURLcode)code); }

mr_curl_kind mr_curl_kind_of(int code) {
    switch ((CURLcode)code) {
    case CURLE_OK: return MR_KIND_OK;
    case CURLE_AGAIN: return MR_KIND_AGAIN;
    case CURLE_COULDNT_RESOLVE_HOST: return MR_KIND_HOST;
    case CURLE_COULDNT_CONNECT: return MR_KIND_PORT;
    case CURLE_OPERATION_TIMEDOUT: return MR_KIND_TIMEOUT;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
        return MR_KIND_TLS;
    case CURLE_LOGIN_DENIED: return MR_KIND_AUTH;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_PARTIAL_FILE:
        return MR_KIND_NETWORK;
    default: return MR_KIND_OTHER;
    }
}

/* The response body of mr_curl_http_post, bounded. */
struct mr_reply {
    char *data;
    size_t len;
    size_t cap;
    size_t max;
    int too_large;
};

static size_t mr_reply_write(char *ptr, size_t size, size_t nmemb, void *userdata) {
    struct mr_reply *r = (struct mr_reply *)userdata;
    size_t n = size * nmemb;
    if (n == 0) return 0;
    if (r->len + n > r->max) { r->too_large = 1; return 0; }
    if (r->len + n > r->cap) {
        size_t cap = r->cap ? r->cap : 4096;
        while (cap < r->len + n) cap *= 2;
        if (cap > r->max) cap = r->max;
        char *grown = malloc(cap);
        if (!grown) return 0;
        if (r->data) {
            memcpy(grown, r->data, r->len);
            memset(r->data, 0, r->cap);
            free(r->data);
        }
        r->data = grown;
        r->cap = cap;
    }
    memcpy(r->data + r->len, ptr, n);
    r->len += n;
    return n;
}

int mr_curl_http_post(const char *url, const void *body, size_t body_len, const char *ca_file,
                      const char *resolve_entry, long timeout_ms, long *http_status, char **reply,
                      size_t *reply_len, size_t max_reply, char *error_buffer) {
    *http_status = 0;
    *reply = NULL;
    *reply_len = 0;
    if (error_buffer) error_buffer[0] = 0;
    CURL *h = curl_easy_init();
    if (!h) return (int)CURLE_FAILED_INIT;
    struct mr_reply r = {NULL, 0, 0, max_reply, 0};
    struct curl_slist *headers = NULL, *resolve = NULL;
    CURLcode rc = CURLE_OK;
#define MR_SET(opt, val) do { rc = curl_easy_setopt(h, opt, val); if (rc != CURLE_OK) goto done; } while (0)
    if (error_buffer) MR_SET(CURLOPT_ERRORBUFFER, error_buffer);
    MR_SET(CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
    MR_SET(CURLOPT_PROTOCOLS_STR, "https,http");
    MR_SET(CURLOPT_REDIR_PROTOCOLS_STR, "https");
#endif
    MR_SET(CURLOPT_FOLLOWLOCATION, 0L);
    MR_SET(CURLOPT_PROXY, "");
    MR_SET(CURLOPT_NOSIGNAL, 1L);
    MR_SET(CURLOPT_VERBOSE, 0L);
    MR_SET(CURLOPT_SSL_VERIFYPEER, 1L);
    MR_SET(CURLOPT_SSL_VERIFYHOST, 2L);
    MR_SET(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
    if (ca_file) MR_SET(CURLOPT_CAINFO, ca_file);
    MR_SET(CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    MR_SET(CURLOPT_TIMEOUT_MS, timeout_ms);
    if (resolve_entry) {
        resolve = curl_slist_append(NULL, resolve_entry);
        if (!resolve) { rc = CURLE_OUT_OF_MEMORY; goto done; }
        MR_SET(CURLOPT_RESOLVE, resolve);
    }
    headers = curl_slist_append(NULL, "Content-Type: application/x-www-form-urlencoded");
    if (headers) headers = curl_slist_append(headers, "Accept: application/json");
    if (!headers) { rc = CURLE_OUT_OF_MEMORY; goto done; }
    MR_SET(CURLOPT_HTTPHEADER, headers);
    MR_SET(CURLOPT_POST, 1L);
    MR_SET(CURLOPT_POSTFIELDSIZE, (long)body_len);
    MR_SET(CURLOPT_POSTFIELDS, body);
    MR_SET(CURLOPT_WRITEFUNCTION, mr_reply_write);
    MR_SET(CURLOPT_WRITEDATA, &r);
    rc = curl_easy_perform(h);
    {
        long status = 0;
        if (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK) *http_status = status;
    }
    if (rc == CURLE_WRITE_ERROR && r.too_large && error_buffer) {
        snprintf(error_buffer, MR_CURL_ERROR_SIZE, "the reply is larger than %zu bytes", max_reply);
    }
done:
#undef MR_SET
    curl_easy_cleanup(h);
    curl_slist_free_all(headers);
    curl_slist_free_all(resolve);
    if (rc == CURLE_OK) {
        *reply = r.data;
        *reply_len = r.len;
    } else if (r.data) {
        memset(r.data, 0, r.cap);
        free(r.data);
    }
    return (int)rc;
}

void mr_curl_free_reply(char *reply, size_t reply_len) {
    if (!reply) return;
    memset(reply, 0, reply_len);
    free(reply);
}
