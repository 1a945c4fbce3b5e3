/**
 * Renders the cloud-init user data (a `#cloud-config` document) that turns a plain Ubuntu VM into
 * an IoT Edge device. Pure: the same input always gives byte-identical output.
 *
 * cloud-init writes every file up front (settings, the provisioning script, the apt pin, audit
 * rules, `/etc/aziot/config.toml` and, for X.509, the identity certificate and key), then `runcmd`
 * runs {@link PROVISION_SCRIPT_PATH} once. That script ({@link ./provision.sh}) runs the
 * {@link PROVISIONING_STEPS} in order, retries apt, and records each step in {@link STATUS_FILE}
 * and {@link LOG_FILE}, so someone connected through Bastion sees at once what went wrong.
 *
 * The output embeds secrets (the device key or connection string): callers must wrap it in
 * `pulumi.secret` before it reaches a resource.
 */
import { X509Certificate, createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { IOT_EDGE_VERSIONS, SECURITY_AGENT_MODES, type IotEdgeVersion, type SecurityAgentMode } from "../config/types";

export type UbuntuVersion = "22.04" | "24.04";
export type { IotEdgeVersion, SecurityAgentMode };
export type DeviceAuth =
  | { mode: "x509"; certificatePem: string; privateKeyPem: string }
  | { mode: "connectionString"; connectionString: string };

export interface CloudInitInput {
  /** Ubuntu release of the VM image; picks the packages.microsoft.com repository. */
  ubuntuVersion: UbuntuVersion;
  /** IoT Edge version line; apt is pinned to `<line>.*` so it never drifts to another line. */
  iotEdgeVersion: IotEdgeVersion;
  /** The hub's host name, e.g. `iot-iotedge-dev-ab12cd.azure-devices.net`. */
  hubHostName: string;
  /** IoT Hub device id; for X.509 also the certificate's common name (CN). */
  deviceId: string;
  /** How the device authenticates to the hub (manual provisioning). */
  auth: DeviceAuth;
  /** `micro-agent` installs the Defender for IoT host package; its failure never blocks IoT Edge. */
  securityAgent: SecurityAgentMode;
}

export const UBUNTU_VERSIONS: readonly UbuntuVersion[] = ["22.04", "24.04"];

/** Per-step outcome on the host, one line per step plus `overall`; readable without sudo. */
export const STATUS_FILE = "/var/lib/iotedge-provisioning/status";
/** Full output of every step (apt, iotedge config apply, ...); root only (mode 0600). */
export const LOG_FILE = "/var/log/iotedge-provisioning.log";
/** The provisioning script; run it again with sudo after fixing what the status file reports. */
export const PROVISION_SCRIPT_PATH = "/usr/local/sbin/iotedge-provision";
/** Non-secret settings the script reads (versions, modes, file paths). */
export const SETTINGS_FILE = "/etc/iotedge-provisioning.conf";
export const CONFIG_TOML_PATH = "/etc/aziot/config.toml";
/** Microsoft's certificate guide keeps certificates in /var/aziot/certs and keys in /var/aziot/secrets. */
export const IDENTITY_CERT_PATH = "/var/aziot/certs/device-identity.cert.pem";
export const IDENTITY_KEY_PATH = "/var/aziot/secrets/device-identity.key.pem";
export const APT_PIN_PATH = "/etc/apt/preferences.d/aziot-edge";
export const AUDIT_RULES_PATH = "/etc/audit/rules.d/60-iotedge-auth.rules";
/** Shipped by audispd-plugins on Debian and Ubuntu; the script turns it on. */
export const AUDISP_SYSLOG_CONF = "/etc/audit/plugins.d/syslog.conf";
/** Syslog facility the audit records arrive on, for the Azure Monitor Agent's data collection rule. */
export const AUDIT_SYSLOG_FACILITY = "local6";
export const MICRO_AGENT_PACKAGE = "defender-iot-micro-agent-edge";
/** Azure decodes customData to at most 65535 bytes (compute API, osProfile.customData). */
export const MAX_CUSTOM_DATA_BYTES = 65535;

export type StepState = "pending" | "running" | "ok" | "failed" | "skipped";
/** Values of the `overall` line: `degraded` means only an optional step failed. */
export type OverallState = "running" | "ok" | "degraded" | "failed";

export interface ProvisioningStep {
  name: string;
  /** A failed required step makes `overall` failed and the script exit 1 (cloud-init reports it). */
  required: boolean;
  description: string;
}

/** The steps in the order the script runs them; the script's own list must match (tested). */
export const PROVISIONING_STEPS: readonly ProvisioningStep[] = [
  { name: "microsoft_repo", required: true, description: "checks the image's Ubuntu version and installs packages-microsoft-prod.deb for it" },
  { name: "apt_update", required: true, description: "apt-get update" },
  { name: "moby_engine", required: true, description: "installs moby-engine" },
  { name: "aziot_edge", required: true, description: "installs aziot-edge on the pinned version line and checks the installed version" },
  { name: "iotedge_config", required: true, description: "hands the identity files to aziotcs/aziotks and runs iotedge config apply" },
  { name: "auditd", required: true, description: "installs auditd and audispd-plugins, turns on the syslog plugin, checks the audit rules are loaded" },
  { name: "micro_agent", required: false, description: "installs defender-iot-micro-agent-edge (only with securityAgent micro-agent); a failure leaves overall degraded, not failed" },
];

const SCRIPT_SOURCE = path.join(__dirname, "provision.sh");

// From azure-facts.md (IoT Hub data plane, device ids).
const DEVICE_ID = /^[A-Za-z0-9\-:.+%_#*?!(),=@;$']{1,128}$/;
// Hub names follow lib/naming.ts (3-50 letters, digits, hyphens; no hyphen at either end); only
// the public cloud's suffix is accepted because the stack targets it.
const HUB_HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{1,48}[A-Za-z0-9]\.azure-devices\.net$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const PEM_BODY = "[A-Za-z0-9+/=\\r\\n]+";
const CERT_CHAIN = new RegExp(`^(?:\\s*-----BEGIN CERTIFICATE-----${PEM_BODY}-----END CERTIFICATE-----)+\\s*$`);
const PRIVATE_KEY = new RegExp(`^\\s*-----BEGIN (RSA |EC )?PRIVATE KEY-----${PEM_BODY}-----END \\1?PRIVATE KEY-----\\s*$`);

export class CloudInitInputError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid cloud-init input:\n- ${problems.join("\n- ")}`);
    this.name = "CloudInitInputError";
  }
}

/**
 * Everything wrong with the input, one sentence each; empty when it can be rendered. Messages
 * never quote the secrets themselves.
 */
export function cloudInitInputProblems(input: CloudInitInput): string[] {
  const problems: string[] = [];
  if (!UBUNTU_VERSIONS.includes(input.ubuntuVersion)) problems.push(`ubuntuVersion ${JSON.stringify(input.ubuntuVersion)} is not one of ${UBUNTU_VERSIONS.join(", ")}`);
  if (!IOT_EDGE_VERSIONS.includes(input.iotEdgeVersion)) problems.push(`iotEdgeVersion ${JSON.stringify(input.iotEdgeVersion)} is not one of ${IOT_EDGE_VERSIONS.join(", ")}`);
  if (!SECURITY_AGENT_MODES.includes(input.securityAgent)) problems.push(`securityAgent ${JSON.stringify(input.securityAgent)} is not one of ${SECURITY_AGENT_MODES.join(", ")}`);
  if (!HUB_HOST_NAME.test(input.hubHostName)) problems.push(`hubHostName ${JSON.stringify(input.hubHostName)} is not <hub name>.azure-devices.net (hub name: 3-50 letters, digits or hyphens)`);
  if (!DEVICE_ID.test(input.deviceId)) problems.push(`deviceId ${JSON.stringify(input.deviceId)} does not match ${DEVICE_ID}`);
  const auth = input.auth;
  if (auth.mode === "x509") {
    problems.push(...x509Problems(auth.certificatePem, auth.privateKeyPem, input.deviceId));
  } else if (auth.mode === "connectionString") {
    problems.push(...connectionStringProblems(auth.connectionString, input.hubHostName, input.deviceId));
  } else {
    problems.push(`auth.mode must be x509 or connectionString`);
  }
  return problems;
}

function x509Problems(certificatePem: string, privateKeyPem: string, deviceId: string): string[] {
  const problems: string[] = [];
  if (!CERT_CHAIN.test(certificatePem)) {
    problems.push("auth.certificatePem is not PEM text made only of CERTIFICATE blocks");
  }
  if (/ENCRYPTED PRIVATE KEY/.test(privateKeyPem)) {
    problems.push("auth.privateKeyPem is encrypted; the aziot keys service needs an unencrypted key file");
  } else if (!PRIVATE_KEY.test(privateKeyPem)) {
    problems.push("auth.privateKeyPem is not a single PEM PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block");
  }
  if (problems.length > 0) return problems;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certificatePem);
  } catch {
    return ["auth.certificatePem cannot be parsed as an X.509 certificate"];
  }
  const commonName = cert.subject.split("\n").find((part) => part.startsWith("CN="))?.slice(3);
  if (commonName !== deviceId) {
    problems.push(`the certificate's CN is ${JSON.stringify(commonName ?? "")}, but deviceId is ${JSON.stringify(deviceId)}`);
  }
  try {
    if (!cert.checkPrivateKey(createPrivateKey(privateKeyPem))) {
      problems.push("auth.privateKeyPem is not the key of the first certificate in auth.certificatePem");
    }
  } catch {
    problems.push("auth.privateKeyPem cannot be parsed as a private key");
  }
  return problems;
}

