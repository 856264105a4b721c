#!/usr/bin/env bash
# Install the system packages the tests need when missing: a Chinese font and Chromium.
# Installs with apt-get when we are root (or have passwordless sudo); otherwise names the package.
set -euo pipefail

missing=()
fc-list :lang=zh 2>/dev/null | grep -qi . || dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || missing+=(fonts-wqy-microhei)
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo="sudo"
else
  echo "civic tests need these system packages: ${missing[*]}" >&2
  echo "install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "civic tests need: ${missing[*]} (a Chinese font and Chromium); install them with your package manager" >&2
  exit 1
fi
echo "installing system packages: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
