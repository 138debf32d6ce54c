#include "mr_pq.h"
#include <postgresql/libpq-fe.h> /* Debian: /usr/include/postgresql */

int mr_pq_lib_version(void) { return PQlibVersion(); }

void *mr_pq_connect(const char *const *keywords, const char *const *values) {
    return PQconnectdbParams(keywords, values, 0);
}

int mr_pq_connected(void *conn) { return conn != NULL && PQstatus((PGconn *)conn) == CONNECTION_OK; }

static const char *or_empty(const char *s) { return s ? s : ""; }

const char *mr_pq_error_message(void *conn) { return conn ? or_empty(PQerrorMessage((PGconn *)conn)) : "out of memory"; }
const char *mr_pq_host(void *conn) { return conn ? or_empty(PQhost((PGconn *)conn)) : ""; }
const char *mr_pq_port(void *conn) { return conn ? or_empty(PQport((PGconn *)conn)) : ""; }
const char *mr_pq_db(void *conn) { return conn ? or_empty(PQdb((PGconn *)conn)) : ""; }
const char *mr_pq_user(void *conn) { return conn ? or_empty(PQuser((PGconn *)conn)) : ""; }
int mr_pq_server_version(void *conn) { return conn ? PQserverVersion((PGconn *)conn) : 0; }
int mr_pq_ssl_in_use(void *conn) { return conn ? PQsslInUse((PGconn *)conn) : 0; }
void mr_pq_finish(void *conn) { if (conn) PQfinish((PGconn *)conn); }

void *mr_pq_exec(void *conn, const char *sql, int nparams, const char *const *values) {
    /* Text format for every parameter and for the result; types are inferred by the server. */
    return PQexecParams((PGconn *)conn, sql, nparams, NULL, values, NULL, NULL, 0);
}

mr_pq_status mr_pq_result_status(void *result) {
    if (!result) return MR_PQ_ERROR;
    switch (PQresultStatus((PGresult *)result)) {
    case PGRES_COMMAND_OK: return MR_PQ_COMMAND_OK;
    case PGRES_TUPLES_OK: return MR_PQ_TUPLES_OK;
    case PGRES_COPY_IN: return MR_PQ_COPY_IN;
    case PGRES_BAD_RESPONSE:
    case PGRES_NONFATAL_ERROR:
    case PGRES_FATAL_ERROR: return MR_PQ_ERROR;
    default: return MR_PQ_OTHER;
    }
}

const char *mr_pq_result_error(void *result) {
    return result ? or_empty(PQresultErrorMessage((PGresult *)result)) : "out of memory";
}
const char *mr_pq_result_sqlstate(void *result) {
    return result ? or_empty(PQresultErrorField((PGresult *)result, PG_DIAG_SQLSTATE)) : "";
}
const char *mr_pq_result_primary(void *result) {
    return result ? or_empty(PQresultErrorField((PGresult *)result, PG_DIAG_MESSAGE_PRIMARY)) : "out of memory";
}
const char *mr_pq_cmd_tuples(void *result) { return result ? or_empty(PQcmdTuples((PGresult *)result)) : ""; }
int mr_pq_ntuples(void *result) { return result ? PQntuples((PGresult *)result) : 0; }
int mr_pq_nfields(void *result) { return result ? PQnfields((PGresult *)result) : 0; }
const char *mr_pq_fname(void *result, int column) { return or_empty(PQfname((PGresult *)result, column)); }
const char *mr_pq_value(void *result, int row, int column) {
    if (PQgetisnull((PGresult *)result, row, column)) return NULL;
    return PQgetvalue((PGresult *)result, row, column);
}
void mr_pq_clear(void *result) { if (result) PQclear((PGresult *)result); }

int mr_pq_put_copy_data(void *conn, const char *buffer, int length) {
    return PQputCopyData((PGconn *)conn, buffer, length);
}
int mr_pq_put_copy_end(void *conn, const char *error) { return PQputCopyEnd((PGconn *)conn, error); }
void *mr_pq_get_result(void *conn) { return PQgetResult((PGconn *)conn); }
