// The `mailroom` executable runs on jemalloc (Debian's libjemalloc2), linked in ahead of glibc so that its malloc
// and free are the process's. See HeapTrim.swift and the README's "Memory allocator" for why and what was measured.
#include "mr_alloc.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#ifdef __linux__

// jemalloc's public control interface (<jemalloc/jemalloc.h>, declared here so that only the library is needed).
int mallctl(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen);

// jemalloc's compiled-in options, read at its first allocation; MALLOC_CONF in the environment still overrides
// them (measured on 2026-12-08, 100k Maildir, docs/benchmark-history.md, nineteenth part of issue 17):
// - oversize_threshold 128 KiB: blocks of 128 KiB or more come from an arena of their own that gives freed pages
//   back at once (jemalloc's default threshold is 8 MiB), as glibc's fixed mmap threshold did before
//   (HeapTrim.configureAllocator): a stage's large buffers and outgrown tables do not stay resident under the next
//   stage's peak. With jemalloc's defaults a dry run peaked at 84.6 MiB against glibc's 76.4 (5 pairs). At 64 KiB
//   the load took 13.2 CPU s in one run, against 5.2-6.4 at 128 KiB.
// - narenas 2 (jemalloc's default is four per core): memory one thread frees serves only its arena's threads. With
//   both settings the dry run peaked at 74.7 MiB (5 pairs); one arena was no leaner (73.6 against 73.7 MiB with
//   the load, 3 runs each) and no faster.
const char *malloc_conf = "narenas:2,oversize_threshold:131072";

void mr_allocator_describe(char *out, size_t size) {
    const char *version = NULL;
    size_t len = sizeof(version);
    if (mallctl("version", &version, &len, NULL, 0) != 0 || version == NULL) {
        snprintf(out, size, "system malloc");
        return;
    }
    // jemalloc's malloc must be the one every library calls, not only present: the symbol the process resolves
    // `malloc` to is compared with jemalloc's own.
    void *lib = dlopen("libjemalloc.so.2", RTLD_NOW | RTLD_NOLOAD);
    void *own = lib ? dlsym(lib, "malloc") : NULL;
    void *global = dlsym(RTLD_DEFAULT, "malloc");
    if (lib) dlclose(lib);
    if (own == NULL || own != global) {
        snprintf(out, size, "jemalloc loaded, but malloc is another allocator's");
        return;
    }
    unsigned arenas = 0;
    size_t alen = sizeof(arenas);
    size_t oversize = 0;
    size_t olen = sizeof(oversize);
    if (mallctl("opt.narenas", &arenas, &alen, NULL, 0) != 0) arenas = 0;
    if (mallctl("opt.oversize_threshold", &oversize, &olen, NULL, 0) != 0) oversize = 0;
    // The version string is "5.3.0-0-g<commit>": the release is what a reader needs.
    char release[32];
    snprintf(release, sizeof(release), "%s", version);
    char *dash = strchr(release, '-');
    if (dash) *dash = '\0';
    snprintf(out, size, "jemalloc %s, narenas %u, oversize_threshold %zu KiB", release, arenas, oversize / 1024);
}

#else

void mr_allocator_describe(char *out, size_t size) {
    snprintf(out, size, "system malloc");
}

#endif