function connectionStringProblems(connectionString: string, hubHostName: string, deviceId: string): string[] {
  // Only the device form the portal and CLI print is accepted; comparing it with hubHostName and
  // deviceId catches a connection string wired to the wrong hub or device.
  const prefix = `HostName=${hubHostName};DeviceId=${deviceId};SharedAccessKey=`;
  if (!connectionString.startsWith(prefix)) {
    return ["auth.connectionString must be HostName=<hubHostName>;DeviceId=<deviceId>;SharedAccessKey=<key> for this hub and device"];
  }
  const key = connectionString.slice(prefix.length);
  if (key.length === 0 || !BASE64.test(key)) {
    return ["auth.connectionString's SharedAccessKey is not base64"];
  }
  return [];
}

/** Throws {@link CloudInitInputError} listing every problem when the input cannot be rendered. */
export function assertCloudInitInput(input: CloudInitInput): void {
  const problems = cloudInitInputProblems(input);
  if (problems.length > 0) throw new CloudInitInputError(problems);
}

// JSON string escapes are a subset of TOML basic-string escapes, and the validated inputs are ASCII.
const tomlString = (value: string): string => JSON.stringify(value);

function normalizePem(pem: string): string {
  return `${pem.replace(/\r\n/g, "\n").trim()}\n`;
}

