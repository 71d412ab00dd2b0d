#include "app/signals.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <initializer_list>

namespace veil::app {
namespace {

int stop_pipe[2] = {-1, -1};
int reload_pipe[2] = {-1, -1};

void onStopSignal(int) {
  const char byte = 0;
  // Async-signal-safe; a full pipe already holds a pending stop.
  [[maybe_unused]] ssize_t ignored = ::write(stop_pipe[1], &byte, 1);
}

void onReloadSignal(int) {
  const char byte = 0;
  // As above: a full pipe already holds a pending reload.
  [[maybe_unused]] ssize_t ignored = ::write(reload_pipe[1], &byte, 1);
}

int installHandler(int (&pipe)[2], void (*handler)(int), std::initializer_list<int> signals) {
  if (pipe[0] >= 0) return pipe[0];
  if (::pipe2(pipe, O_CLOEXEC | O_NONBLOCK) != 0) return -1;
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  for (int signal : signals) ::sigaction(signal, &action, nullptr);
  return pipe[0];
}

}  // namespace

int installStopSignals() {
  const int fd = installHandler(stop_pipe, onStopSignal, {SIGTERM, SIGINT});
  if (fd >= 0) ::signal(SIGPIPE, SIG_IGN);
  return fd;
}

int installReloadSignal() { return installHandler(reload_pipe, onReloadSignal, {SIGHUP}); }

}  // namespace veil::app
