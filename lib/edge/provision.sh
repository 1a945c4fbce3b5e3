#!/usr/bin/env bash
# Provisions an IoT Edge VM: Microsoft package repository, moby-engine, aziot-edge on one version
# line, the device identity, auditd forwarding to syslog and, when chosen, the Defender for IoT
# micro agent. It is the VM's managed Run Command (lib/edge/hostProvisioning.ts renders its
# inputs): Azure runs it as root with the settings as EDGE_* environment variables and the secrets
# (config.toml, the identity certificate and key, base64) as protected ones, and runs it again
# whenever they change. It writes them to root-only files, never echoes them, and copies itself to
# /usr/local/sbin/iotedge-provision so it can be run again by hand (sudo iotedge-provision) with
# the files of the last run after fixing what the status file reports.
set -euo pipefail

# The IOTEDGE_PROVISION_* overrides exist so tests can run this script against stubbed commands;
# ROOT prefixes every file the script writes, TIME_SCALE multiplies every pause.
ROOT="${IOTEDGE_PROVISION_ROOT:-}"
SETTINGS_FILE="${IOTEDGE_PROVISION_SETTINGS:-/etc/iotedge-provisioning.conf}"
STATUS_FILE="${IOTEDGE_PROVISION_STATUS:-/var/lib/iotedge-provisioning/status}"
LOG_FILE="${IOTEDGE_PROVISION_LOG:-/var/log/iotedge-provisioning.log}"
OS_RELEASE_FILE="${IOTEDGE_PROVISION_OS_RELEASE:-/etc/os-release}"
INSTALLED_SCRIPT="${IOTEDGE_PROVISION_INSTALL_PATH:-${ROOT}/usr/local/sbin/iotedge-provision}"
TIME_SCALE="${IOTEDGE_PROVISION_TIME_SCALE:-1}"
# Five attempts 20 s apart ride out a dpkg lock held for over a minute (the Azure Monitor Agent
# extension installs at the same time), on top of apt's own wait (DPkg::Lock::Timeout).
RETRY_ATTEMPTS="${IOTEDGE_PROVISION_RETRY_ATTEMPTS:-5}"
RETRY_PAUSE_SECONDS="${IOTEDGE_PROVISION_RETRY_PAUSE:-20}"
# An x509 host waits up to 30 x 20 s for the hub to accept its identity.
IDENTITY_WAIT_ATTEMPTS="${IOTEDGE_PROVISION_IDENTITY_ATTEMPTS:-30}"
IDENTITY_WAIT_PAUSE_SECONDS="${IOTEDGE_PROVISION_IDENTITY_PAUSE:-20}"
CURL_CONNECT_TIMEOUT_SECONDS=20
CURL_MAX_TIME_SECONDS=300
DOCKER_LOG_DRIVER=local

MICRO_AGENT_PACKAGE=defender-iot-micro-agent-edge
MICRO_AGENT_SERVICE=defender-iot-micro-agent.service

STEPS=(host_files microsoft_repo apt_update moby_engine aziot_edge iotedge_config hub_identity auditd micro_agent)
# Only these may fail without failing the whole run: the micro agent package is not confirmed to
# exist for Ubuntu 22.04/24.04, and IoT Edge must come up without it.
OPTIONAL_STEPS=(micro_agent)

export DEBIAN_FRONTEND=noninteractive

declare -A STATE=()
declare -A DETAIL=()

UBUNTU_VERSION=""
IOTEDGE_VERSION=""
AUTH_MODE=""
# manual (the hub identity is declared by the stack) or dps (the device registers itself).
PROVISIONING="manual"
SECURITY_AGENT=""
CONFIG_TOML=""
IDENTITY_CERT_FILE=""
IDENTITY_KEY_FILE=""
IDENTITY_THUMBPRINT=""
DEVICE_ID=""
APT_PIN_FILE=""
DOCKER_DAEMON_JSON=""
AUDISP_SYSLOG_CONF=""
AUDIT_SYSLOG_FACILITY=""
STEP_NOTE_FILE=""

# now VARIABLE: the current UTC time, ISO 8601, from bash itself (the script forks as little as
# it can: each step is logged and recorded in the status file twice).
now() {
  TZ=UTC printf -v "$1" '%(%Y-%m-%dT%H:%M:%SZ)T' -1
}

log() {
  local line stamp
  now stamp
  line="${stamp} iotedge-provision: $*"
  printf '%s\n' "$line" >>"$LOG_FILE"
  # fd 3 is the caller's stdout (cloud-init-output.log), kept free of step output that could echo
  # configuration back.
  printf '%s\n' "$line" >&3
}

