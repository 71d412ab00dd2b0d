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
  const ssize_t length = ::readlink("/proc/self/exe", self, sizeof self);
  std::string path;
  if (length > 0 && static_cast<size_t>(length) < sizeof self) {
    path.assign(self, static_cast<size_t>(length));
  } else if (std::strchr(argv[0], '/')) {
    // No /proc: the path this binary was started by, when it has a directory in it.
    path = argv[0];
  } else {
    std::fprintf(stderr, "veil: serve: cannot find the directory of this binary to run veil-serve from\n");
    return 1;
  }
  path.resize(path.rfind('/') + 1);
  path += "veil-serve";
  ::execv(path.c_str(), argv);
  const int error = errno;
  std::fprintf(stderr, "veil: serve runs %s, which could not be started: %s\n", path.c_str(), std::strerror(error));
  return error == ENOENT || error == EACCES ? 2 : 1;
}

}  // namespace veil::app
