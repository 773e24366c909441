#!/usr/bin/env bash
# Everything the project's own tests need on a fresh Debian machine (run as root): the Debian
# packages some servers build against, the browser the report tests use, the suite with every
# server it knows, and mod_wsgi in a venv of Debian's Python. README's test command runs this.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1

# --- Debian packages (servers that need system libraries, the browser for report tests) -------
# libev-dev: bjoern compiles against it. apache2, apache2-dev: Apache and apxs for mod_wsgi.
# chromium: the HTML report and matrix page are tested in it (tests/test_browser_report.py).
APT_PACKAGES=(libev-dev apache2 apache2-dev python3-dev python3-venv chromium)
if [ ${#APT_PACKAGES[@]} -gt 0 ]; then
    apt-get update -qq
    apt-get install -y -qq "${APT_PACKAGES[@]}" >/dev/null
fi

# --- Python packages: the suite, every server it knows (pyproject's "servers" extra), dev tools --
python3 -m pip install --quiet -e ".[servers,dev]"

# --- mod_wsgi: built against Debian's Python, in a venv www-data can read (servers/builtin.py) --
if [ ! -x /opt/conformance-mod-wsgi/bin/mod_wsgi-express ]; then
    /usr/bin/python3 -m venv /opt/conformance-mod-wsgi
    /opt/conformance-mod-wsgi/bin/pip install --quiet --no-cache-dir mod_wsgi
fi
