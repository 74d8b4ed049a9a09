// Counting malloc interposer for Scripts/hotpath.sh (LD_PRELOAD). Built by that script with
// `cc -O2 -shared -fPIC`; never linked into rover-bench.
//
// Counts every heap allocation of the process, all threads (relaxed atomics): malloc, calloc,
// realloc to a non-zero size (a grow or shrink is an allocation in the sense of swift-nio's
// allocation tests; realloc(p, 0) is a free), posix_memalign, aligned_alloc, memalign, valloc,
// pvalloc. Each forwards to glibc's own allocator (__libc_*), so free() needs no wrapper.
//
// Marks: on SIGUSR2 the handler appends the running total as one decimal line to the file named
// by $ROVER_ALLOC_OUT (open/write/close only: async-signal-safe). Per request is then the
// difference between two marks divided by the requests answered between them.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void *__libc_valloc(size_t);
extern void *__libc_pvalloc(size_t);

static _Atomic unsigned long long allocations;
static char out_path[4096];

static inline void counted(void) { atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed); }

void *malloc(size_t n) { counted(); return __libc_malloc(n); }
void *calloc(size_t n, size_t size) { counted(); return __libc_calloc(n, size); }
void *realloc(void *p, size_t n) {
    if (n != 0 || p == NULL) counted();
    return __libc_realloc(p, n);
}
void *memalign(size_t alignment, size_t n) { counted(); return __libc_memalign(alignment, n); }
void *aligned_alloc(size_t alignment, size_t n) { counted(); return __libc_memalign(alignment, n); }
void *valloc(size_t n) { counted(); return __libc_valloc(n); }
void *pvalloc(size_t n) { counted(); return __libc_pvalloc(n); }
int posix_memalign(void **out, size_t alignment, size_t n) {
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return EINVAL;
    counted();
    void *p = __libc_memalign(alignment, n);
    if (p == NULL && n != 0) return ENOMEM;
    *out = p;
    return 0;
}

/// For a process that wants to read the count itself: dlsym(RTLD_DEFAULT, "rover_alloc_count").
unsigned long long rover_alloc_count(void) { return atomic_load_explicit(&allocations, memory_order_relaxed); }

static void mark(int sig) {
    (void)sig;
    int saved = errno;
    unsigned long long n = atomic_load_explicit(&allocations, memory_order_relaxed);
    char buf[32];
    int i = sizeof buf;
    buf[--i] = '\n';
    do { buf[--i] = (char)('0' + n % 10); n /= 10; } while (n > 0);
    int fd = open(out_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) {
        (void)!write(fd, buf + i, sizeof buf - i);
        close(fd);
    }
    errno = saved;
}

__attribute__((constructor)) static void install(void) {
    const char *path = getenv("ROVER_ALLOC_OUT");
    if (path == NULL || strlen(path) >= sizeof out_path) return;
    strcpy(out_path, path);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = mark;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR2, &sa, NULL);
}
