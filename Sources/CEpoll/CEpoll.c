// Nothing to compile: CEpoll is the header in include/ (SwiftPM wants one source file).
#include "CEpoll.h"
