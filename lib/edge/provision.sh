#!/usr/bin/env bash
# Provisions an IoT Edge VM: Microsoft package repository, moby-engine, aziot-edge on one version
# line, the device identity, auditd forwarding to syslog and, when chosen, the Defender for IoT
# micro agent. lib/cloudinit.ts delivers this file and its settings through cloud-init, which runs
# it once; it is safe to run again by hand (sudo iotedge-provision) after fixing what the status
# file reports. Secrets never pass through this script: cloud-init writes them to their files.
set -euo pipefail

# The IOTEDGE_PROVISION_* overrides exist so tests can run this script against stubbed commands.
SETTINGS_FILE="${IOTEDGE_PROVISION_SETTINGS:-/etc/iotedge-provisioning.conf}"
STATUS_FILE="${IOTEDGE_PROVISION_STATUS:-/var/lib/iotedge-provisioning/status}"
LOG_FILE="${IOTEDGE_PROVISION_LOG:-/var/log/iotedge-provisioning.log}"
OS_RELEASE_FILE="${IOTEDGE_PROVISION_OS_RELEASE:-/etc/os-release}"
RETRY_ATTEMPTS="${IOTEDGE_PROVISION_RETRY_ATTEMPTS:-5}"
RETRY_PAUSE_SECONDS="${IOTEDGE_PROVISION_RETRY_PAUSE:-20}"

MICRO_AGENT_PACKAGE=defender-iot-micro-agent-edge
MICRO_AGENT_SERVICE=defender-iot-micro-agent.service

STEPS=(microsoft_repo apt_update moby_engine aziot_edge iotedge_config auditd micro_agent)
# Only these may fail without failing the whole run: the micro agent package is not confirmed to
# exist for Ubuntu 22.04/24.04, and IoT Edge must come up without it.
OPTIONAL_STEPS=(micro_agent)

export DEBIAN_FRONTEND=noninteractive

declare -A STATE=()
declare -A DETAIL=()

UBUNTU_VERSION=""
IOTEDGE_VERSION=""
AUTH_MODE=""
SECURITY_AGENT=""
CONFIG_TOML=""
IDENTITY_CERT_FILE=""
IDENTITY_KEY_FILE=""
AUDISP_SYSLOG_CONF=""
AUDIT_SYSLOG_FACILITY=""
STEP_NOTE_FILE=""

log() {
  local line
  line="$(date -u +%Y-%m-%dT%H:%M:%SZ) iotedge-provision: $*"
  printf '%s\n' "$line" >>"$LOG_FILE"
  # fd 3 is the caller's stdout (cloud-init-output.log), kept free of step output that could echo
  # configuration back.
  printf '%s\n' "$line" >&3
}

# Records a one-line explanation for the status file; the last note of a step wins.
note() {
  printf '%s' "$*" >"$STEP_NOTE_FILE"
}

# retry CMD...: runs CMD up to RETRY_ATTEMPTS times, pausing between attempts, because apt and the
# package CDN fail transiently on a freshly booted VM (dpkg lock held, mirror sync, DNS not ready).
retry() {
  local attempt=1
  until "$@"; do
    if ((attempt >= RETRY_ATTEMPTS)); then
      log "gave up after ${attempt} attempts: $*"
      return 1
    fi
    log "attempt ${attempt}/${RETRY_ATTEMPTS} failed, retrying in ${RETRY_PAUSE_SECONDS}s: $*"
    sleep "$RETRY_PAUSE_SECONDS"
    attempt=$((attempt + 1))
  done
}

apt_get() {
  retry apt-get -y -q \
    -o DPkg::Lock::Timeout=300 \
    -o Dpkg::Options::=--force-confdef \
    -o Dpkg::Options::=--force-confold \
    "$@"
}

write_status() {
  local step tmp
  mkdir -p "$(dirname "$STATUS_FILE")"
  tmp="$(mktemp "${STATUS_FILE}.XXXXXX")"
  {
    printf '# IoT Edge provisioning status, updated %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    printf '# settings: ubuntu=%s iotedge=%s auth=%s security_agent=%s\n' \
      "${UBUNTU_VERSION:-?}" "${IOTEDGE_VERSION:-?}" "${AUTH_MODE:-?}" "${SECURITY_AGENT:-?}"
    printf '# details: sudo less %s\n' "$LOG_FILE"
    for step in "${STEPS[@]}" overall; do
      if [[ -n "${DETAIL[$step]:-}" ]]; then
        printf '%-15s %-8s %s\n' "$step" "${STATE[$step]:-pending}" "${DETAIL[$step]}"
      else
        printf '%-15s %s\n' "$step" "${STATE[$step]:-pending}"
      fi
    done
  } >"$tmp"
  chmod 0644 "$tmp"
  mv -f "$tmp" "$STATUS_FILE"
}

