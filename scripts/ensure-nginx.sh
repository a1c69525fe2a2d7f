#!/usr/bin/env bash
# The deployment test (tests/e2e/test_deploy_stack.py) runs Debian's nginx as the current user, with
# its own configuration in a temporary folder; it never uses the system's nginx service.
set -euo pipefail
if [ -x /usr/sbin/nginx ]; then
  echo "proxy: $(/usr/sbin/nginx -v 2>&1)"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "nginx is missing: run 'sudo apt-get install nginx' once" >&2
  exit 1
fi
echo "proxy: installing Debian's nginx"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
/usr/sbin/nginx -v