# Records a one-line explanation for the status file; the last note of a step wins.
note() {
  printf '%s' "$*" >"$STEP_NOTE_FILE"
}

# pause SECONDS: sleeps SECONDS x TIME_SCALE.
pause() {
  sleep "$(awk -v s="$1" -v k="$TIME_SCALE" 'BEGIN { printf "%.3f", s * k }')"
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
    pause "$RETRY_PAUSE_SECONDS"
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

# write_status: replaces the status file atomically (its folder is made by main).
write_status() {
  local step stamp tmp="${STATUS_FILE}.$$"
  now stamp
  {
    printf '# IoT Edge provisioning status, updated %s\n' "$stamp"
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
  } >"$tmp" # 0644, from main's umask
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
      PROVISIONING) PROVISIONING="$value" ;;
      SECURITY_AGENT) SECURITY_AGENT="$value" ;;
      CONFIG_TOML) CONFIG_TOML="$value" ;;
      IDENTITY_CERT_FILE) IDENTITY_CERT_FILE="$value" ;;
      IDENTITY_KEY_FILE) IDENTITY_KEY_FILE="$value" ;;
      IDENTITY_THUMBPRINT) IDENTITY_THUMBPRINT="$value" ;;
      DEVICE_ID) DEVICE_ID="$value" ;;
      APT_PIN_FILE) APT_PIN_FILE="$value" ;;
      DOCKER_DAEMON_JSON) DOCKER_DAEMON_JSON="$value" ;;
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
  case "$PROVISIONING" in manual | dps) ;; *) DETAIL[overall]="PROVISIONING must be manual or dps" && return 1 ;; esac
  if [[ -z "$CONFIG_TOML" || -z "$AUDISP_SYSLOG_CONF" || -z "$APT_PIN_FILE" || -z "$DOCKER_DAEMON_JSON" ]]; then
    DETAIL[overall]="CONFIG_TOML, AUDISP_SYSLOG_CONF, APT_PIN_FILE and DOCKER_DAEMON_JSON must be set"
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
  : >"$STEP_NOTE_FILE"
  # errexit is ignored inside functions called from a condition (if, ||), so the step runs as a
  # plain command in a subshell and its status is read afterwards.
  set +e
  (
    set -e
    "$fn"
  ) >>"$LOG_FILE" 2>&1
  rc=$?
  set -e
  local detail=""
  IFS= read -r -d '' detail <"$STEP_NOTE_FILE" || true
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

# stage_settings: under the Run Command, writes the EDGE_* parameters (no secrets) to the settings
# file, each checked against what load_settings accepts; a manual re-run (no EDGE_* set) keeps the
# settings of the last run.
stage_settings() {
  [[ -n "${EDGE_IOTEDGE_VERSION:-}" ]] || return 0
  local tmp name value
  for name in EDGE_UBUNTU_VERSION EDGE_IOTEDGE_VERSION EDGE_AUTH_MODE EDGE_PROVISIONING EDGE_SECURITY_AGENT EDGE_DEVICE_ID EDGE_IDENTITY_THUMBPRINT; do
    value="${!name:-}"
    if [[ "$value" == *[!A-Za-z0-9._-]* ]]; then
      DETAIL[overall]="parameter ${name} has characters other than letters, digits, . _ -"
      return 1
    fi
  done
  mkdir -p "${SETTINGS_FILE%/*}"
  tmp="$(mktemp "${SETTINGS_FILE}.XXXXXX")"
  {
    printf '# Settings for iotedge-provision, written by its Run Command. No secrets here.\n'
    printf 'UBUNTU_VERSION=%s\nIOTEDGE_VERSION=%s\nAUTH_MODE=%s\nSECURITY_AGENT=%s\nDEVICE_ID=%s\n' \
      "${EDGE_UBUNTU_VERSION:-}" "$EDGE_IOTEDGE_VERSION" "${EDGE_AUTH_MODE:-}" "${EDGE_SECURITY_AGENT:-}" "${EDGE_DEVICE_ID:-}"
    printf 'PROVISIONING=%s\n' "${EDGE_PROVISIONING:-manual}"
    printf 'CONFIG_TOML=%s\nAPT_PIN_FILE=%s\nDOCKER_DAEMON_JSON=%s\n' \
      "${ROOT}/etc/aziot/config.toml" "${ROOT}/etc/apt/preferences.d/aziot-edge" "${ROOT}/etc/docker/daemon.json"
    printf 'AUDISP_SYSLOG_CONF=%s\nAUDIT_SYSLOG_FACILITY=LOG_LOCAL6\n' "${ROOT}/etc/audit/plugins.d/syslog.conf"
    if [[ "${EDGE_AUTH_MODE:-}" == x509 ]]; then
      printf 'IDENTITY_CERT_FILE=%s\nIDENTITY_KEY_FILE=%s\nIDENTITY_THUMBPRINT=%s\n' \
        "${ROOT}/var/aziot/certs/device-identity.cert.pem" "${ROOT}/var/aziot/secrets/device-identity.key.pem" "${EDGE_IDENTITY_THUMBPRINT:-}"
    fi
  } >"$tmp"
  chmod 0644 "$tmp"
  mv -f "$tmp" "$SETTINGS_FILE"
}