set_state() {
  STATE[$1]="$2"
  DETAIL[$1]="$3"
  write_status
}

# load_settings: reads KEY=value lines without executing them, so a damaged settings file cannot
# run code as root.
load_settings() {
  local key value
  if [[ ! -r "$SETTINGS_FILE" ]]; then
    DETAIL[overall]="settings file ${SETTINGS_FILE} is missing"
    return 1
  fi
  while IFS='=' read -r key value; do
    case "$key" in
      '' | '#'*) ;;
      UBUNTU_VERSION) UBUNTU_VERSION="$value" ;;
      IOTEDGE_VERSION) IOTEDGE_VERSION="$value" ;;
      AUTH_MODE) AUTH_MODE="$value" ;;
      SECURITY_AGENT) SECURITY_AGENT="$value" ;;
      CONFIG_TOML) CONFIG_TOML="$value" ;;
      IDENTITY_CERT_FILE) IDENTITY_CERT_FILE="$value" ;;
      IDENTITY_KEY_FILE) IDENTITY_KEY_FILE="$value" ;;
      AUDISP_SYSLOG_CONF) AUDISP_SYSLOG_CONF="$value" ;;
      AUDIT_SYSLOG_FACILITY) AUDIT_SYSLOG_FACILITY="$value" ;;
      *)
        DETAIL[overall]="unknown setting ${key} in ${SETTINGS_FILE}"
        return 1
        ;;
    esac
  done <"$SETTINGS_FILE"
  case "$UBUNTU_VERSION" in 22.04 | 24.04) ;; *) DETAIL[overall]="UBUNTU_VERSION must be 22.04 or 24.04" && return 1 ;; esac
  case "$IOTEDGE_VERSION" in 1.5 | 1.6) ;; *) DETAIL[overall]="IOTEDGE_VERSION must be 1.5 or 1.6" && return 1 ;; esac
  case "$SECURITY_AGENT" in micro-agent | classic-module | none) ;; *) DETAIL[overall]="SECURITY_AGENT must be micro-agent, classic-module or none" && return 1 ;; esac
  case "$AUTH_MODE" in
    connectionString) ;;
    x509)
      if [[ -z "$IDENTITY_CERT_FILE" || -z "$IDENTITY_KEY_FILE" ]]; then
        DETAIL[overall]="AUTH_MODE=x509 needs IDENTITY_CERT_FILE and IDENTITY_KEY_FILE"
        return 1
      fi
      ;;
    *) DETAIL[overall]="AUTH_MODE must be x509 or connectionString" && return 1 ;;
  esac
  if [[ -z "$CONFIG_TOML" || -z "$AUDISP_SYSLOG_CONF" ]]; then
    DETAIL[overall]="CONFIG_TOML and AUDISP_SYSLOG_CONF must be set"
    return 1
  fi
  case "$AUDIT_SYSLOG_FACILITY" in LOG_USER | LOG_LOCAL[0-7]) ;; *) DETAIL[overall]="AUDIT_SYSLOG_FACILITY must be LOG_USER or LOG_LOCAL0-7" && return 1 ;; esac
}

# run_step NAME FUNCTION [PREREQUISITE...]: runs FUNCTION with errexit in force, its output going to
# the log only, and records ok/failed; a step whose prerequisite is not ok is recorded as skipped.
run_step() {
  local step="$1" fn="$2" dep rc
  shift 2
  for dep in "$@"; do
    if [[ "${STATE[$dep]:-pending}" != ok ]]; then
      log "step ${step}: skipped, ${dep} is ${STATE[$dep]:-pending}"
      set_state "$step" skipped "needs ${dep} (${STATE[$dep]:-pending})"
      return 0
    fi
  done
  set_state "$step" running ""
  log "step ${step}: started"
  STEP_NOTE_FILE="$(mktemp)"
  # errexit is ignored inside functions called from a condition (if, ||), so the step runs as a
  # plain command in a subshell and its status is read afterwards.
  set +e
  (
    set -e
    "$fn"
  ) >>"$LOG_FILE" 2>&1
  rc=$?
  set -e
  local detail
  detail="$(cat "$STEP_NOTE_FILE")"
  rm -f "$STEP_NOTE_FILE"
  if ((rc == 0)); then
    log "step ${step}: ok${detail:+ (${detail})}"
    set_state "$step" ok "$detail"
  else
    log "step ${step}: failed with exit code ${rc}${detail:+ (${detail})}"
    set_state "$step" failed "${detail:-exit code ${rc}}; see ${LOG_FILE}"
  fi
}

