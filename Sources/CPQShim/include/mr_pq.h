#ifndef MR_PQ_H
#define MR_PQ_H
/* Plain-C surface over libpq (PostgreSQL's client library): what the PostgreSQL store needs.
   Only mr_pq.c includes <libpq-fe.h>; Swift sees the mr_pq_* names, opaque pointers and the small enums below.
   Every call blocks the calling thread (libpq's synchronous API): callers keep them off Swift's cooperative pool. */
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* libpq's version as MMmmmm (15.18 is 150018). */
int mr_pq_lib_version(void);

/* PQconnectdbParams(keywords, values, expand_dbname = 0): NULL-terminated arrays, so the password never sits in a
   connection string. Returns a connection (check mr_pq_connected) or NULL when out of memory. */
void *mr_pq_connect(const char *const *keywords, const char *const *values);
/* 1 when the connection is established (CONNECTION_OK). */
int mr_pq_connected(void *conn);
/* The last error on the connection (may hold several lines); never NULL. */
const char *mr_pq_error_message(void *conn);
/* The host, port, database and user libpq used (after defaults, PG* variables); never NULL. */
const char *mr_pq_host(void *conn);
const char *mr_pq_port(void *conn);
const char *mr_pq_db(void *conn);
const char *mr_pq_user(void *conn);
/* The server's version as MMmmmm, 0 when not connected. */
int mr_pq_server_version(void *conn);
/* 1 when the connection uses SSL/TLS. */
int mr_pq_ssl_in_use(void *conn);
void mr_pq_finish(void *conn);

/* What a result is. */
typedef enum {
    MR_PQ_COMMAND_OK = 0, /* a command without rows */
    MR_PQ_TUPLES_OK,      /* rows (possibly none) */
    MR_PQ_COPY_IN,        /* COPY FROM STDIN started: send data, then mr_pq_put_copy_end */
    MR_PQ_ERROR,          /* the server (or libpq) reported an error */
    MR_PQ_OTHER           /* anything else (COPY OUT, empty query, ...) */
} mr_pq_status;

/* PQexecParams in text format: `values[i]` NULL is SQL NULL; NUL-terminated values. Never NULL on return unless
   out of memory (then mr_pq_result_status says MR_PQ_ERROR). */
void *mr_pq_exec(void *conn, const char *sql, int nparams, const char *const *values);
mr_pq_status mr_pq_result_status(void *result);
/* The error message of a result ("" when none); the five-character SQLSTATE ("" when none). */
const char *mr_pq_result_error(void *result);
const char *mr_pq_result_sqlstate(void *result);
/* The primary message only, without DETAIL lines (which may repeat row values): "" when none. */
const char *mr_pq_result_primary(void *result);
/* The number of rows a command affected or COPY loaded, as text ("" when not applicable). */
const char *mr_pq_cmd_tuples(void *result);
int mr_pq_ntuples(void *result);
int mr_pq_nfields(void *result);
const char *mr_pq_fname(void *result, int column);
/* NULL for SQL NULL, else the text value. */
const char *mr_pq_value(void *result, int row, int column);
void mr_pq_clear(void *result);

/* COPY FROM STDIN: 1 sent (queued), -1 failed (see mr_pq_error_message). */
int mr_pq_put_copy_data(void *conn, const char *buffer, int length);
/* Ends the COPY; `error` non-NULL aborts it with that message. 1 sent, -1 failed. */
int mr_pq_put_copy_end(void *conn, const char *error);
/* The next result after a COPY (or NULL when there is none left). */
void *mr_pq_get_result(void *conn);

#ifdef __cplusplus
}
#endif
#endif
