// epoll for RoverLoad's worker loops: the kernel interface itself, so the load generator does
// not reach into SwiftNIO's internal CNIOLinux shim for it. Linux only, like RoverLoad.
#ifndef C_EPOLL_H
#define C_EPOLL_H

#include <sys/epoll.h>

#endif