function configToml(input: CloudInitInput): string {
  const header = [
    "# Written by cloud-init (lib/cloudinit.ts); applied by iotedge-provision with `iotedge config apply`.",
    "",
    "[provisioning]",
    'source = "manual"',
  ];
  if (input.auth.mode === "connectionString") {
    return [...header, `connection_string = ${tomlString(input.auth.connectionString)}`, ""].join("\n");
  }
  return [
    ...header,
    `iothub_hostname = ${tomlString(input.hubHostName)}`,
    `device_id = ${tomlString(input.deviceId)}`,
    "",
    "[provisioning.authentication]",
    'method = "x509"',
    `identity_cert = ${tomlString(`file://${IDENTITY_CERT_PATH}`)}`,
    `identity_pk = ${tomlString(`file://${IDENTITY_KEY_PATH}`)}`,
    "",
  ].join("\n");
}

function settingsFile(input: CloudInitInput): string {
  const lines = [
    `# Settings for ${PROVISION_SCRIPT_PATH}, written by cloud-init. No secrets here.`,
    `UBUNTU_VERSION=${input.ubuntuVersion}`,
    `IOTEDGE_VERSION=${input.iotEdgeVersion}`,
    `AUTH_MODE=${input.auth.mode}`,
    `SECURITY_AGENT=${input.securityAgent}`,
    `CONFIG_TOML=${CONFIG_TOML_PATH}`,
    `AUDISP_SYSLOG_CONF=${AUDISP_SYSLOG_CONF}`,
    `AUDIT_SYSLOG_FACILITY=LOG_${AUDIT_SYSLOG_FACILITY.toUpperCase()}`,
  ];
  if (input.auth.mode === "x509") {
    lines.push(`IDENTITY_CERT_FILE=${IDENTITY_CERT_PATH}`, `IDENTITY_KEY_FILE=${IDENTITY_KEY_PATH}`);
  }
  return `${lines.join("\n")}\n`;
}