is_optional() {
  local candidate
  for candidate in "${OPTIONAL_STEPS[@]}"; do
    [[ "$candidate" == "$1" ]] && return 0
  done
  return 1
}

step_microsoft_repo() {
  local version_id deb
  # shellcheck source=/dev/null
  version_id="$(. "$OS_RELEASE_FILE" && printf '%s' "${VERSION_ID:-}")"
  if [[ "$version_id" != "$UBUNTU_VERSION" ]]; then
    note "this image is Ubuntu ${version_id:-unknown}, but the settings say ${UBUNTU_VERSION}"
    return 1
  fi
  deb="$(mktemp --suffix=.deb)"
  if ! retry curl -fsSL -o "$deb" "https://packages.microsoft.com/config/ubuntu/${UBUNTU_VERSION}/packages-microsoft-prod.deb"; then
    note "could not download packages-microsoft-prod.deb for Ubuntu ${UBUNTU_VERSION}"
    return 1
  fi
  dpkg -i "$deb"
  rm -f "$deb"
}

step_apt_update() {
  if ! apt_get update; then
    note "apt-get update failed ${RETRY_ATTEMPTS} times"
    return 1
  fi
}

step_moby_engine() {
  if ! apt_get install moby-engine; then
    note "apt-get install moby-engine failed ${RETRY_ATTEMPTS} times"
    return 1
  fi
}

step_aziot_edge() {
  local installed
  # /etc/apt/preferences.d/aziot-edge (written by cloud-init) allows only this version line, so a
  # plain install cannot drift to a newer line.
  if ! apt_get install aziot-edge; then
    note "apt-get install aziot-edge (${IOTEDGE_VERSION}.* only) failed ${RETRY_ATTEMPTS} times"
    return 1
  fi
  # shellcheck disable=SC2016 # ${Version} is a dpkg-query field name, not a shell expansion
  installed="$(dpkg-query -W -f='${Version}' aziot-edge)"
  if [[ "$installed" != "${IOTEDGE_VERSION}."* ]]; then
    note "aziot-edge ${installed} is not on the ${IOTEDGE_VERSION} line"
    return 1
  fi
  note "aziot-edge ${installed}"
}

step_iotedge_config() {
  if [[ ! -s "$CONFIG_TOML" ]]; then
    note "${CONFIG_TOML} is missing or empty"
    return 1
  fi
  chown root:root "$CONFIG_TOML"
  chmod 0600 "$CONFIG_TOML"
  if [[ "$AUTH_MODE" == x509 ]]; then
    # The aziotcs and aziotks users exist only once aziot-identity-service is installed, so
    # cloud-init writes these files as root and ownership moves to the services here. Microsoft's
    # certificate guide uses /var/aziot/certs (aziotcs) and /var/aziot/secrets (aziotks, 0700).
    mkdir -p "$(dirname "$IDENTITY_CERT_FILE")" "$(dirname "$IDENTITY_KEY_FILE")"
    chown aziotcs:aziotcs "$(dirname "$IDENTITY_CERT_FILE")" "$IDENTITY_CERT_FILE"
    chmod 0755 "$(dirname "$IDENTITY_CERT_FILE")"
    chmod 0600 "$IDENTITY_CERT_FILE"
    chown aziotks:aziotks "$(dirname "$IDENTITY_KEY_FILE")" "$IDENTITY_KEY_FILE"
    chmod 0700 "$(dirname "$IDENTITY_KEY_FILE")"
    chmod 0600 "$IDENTITY_KEY_FILE"
  fi
  if ! iotedge config apply; then
    note "iotedge config apply failed; check ${CONFIG_TOML}, then run: sudo iotedge check"
    return 1
  fi
  note "applied ${AUTH_MODE} manual provisioning"
}

