#pragma once

namespace veil::app {

// SIGTERM and SIGINT become a byte on a pipe that a poll loop can watch; SIGPIPE is ignored so
// that a closed stdout shows up as EPIPE. Returns the pipe's read end, or -1 (errno set).
int installStopSignals();

// SIGHUP becomes a byte on its own pipe (`veil serve` reloads its policy). Returns the read end,
// or -1 (errno set).
int installReloadSignal();

}  // namespace veil::app
