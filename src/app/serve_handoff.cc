// `veil serve` from the line filter's binary: hands the command line over to veil-serve.
#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "app/serve.h"

namespace veil::app {

int handOffServe(char** argv) {
  // Next to this binary, not on PATH: a build tree, a package and `cmake --install` all keep the
  // two together, and PATH could name a veil-serve of another version.
  char self[PATH_MAX];
  const ssize_t length = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (length <= 0) {
    std::fprintf(stderr, "veil: serve: cannot find this binary's directory: %s\n", std::strerror(errno));
    return 1;
  }
  std::string path(self, static_cast<size_t>(length));
  path.resize(path.rfind('/') + 1);
  path += "veil-serve";
  ::execv(path.c_str(), argv);
  const int error = errno;
  std::fprintf(stderr, "veil: serve runs %s, which could not be started: %s\n", path.c_str(), std::strerror(error));
  return error == ENOENT || error == EACCES ? 2 : 1;
}

}  // namespace veil::app
