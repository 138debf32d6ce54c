#include "mr_curl.h"
#include <curl/curl.h>

const char *mr_curl_version(void) {
    return curl_version_info(CURLVERSION_NOW)->version;
}
