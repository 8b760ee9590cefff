#!/usr/bin/env bash
# The test suite builds real wheels and sdists with Debian's Python tools, uses Debian's twine
# as the reference client, rsync for gitlab-ci-local and openssl for a test CA. Installs them when
# missing (as root, with apt-get); otherwise says how.
set -euo pipefail
have_tools() {
  command -v twine >/dev/null 2>&1 && command -v rsync >/dev/null 2>&1 &&
    command -v openssl >/dev/null 2>&1 &&
    /usr/bin/python3 -c "import build, flit_core, hatchling, setuptools, wheel" >/dev/null 2>&1
}
have_tools && exit 0
packages=(twine python3-build flit python3-hatchling python3-setuptools python3-wheel rsync openssl)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages for the tests: ${packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${packages[@]}" >/dev/null
  have_tools && exit 0
fi
echo "the tests need Debian's ${packages[*]}: run 'sudo apt-get install -y ${packages[*]}'" >&2
exit 1
