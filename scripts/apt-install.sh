#!/usr/bin/env bash
# Sourced by install-browser.sh and install-libreoffice.sh: installs a system
# package the tests need, on Debian or Ubuntu, with apt-get as root or
# through sudo.
#
#   apt_install <name> <package>...   tries each package in turn; returns 0
#                                     once one installs, 1 when none can be
#                                     (the reason is printed on stderr)
#   cannot_install <name> <advice>    prints why the tests that need <name>
#                                     will fail and what to do; exits 0 with
#                                     --if-possible (the test run goes on and
#                                     those tests fail with the same advice),
#                                     else 1

IF_POSSIBLE=0
for arg in "$@"; do
  [ "$arg" = "--if-possible" ] && IF_POSSIBLE=1
done

# The command prefix that runs apt-get as root, or nothing with a message.
apt_sudo() {
  if [ "$(id -u)" -eq 0 ]; then
    echo ""
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo "sudo -n"
  elif command -v sudo >/dev/null 2>&1 && [ -t 0 ]; then
    # A terminal: sudo may ask for the password.
    echo "sudo"
  else
    return 1
  fi
}

apt_install() {
  local name="$1"
  shift
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "$name: no apt-get (not Debian or Ubuntu)" >&2
    return 1
  fi
  local sudo
  if ! sudo="$(apt_sudo)"; then
    echo "$name: installing needs root, and sudo is missing or asks for a password without a terminal" >&2
    return 1
  fi
  echo "$name: installing with ${sudo:+$sudo }apt-get (${*})"
  export DEBIAN_FRONTEND=noninteractive
  if ! $sudo apt-get update -qq; then
    echo "$name: apt-get update failed (network or sources?)" >&2
    return 1
  fi
  local pkg
  for pkg in "$@"; do
    # Only a package this system's sources offer (Ubuntu has no `chromium` deb).
    if apt-cache show "$pkg" >/dev/null 2>&1 && $sudo apt-get install -y -qq --no-install-recommends "$pkg"; then
      return 0
    fi
  done
  echo "$name: apt-get could not install any of: $*" >&2
  return 1
}

cannot_install() {
  local name="$1" advice="$2"
  {
    echo "$name: NOT INSTALLED, and the tests that need it will fail. What to do: $advice"
    [ "$IF_POSSIBLE" -eq 1 ] && echo "$name: the other tests run."
  } >&2
  if [ "$IF_POSSIBLE" -eq 1 ]; then exit 0; else exit 1; fi
}
