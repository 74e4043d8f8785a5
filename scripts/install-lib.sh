# Functions for scripts/install.sh (sourced; tested by test/scripts/install.test.ts).

# Package groups to install: "what they are for|pkg pkg …", filled by want().
APT_GROUPS=()
want() {
  local purpose=$1
  shift
  APT_GROUPS+=("$purpose|$*")
}

# Runs apt-get with its arguments. Another apt or dpkg (unattended-upgrades, a second terminal)
# holds apt's locks: apt-get waits for the dpkg lock (DPkg::Lock::Timeout) but `update` fails at
# once on the lists lock, so retry on "Could not get lock" until SPCXR_APT_WAIT seconds, saying so once.
apt_run() {
  local deadline=$((SECONDS + ${SPCXR_APT_WAIT:-900})) said=0 err
  while true; do
    if err=$($APT_SUDO apt-get -o DPkg::Lock::Timeout=5 "$@" 2>&1 >/dev/null); then return 0; fi
    if grep -q 'Could not get lock' <<<"$err" && [ "$SECONDS" -lt "$deadline" ]; then
      if [ "$said" = 0 ]; then
        echo "install.sh: another apt or dpkg is running ($(grep -o 'held by process [0-9]* ([^)]*)' <<<"$err" | head -n 1 || true)); waiting for it to finish (up to ${SPCXR_APT_WAIT:-900} s)"
        said=1
      fi
      sleep 2
      continue
    fi
    echo "$err" >&2
    return 1
  done
}

# Installs the wanted groups, one line per group. SPCXR_APT_UPDATE=0 skips `apt-get update`.
apt_install_groups() {
  [ ${#APT_GROUPS[@]} -gt 0 ] || return 0
  APT_SUDO=""
  [ "$(id -u)" -eq 0 ] || APT_SUDO="sudo"
  local g pkgs=()
  for g in "${APT_GROUPS[@]}"; do
    echo "install.sh: Debian packages for ${g%%|*}: ${g#*|}"
    read -r -a more <<<"${g#*|}"
    pkgs+=("${more[@]}")
  done
  if [ "${SPCXR_APT_UPDATE:-1}" != 0 ]; then apt_run update -qq; fi
  DEBIAN_FRONTEND=noninteractive apt_run install -y -qq --no-install-recommends "${pkgs[@]}"
}

# Filters npm's stderr (on stdin): EBADENGINE warnings become one line that says what they mean.
explain_ebadengine() {
  local log
  log=$(cat)
  grep -v 'EBADENGINE' <<<"$log" >&2 || true
  local names
  names=$(grep -o "EBADENGINE *package: '[^']*'" <<<"$log" | sed "s/.*package: '\(.*\)'/\1/" | paste -sd, - | sed 's/,/, /g')
  if [ -n "$names" ]; then
    echo "install.sh: npm's EBADENGINE warnings ($names want a newer Node) are harmless: those tools come with electron-builder and run only when packaging installers (npm run dist), never in the app or its tests."
  fi
}
