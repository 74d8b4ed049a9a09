// floor-client: the least work a closed-loop HTTP/1.1 load generator can do per request, to
// measure the floor under any generator's CPU per request on this machine (Scripts/generator-floor.sh).
//
// Not part of rover-bench: a measuring stick. Each of N keep-alive connections sends one fixed
// GET, waits for the whole answer, sends the next. Answers must all be the same length (learned
// from the first, via Content-Length; a server whose answers vary is refused) and each must start
// with "HTTP/1.1 200"; anything else is an error and the run fails. No latency is recorded, no
// parsing beyond that: whatever a real generator does on top is above this floor.
//
//   floor-client epoll|uring HOST PORT PATH CONNECTIONS SECONDS WARMUP_SECONDS
//
// epoll: non-blocking sockets, level-triggered epoll, one send and one read per request (the
//        fewest system calls a readiness-based design makes).
// uring: io_uring (liburing), every send and receive queued as a request and submitted in one
//        io_uring_enter per loop turn: no per-request system call at all.
// Prints one line: mode connections requests seconds req_per_s user_us_per_req sys_us_per_req
// (CPU from getrusage over the measured seconds only).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#ifdef WITH_URING
#include <liburing.h>
#endif

#define BUF 16384

typedef struct {
    int fd;
    size_t got;       // bytes of the current answer received
    char buf[BUF];
} conn_t;

static char request[512];
static size_t request_len;
static size_t answer_len;  // fixed answer length, learned from the first answer
static long long answers;  // answers counted while measuring
static int measuring;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void die(const char *what) {
    fprintf(stderr, "floor-client: %s: %s\n", what, strerror(errno));
    exit(1);
}

static int dial(const char *host, int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1) { fprintf(stderr, "floor-client: bad host %s\n", host); exit(64); }
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) die("connect");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

// Learns the answer length from one blocking exchange on a fresh connection.
static void learn(const char *host, int port) {
    int fd = dial(host, port);
    if (write(fd, request, request_len) != (ssize_t)request_len) die("write");
    char b[BUF + 1];
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fd, b + n, BUF - n);
        if (r <= 0) die("read (first answer)");
        n += r;
        b[n] = 0;
        char *end = strstr(b, "\r\n\r\n");
        if (!end) continue;
        char *cl = strcasestr(b, "\r\ncontent-length:");
        if (!cl || cl > end) { fprintf(stderr, "floor-client: the first answer has no Content-Length\n"); exit(1); }
        size_t len = (size_t)(end + 4 - b) + strtoul(cl + 17, NULL, 10);
        if (len > BUF) { fprintf(stderr, "floor-client: answers over %d bytes are not supported\n", BUF); exit(1); }
        if (n >= len) { answer_len = len; break; }
    }
    if (strncmp(b, "HTTP/1.1 200", 12) != 0) { fprintf(stderr, "floor-client: the first answer is not 200\n"); exit(1); }
    close(fd);
}

// Accounts `n` received bytes on `c`; returns 1 when the answer is whole (the next may be sent).
static int received(conn_t *c, size_t n) {
    c->got += n;  // the answer sits whole at the start of c->buf: each read lands at buf + got
    if (c->got < answer_len) return 0;
    if (c->got > answer_len) { fprintf(stderr, "floor-client: an answer under load was longer than the first\n"); exit(1); }
    if (memcmp(c->buf, "HTTP/1.1 200", 12) != 0) {
        fprintf(stderr, "floor-client: an answer under load did not start with HTTP/1.1 200\n");
        exit(1);
    }
    c->got = 0;
    if (measuring) answers++;
    return 1;
}

static double cpu_us(struct rusage *u, int sys) {
    struct timeval t = sys ? u->ru_stime : u->ru_utime;
    return t.tv_sec * 1e6 + t.tv_usec;
}

static void report(const char *mode, int n, double secs, struct rusage *a, struct rusage *b) {
    printf("%s %d %lld %.3f %.0f %.3f %.3f\n", mode, n, answers, secs, answers / secs,
           (cpu_us(b, 0) - cpu_us(a, 0)) / answers, (cpu_us(b, 1) - cpu_us(a, 1)) / answers);
}

static void run_epoll(conn_t *cs, int n, double warm, double secs) {
    int ep = epoll_create1(0);
    for (int i = 0; i < n; i++) {
        fcntl(cs[i].fd, F_SETFL, O_NONBLOCK);
        struct epoll_event e = {.events = EPOLLIN, .data.ptr = &cs[i]};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &e) < 0) die("epoll_ctl");
        if (send(cs[i].fd, request, request_len, MSG_NOSIGNAL) != (ssize_t)request_len) die("send");
    }
    struct epoll_event ev[256];
    double start = now(), stop = start + warm + secs, t0 = 0;
    struct rusage a, b;
    for (;;) {
        double t = now();
        if (!measuring && t >= start + warm) { measuring = 1; t0 = t; getrusage(RUSAGE_SELF, &a); }
        if (t >= stop) break;
        int k = epoll_wait(ep, ev, 256, 100);
        for (int j = 0; j < k; j++) {
            conn_t *c = ev[j].data.ptr;
            ssize_t r = read(c->fd, c->buf + c->got, BUF - c->got);
            if (r <= 0) { if (r < 0 && errno == EAGAIN) continue; die("read"); }
            if (received(c, (size_t)r) && send(c->fd, request, request_len, MSG_NOSIGNAL) != (ssize_t)request_len)
                die("send");
        }
    }
    getrusage(RUSAGE_SELF, &b);
    report("epoll", n, now() - t0, &a, &b);
}