# write_b64 VARIABLE FILE MODE: decodes a base64 parameter into FILE (atomically, root-only while
# written); the value never reaches the log.
write_b64() {
  local value="${!1:-}" file="$2" mode="$3" tmp
  if [[ -z "$value" ]]; then
    note "parameter $1 is missing"
    return 1
  fi
  mkdir -p "${file%/*}"
  tmp="$(mktemp "${file}.XXXXXX")"
  if ! base64 -d <<<"$value" >"$tmp"; then
    rm -f "$tmp"
    note "parameter $1 is not base64"
    return 1
  fi
  chmod "$mode" "$tmp"
  mv -f "$tmp" "$file"
}

step_host_files() {
  local docker_changed=no
  mkdir -p "${DOCKER_DAEMON_JSON%/*}"
  # Docker reads daemon.json when it starts, so it is in place before moby-engine is installed;
  # a later change restarts Docker (the IoT Edge modules restart with it).
  if [[ "$(cat "$DOCKER_DAEMON_JSON" 2>/dev/null || true)" != "$(printf '{\n  "log-driver": "%s"\n}' "$DOCKER_LOG_DRIVER")" ]]; then
    printf '{\n  "log-driver": "%s"\n}\n' "$DOCKER_LOG_DRIVER" >"$DOCKER_DAEMON_JSON"
    chmod 0644 "$DOCKER_DAEMON_JSON"
    docker_changed=yes
  fi
  if [[ "$docker_changed" == yes ]] && systemctl is-active --quiet docker; then
    systemctl restart docker
  fi
  if [[ -z "${EDGE_IOTEDGE_VERSION:-}" ]]; then
    note "manual run: kept the files of the last Run Command"
    return 0
  fi
  write_b64 EDGE_APT_PIN_B64 "$APT_PIN_FILE" 0644
  write_b64 EDGE_CONFIG_TOML_B64 "$CONFIG_TOML" 0600
  if [[ "$AUTH_MODE" == x509 ]]; then
    write_b64 EDGE_IDENTITY_CERT_B64 "$IDENTITY_CERT_FILE" 0600
    write_b64 EDGE_IDENTITY_KEY_B64 "$IDENTITY_KEY_FILE" 0600
  else
    # Switching from x509 to a connection string leaves no stale key behind.
    rm -f "${ROOT}/var/aziot/certs/device-identity.cert.pem" "${ROOT}/var/aziot/secrets/device-identity.key.pem"
  fi
  mkdir -p "${INSTALLED_SCRIPT%/*}"
  if [[ "$(readlink -f "$0")" != "$(readlink -f "$INSTALLED_SCRIPT")" ]]; then
    install -m 0755 "$0" "$INSTALLED_SCRIPT"
  fi
  note "docker log driver ${DOCKER_LOG_DRIVER}; ${AUTH_MODE} identity files written"
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
  if ! retry curl -fsSL --connect-timeout "$CURL_CONNECT_TIMEOUT_SECONDS" --max-time "$CURL_MAX_TIME_SECONDS" \
    -o "$deb" "https://packages.microsoft.com/config/ubuntu/${UBUNTU_VERSION}/packages-microsoft-prod.deb"; then
    note "could not download packages-microsoft-prod.deb for Ubuntu ${UBUNTU_VERSION}"
    return 1
  fi
  # Through apt, like every other package: it waits for the dpkg lock and is retried.
  if ! apt_get install "$deb"; then
    rm -f "$deb"
    note "apt-get install packages-microsoft-prod.deb failed ${RETRY_ATTEMPTS} times (dpkg lock held?)"
    return 1
  fi
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
  # /etc/apt/preferences.d/aziot-edge (written by host_files) allows only this version line, so a
  # plain install cannot drift to a newer line.
  if ! apt_get install --allow-downgrades aziot-edge; then
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
    # host_files writes these files as root and ownership moves to the services here. Microsoft's
    # certificate guide uses /var/aziot/certs (aziotcs) and /var/aziot/secrets (aziotks, 0700).
    mkdir -p "${IDENTITY_CERT_FILE%/*}" "${IDENTITY_KEY_FILE%/*}"
    chown aziotcs:aziotcs "${IDENTITY_CERT_FILE%/*}" "$IDENTITY_CERT_FILE"
    chmod 0755 "${IDENTITY_CERT_FILE%/*}"
    chmod 0600 "$IDENTITY_CERT_FILE"
    chown aziotks:aziotks "${IDENTITY_KEY_FILE%/*}" "$IDENTITY_KEY_FILE"
    chmod 0700 "${IDENTITY_KEY_FILE%/*}"
    chmod 0600 "$IDENTITY_KEY_FILE"
  fi
  if ! iotedge config apply; then
    note "iotedge config apply failed; check ${CONFIG_TOML}, then run: sudo iotedge check"
    return 1
  fi
  note "applied ${AUTH_MODE} ${PROVISIONING} provisioning"
}