function aptPin(version: IotEdgeVersion): string {
  // The -1 record forbids every other aziot-edge version, so a missing line fails loudly instead
  // of installing the newest one. The identity service is only preferred on the same line: that
  // both packages share version lines is inferred from past releases (unconfirmed for 1.6), and
  // apt's resolver would not pick a non-candidate version to satisfy aziot-edge's exact dependency.
  return [
    `Explanation: keep IoT Edge on the ${version} line (rendered by lib/cloudinit.ts)`,
    "Package: aziot-edge",
    `Pin: version ${version}.*`,
    "Pin-Priority: 990",
    "",
    "Explanation: no other aziot-edge version may be installed",
    "Package: aziot-edge",
    "Pin: version *",
    "Pin-Priority: -1",
    "",
    "Explanation: prefer the identity service of the same line",
    "Package: aziot-identity-service",
    `Pin: version ${version}.*`,
    "Pin-Priority: 990",
    "",
  ].join("\n");
}

const AUDIT_RULES = [
  "# Changes to authentication-relevant files; audisp forwards them to syslog (rendered by lib/cloudinit.ts).",
  "-w /etc/ssh/sshd_config -p wa -k iotedge-sshd",
  "-w /etc/ssh/sshd_config.d/ -p wa -k iotedge-sshd",
  "-w /etc/passwd -p wa -k iotedge-identity",
  "-w /etc/group -p wa -k iotedge-identity",
  "-w /etc/shadow -p wa -k iotedge-identity",
  "-w /etc/sudoers -p wa -k iotedge-sudoers",
  "-w /etc/sudoers.d/ -p wa -k iotedge-sudoers",
  "-w /etc/aziot/ -p wa -k iotedge-aziot",
  "",
].join("\n");

interface WriteFile {
  path: string;
  owner: string;
  permissions: string;
  content: string;
}

function readScript(): string {
  return readFileSync(SCRIPT_SOURCE, "utf8");
}

/** Renders the `#cloud-config` document; throws {@link CloudInitInputError} on invalid input. */
export function renderCloudInit(input: CloudInitInput): string {
  assertCloudInitInput(input);
  const files: WriteFile[] = [
    { path: SETTINGS_FILE, owner: "root:root", permissions: "0644", content: settingsFile(input) },
    { path: PROVISION_SCRIPT_PATH, owner: "root:root", permissions: "0755", content: readScript() },
    { path: APT_PIN_PATH, owner: "root:root", permissions: "0644", content: aptPin(input.iotEdgeVersion) },
    { path: AUDIT_RULES_PATH, owner: "root:root", permissions: "0640", content: AUDIT_RULES },
    { path: CONFIG_TOML_PATH, owner: "root:root", permissions: "0600", content: configToml(input) },
  ];
  if (input.auth.mode === "x509") {
    // Root-owned until the script hands them to aziotcs/aziotks: those users do not exist before
    // aziot-identity-service is installed. The guide uses 0644 for certificates; 0600 is stricter
    // and only aziotcs reads the file (unconfirmed that nothing else on the device needs it).
    files.push(
      { path: IDENTITY_CERT_PATH, owner: "root:root", permissions: "0600", content: normalizePem(input.auth.certificatePem) },
      { path: IDENTITY_KEY_PATH, owner: "root:root", permissions: "0600", content: normalizePem(input.auth.privateKeyPem) },
    );
  }
  const document = {
    write_files: files,
    runcmd: [[PROVISION_SCRIPT_PATH]],
  };
  // YAML 1.1 is what cloud-init's PyYAML reads: it makes the library quote strings such as "0600"
  // or "yes" that 1.1 would otherwise turn into numbers or booleans.
  const rendered = `#cloud-config\n${stringify(document, { version: "1.1", lineWidth: 0, blockQuote: "literal" })}`;
  const bytes = Buffer.byteLength(rendered, "utf8");
  if (bytes > MAX_CUSTOM_DATA_BYTES) {
    throw new CloudInitInputError([`the rendered cloud-init is ${bytes} bytes; Azure accepts at most ${MAX_CUSTOM_DATA_BYTES} (is the certificate chain unusually long?)`]);
  }
  return rendered;
}
