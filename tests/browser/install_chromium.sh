#!/bin/sh
# Installs Debian's Chromium for the browser tests (tests/browser/) when it is missing.
# Playwright drives /usr/bin/chromium; `playwright install` cannot download browsers offline.
# Without root (or without apt-get) it does nothing: the browser tests then skip with a
# visible reason, unless REQUIRE_BROWSER=1 (CI), where they fail.
set -eu
CHROMIUM=/usr/bin/chromium
[ -x "$CHROMIUM" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "tests/browser: $CHROMIUM is missing and cannot be installed here (needs root and apt-get);" \
       "the browser tests will be skipped" >&2
  exit 0
fi
echo "tests/browser: installing Debian's chromium (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1; then
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 || \
    echo "tests/browser: apt-get could not install chromium; the browser tests will be skipped" >&2
fi
exit 0
