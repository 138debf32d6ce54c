#ifndef MR_ALLOC_H
#define MR_ALLOC_H

#include <stddef.h>

/// Writes the allocator this process runs on, as the allocator reports it (name, version, and the settings read
/// back from it), into `out` (NUL-terminated, truncated to `size`).
void mr_allocator_describe(char *out, size_t size);

#endif
