// Runs a command in a process that may not map memory writable and then executable (Linux
// PR_SET_MDWE, what systemd's MemoryDenyWriteExecute= sets up): PCRE2's JIT fails there.
// Exits 77 (ctest: skipped) where the kernel has no PR_SET_MDWE (before Linux 6.3).
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#ifndef PR_SET_MDWE
#define PR_SET_MDWE 65
#define PR_MDWE_REFUSE_EXEC_GAIN 1
#endif

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: deny_exec_memory COMMAND [ARG...]\n");
    return 2;
  }
  if (prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0L, 0L, 0L) != 0) {
    std::fprintf(stderr, "deny_exec_memory: PR_SET_MDWE: %s\n", std::strerror(errno));
    return 77;
  }
  execv(argv[1], argv + 1);
  std::fprintf(stderr, "deny_exec_memory: %s: %s\n", argv[1], std::strerror(errno));
  return 127;
}
