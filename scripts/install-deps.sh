#!/usr/bin/env bash
# Installs the Debian 12 packages veil needs to build and test, only those missing.
set -euo pipefail
packages=(
  build-essential cmake pkg-config ccache
  libhyperscan-dev libre2-dev libpcre2-dev libsimdjson-dev libyaml-cpp-dev libcli11-dev libssl-dev
  libprotobuf-dev protobuf-compiler libgrpc++-dev protobuf-compiler-grpc
  libspdlog-dev libgtest-dev libgmock-dev libbenchmark-dev
  python3
  # e2e.rsyslog runs its own rsyslogd on a scratch config. Where systemd runs, installing the
  # package also starts the system's rsyslog service (Debian's logger before 12).
  rsyslog
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# Node.js and npm for the e2e.otlp_node test (the OpenTelemetry SDK for Node.js as a client).
# Checked by command, not package: a node from elsewhere (nvm, NodeSource, a CI image) will do.
command -v node > /dev/null || missing+=(nodejs)
command -v npm > /dev/null || missing+=(npm)
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi
echo "veil: installing Debian packages: ${missing[*]}" >&2
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