#ifdef WITH_URING
static void run_uring(conn_t *cs, int n, double warm, double secs) {
    struct io_uring ring;
    // Task work runs only when this thread waits for completions: no interrupting it per completion.
    if (io_uring_queue_init(4096, &ring, IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN) < 0 &&
        io_uring_queue_init(4096, &ring, 0) < 0)
        die("io_uring_queue_init");
    // user_data: index * 2 + (0 send, 1 receive)
    for (int i = 0; i < n; i++) {
        struct io_uring_sqe *s = io_uring_get_sqe(&ring);
        io_uring_prep_send(s, cs[i].fd, request, request_len, MSG_NOSIGNAL);
        io_uring_sqe_set_data64(s, (unsigned long long)i * 2);
        s = io_uring_get_sqe(&ring);
        io_uring_prep_recv(s, cs[i].fd, cs[i].buf, BUF, 0);
        io_uring_sqe_set_data64(s, (unsigned long long)i * 2 + 1);
        if (io_uring_sq_space_left(&ring) < 2) io_uring_submit(&ring);
    }
    double start = now(), stop = start + warm + secs, t0 = 0;
    struct rusage a, b;
    for (;;) {
        double t = now();
        if (!measuring && t >= start + warm) { measuring = 1; t0 = t; getrusage(RUSAGE_SELF, &a); }
        if (t >= stop) break;
        struct __kernel_timespec to = {.tv_sec = 0, .tv_nsec = 100000000};
        struct io_uring_cqe *cqe;
        int rc = io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &to, NULL);
        if (rc < 0 && rc != -ETIME && rc != -EINTR) { errno = -rc; die("io_uring_submit_and_wait_timeout"); }
        unsigned head, seen = 0;
        io_uring_for_each_cqe(&ring, head, cqe) {
            seen++;
            unsigned long long d = io_uring_cqe_get_data64(cqe);
            conn_t *c = &cs[d / 2];
            if (cqe->res < 0) { errno = -cqe->res; die(d % 2 ? "recv" : "send"); }
            if (d % 2 == 0) {
                if ((size_t)cqe->res != request_len) { fprintf(stderr, "floor-client: short send\n"); exit(1); }
                continue;
            }
            if (cqe->res == 0) { fprintf(stderr, "floor-client: the server closed a connection\n"); exit(1); }
            int whole = received(c, (size_t)cqe->res);
            struct io_uring_sqe *s;
            if (whole) {
                s = io_uring_get_sqe(&ring);
                if (!s) { io_uring_submit(&ring); s = io_uring_get_sqe(&ring); }
                io_uring_prep_send(s, c->fd, request, request_len, MSG_NOSIGNAL);
                io_uring_sqe_set_data64(s, d - 1);
            }
            s = io_uring_get_sqe(&ring);
            if (!s) { io_uring_submit(&ring); s = io_uring_get_sqe(&ring); }
            io_uring_prep_recv(s, c->fd, c->buf + c->got, BUF - c->got, 0);
            io_uring_sqe_set_data64(s, d);
        }
        io_uring_cq_advance(&ring, seen);
    }
    getrusage(RUSAGE_SELF, &b);
    report("uring", n, now() - t0, &a, &b);
}
#endif

int main(int argc, char **argv) {
    if (argc != 8) {
        fprintf(stderr, "usage: floor-client epoll|uring HOST PORT PATH CONNECTIONS SECONDS WARMUP_SECONDS\n");
        return 64;
    }
    const char *mode = argv[1], *host = argv[2], *path = argv[4];
    int port = atoi(argv[3]), n = atoi(argv[5]);
    double secs = atof(argv[6]), warm = atof(argv[7]);
    if (n < 1 || secs <= 0 || warm < 0 || port < 1) { fprintf(stderr, "floor-client: bad arguments\n"); return 64; }
    request_len = (size_t)snprintf(request, sizeof request, "GET %s HTTP/1.1\r\nHost: %s:%d\r\n\r\n", path, host, port);
    struct rlimit rl = {n + 64, n + 64};
    setrlimit(RLIMIT_NOFILE, &rl);
    learn(host, port);
    conn_t *cs = calloc((size_t)n, sizeof *cs);
    for (int i = 0; i < n; i++) cs[i].fd = dial(host, port);
    if (strcmp(mode, "epoll") == 0) run_epoll(cs, n, warm, secs);
#ifdef WITH_URING
    else if (strcmp(mode, "uring") == 0) run_uring(cs, n, warm, secs);
#endif
    else { fprintf(stderr, "floor-client: unknown mode %s\n", mode); return 64; }
    return 0;
}