step_auditd() {
  local rules
  if ! apt_get install auditd audispd-plugins; then
    note "apt-get install auditd audispd-plugins failed ${RETRY_ATTEMPTS} times"
    return 1
  fi
  if [[ ! -f "$AUDISP_SYSLOG_CONF" ]]; then
    note "${AUDISP_SYSLOG_CONF} not found after installing audispd-plugins"
    return 1
  fi
  # Audit records go to syslog on their own facility, which the data collection rule collects;
  # a facility of their own keeps other programs' messages out of the workspace (and its cap).
  sed -i \
    -e 's/^[[:space:]]*active[[:space:]]*=.*/active = yes/' \
    -e "s/^[[:space:]]*args[[:space:]]*=.*/args = LOG_INFO ${AUDIT_SYSLOG_FACILITY}/" \
    "$AUDISP_SYSLOG_CONF"
  if ! grep -q '^active = yes$' "$AUDISP_SYSLOG_CONF"; then
    note "could not turn on the syslog plugin in ${AUDISP_SYSLOG_CONF}"
    return 1
  fi
  systemctl enable auditd
  systemctl restart auditd
  if ! systemctl is-active --quiet auditd; then
    note "auditd is not running"
    return 1
  fi
  rules="$(auditctl -l)"
  if ! grep -q -- '-k iotedge-' <<<"$rules"; then
    note "the iotedge audit rules are not loaded (auditctl -l)"
    return 1
  fi
  note "auditd running, syslog plugin on"
}

step_micro_agent() {
  local installed
  if ! apt-cache show "$MICRO_AGENT_PACKAGE" >/dev/null 2>&1; then
    note "${MICRO_AGENT_PACKAGE} is not published for Ubuntu ${UBUNTU_VERSION}; IoT Edge runs without it"
    return 1
  fi
  if ! apt_get install "$MICRO_AGENT_PACKAGE"; then
    note "apt-get install ${MICRO_AGENT_PACKAGE} failed ${RETRY_ATTEMPTS} times; IoT Edge runs without it"
    return 1
  fi
  if ! retry systemctl is-active --quiet "$MICRO_AGENT_SERVICE"; then
    note "${MICRO_AGENT_SERVICE} is not active; see: sudo journalctl -u ${MICRO_AGENT_SERVICE}"
    return 1
  fi
  # shellcheck disable=SC2016 # ${Version} is a dpkg-query field name, not a shell expansion
  installed="$(dpkg-query -W -f='${Version}' "$MICRO_AGENT_PACKAGE")"
  note "${MICRO_AGENT_PACKAGE} ${installed}"
}

# Sets the overall line and the exit status: failed required steps fail the run (cloud-init then
# reports an error); a failed optional step only degrades it.
finish() {
  local step failed_required=() failed_optional=()
  for step in "${STEPS[@]}"; do
    if [[ "${STATE[$step]}" == failed ]]; then
      if is_optional "$step"; then
        failed_optional+=("$step")
      else
        failed_required+=("$step")
      fi
    fi
  done
  if ((${#failed_required[@]} > 0)); then
    set_state overall failed "required step(s) failed: ${failed_required[*]}"
    log "finished: failed (${failed_required[*]})"
    return 1
  fi
  if ((${#failed_optional[@]} > 0)); then
    set_state overall degraded "optional step(s) failed: ${failed_optional[*]}"
    log "finished: degraded (${failed_optional[*]})"
    return 0
  fi
  set_state overall ok ""
  log "finished: ok"
}

main() {
  local step
  exec 3>&1
  mkdir -p "$(dirname "$LOG_FILE")"
  touch "$LOG_FILE"
  # The log may quote configuration lines (a TOML error shows the offending line), so root only.
  chmod 0600 "$LOG_FILE"
  for step in "${STEPS[@]}"; do
    STATE[$step]=pending
  done
  if ! load_settings; then
    set_state overall failed "${DETAIL[overall]}"
    log "finished: failed (${DETAIL[overall]})"
    return 1
  fi
  set_state overall running ""
  log "started: ubuntu=${UBUNTU_VERSION} iotedge=${IOTEDGE_VERSION} auth=${AUTH_MODE} security_agent=${SECURITY_AGENT}"

  run_step microsoft_repo step_microsoft_repo
  run_step apt_update step_apt_update
  run_step moby_engine step_moby_engine microsoft_repo apt_update
  run_step aziot_edge step_aziot_edge moby_engine
  run_step iotedge_config step_iotedge_config aziot_edge
  run_step auditd step_auditd apt_update
  if [[ "$SECURITY_AGENT" == micro-agent ]]; then
    run_step micro_agent step_micro_agent iotedge_config
  else
    set_state micro_agent skipped "security_agent=${SECURITY_AGENT}"
  fi
  finish
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
