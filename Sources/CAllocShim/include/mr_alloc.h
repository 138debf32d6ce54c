#ifndef MR_ALLOC_H
#define MR_ALLOC_H

#include <stddef.h>

/// Writes the allocator this process runs on, as the allocator reports it (name, version, and the settings read
/// back from it), into `out` (NUL-terminated, truncated to `size`). Returns 1 when it is jemalloc, 0 otherwise.
int mr_allocator_describe(char *out, size_t size);

#endif