# An x509 identity is registered by its thumbprint; until the hub has it, edgeAgent cannot
# authenticate. edgeAgent starts edgeHub only after it has read its deployment from the hub, so
# edgeHub running shows the hub accepted the identity (the stack always declares a deployment).
step_hub_identity() {
  local attempt=1
  while true; do
    if iotedge list 2>/dev/null | grep -Eq '^edgeHub[[:space:]]+running'; then
      note "edgeHub is running: the hub accepts ${DEVICE_ID}${IDENTITY_THUMBPRINT:+ (certificate ${IDENTITY_THUMBPRINT})}"
      return 0
    fi
    if ((attempt >= IDENTITY_WAIT_ATTEMPTS)); then
      note "the hub has not accepted ${DEVICE_ID} after ${attempt} checks; is its identity registered with thumbprint ${IDENTITY_THUMBPRINT}? see: sudo iotedge system logs"
      return 1
    fi
    log "waiting for the hub to accept ${DEVICE_ID} (check ${attempt}/${IDENTITY_WAIT_ATTEMPTS})"
    pause "$IDENTITY_WAIT_PAUSE_SECONDS"
    attempt=$((attempt + 1))
  done
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
  # Files are world-readable unless made otherwise (secrets are written 0600 through mktemp).
  umask 022
  mkdir -p "${LOG_FILE%/*}" "${STATUS_FILE%/*}"
  STEP_NOTE_FILE="$(mktemp)"
  trap 'rm -f "$STEP_NOTE_FILE"' EXIT
  touch "$LOG_FILE"
  # The log may quote configuration lines (a TOML error shows the offending line), so root only.
  chmod 0600 "$LOG_FILE"
  for step in "${STEPS[@]}"; do
    STATE[$step]=pending
  done
  if ! stage_settings || ! load_settings; then
    set_state overall failed "${DETAIL[overall]}"
    log "finished: failed (${DETAIL[overall]})"
    return 1
  fi
  set_state overall running ""
  log "started: ubuntu=${UBUNTU_VERSION} iotedge=${IOTEDGE_VERSION} auth=${AUTH_MODE} security_agent=${SECURITY_AGENT}"

  run_step host_files step_host_files
  run_step microsoft_repo step_microsoft_repo
  run_step apt_update step_apt_update
  run_step moby_engine step_moby_engine host_files microsoft_repo apt_update
  run_step aziot_edge step_aziot_edge moby_engine
  run_step iotedge_config step_iotedge_config host_files aziot_edge
  if [[ "$AUTH_MODE" == x509 ]]; then
    run_step hub_identity step_hub_identity iotedge_config
  else
    set_state hub_identity skipped "auth=${AUTH_MODE}"
  fi
  run_step auditd step_auditd apt_update
  if [[ "$SECURITY_AGENT" == micro-agent ]]; then
    run_step micro_agent step_micro_agent iotedge_config
  else
    set_state micro_agent skipped "security_agent=${SECURITY_AGENT}"
  fi
  local rc=0
  finish || rc=$?
  # The Run Command's output (and so a failed `pulumi up`) shows the status.
  cat "$STATUS_FILE" >&3
  return "$rc"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
