/**
 * What an edge host is provisioned with, rendered as the inputs of its managed Run Command
 * (compute.VirtualMachineRunCommandByVirtualMachine): the provisioning script, its non-secret
 * settings (`parameters`) and the device's secrets plus `/etc/aziot/config.toml`
 * (`protectedParameters`). Pure: the same input always gives byte-identical output.
 *
 * Why a Run Command and not the VM's customData: Azure refuses any update of customData
 * (`PropertyChangeNotAllowed`), cloud-init reads it only on first boot, and azure-native plans a
 * change to it as an in-place update that then fails. A Run Command is updated in place and runs
 * its script again whenever its inputs change, so a renewed certificate, another auth mode,
 * IoT Edge line or agent converges on the next `pulumi up`. customData is now the constant
 * bootstrap of lib/edge/cloudinit.ts.
 *
 * The script ({@link ./provision.sh}) writes the settings and files from these parameters, runs
 * the {@link PROVISIONING_STEPS} in order, retries apt, and records each step in
 * {@link STATUS_FILE} and {@link LOG_FILE}.
 */
import { X509Certificate, createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { IOT_EDGE_VERSIONS, SECURITY_AGENT_MODES, type IotEdgeVersion, type SecurityAgentMode } from "../config/types";
import { renderDpsProvisioning, type DpsProvisioningInput } from "./dpsProvisioning";
import { sha256Thumbprint } from "./x509";

export type UbuntuVersion = "22.04" | "24.04";
export type { IotEdgeVersion, SecurityAgentMode };
export type DeviceAuth =
  | { mode: "x509"; certificatePem: string; privateKeyPem: string }
  | { mode: "connectionString"; connectionString: string }
  /** fleetProvisioning dps: the device registers with the Device Provisioning Service itself. */
  | { mode: "dps"; idScope: string; attestation: DpsHostAttestation };

/** How a DPS host proves itself: a key derived from the group key, or a leaf certificate (+ intermediate) and its key. */
export type DpsHostAttestation =
  | { method: "symmetric_key"; symmetricKey: string }
  | { method: "x509"; certificatePem: string; privateKeyPem: string };

export interface HostProvisioningInput {
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
/** Shipped by audispd-plugins on Debian and Ubuntu; the script turns it on. */
export const AUDISP_SYSLOG_CONF = "/etc/audit/plugins.d/syslog.conf";
export const MICRO_AGENT_PACKAGE = "defender-iot-micro-agent-edge";
/** Docker's daemon settings; the script writes them before moby-engine is installed and started. */
export const DOCKER_DAEMON_JSON = "/etc/docker/daemon.json";
/** Microsoft recommends the `local` log driver for IoT Edge hosts (rotated, compressed logs). */
export const DOCKER_DAEMON_SETTINGS = '{\n  "log-driver": "local"\n}\n';
/** How long the Run Command may run: apt waits, retries and the identity wait fit in it. */
export const RUN_COMMAND_TIMEOUT_SECONDS = 5400;

export type StepState = "pending" | "running" | "ok" | "failed" | "skipped";
/** Values of the `overall` line: `degraded` means only an optional step failed. */
export type OverallState = "running" | "ok" | "degraded" | "failed";

export interface ProvisioningStep {
  name: string;
  /** A failed required step makes `overall` failed and the script exit 1 (the Run Command, and so `pulumi up`, fails). */
  required: boolean;
  description: string;
}

/** The steps in the order the script runs them; the script's own list must match (tested). */
export const PROVISIONING_STEPS: readonly ProvisioningStep[] = [
  { name: "host_files", required: true, description: "writes the settings, the apt pin, config.toml, the identity files (from the Run Command's parameters) and Docker's daemon.json with the local log driver" },
  { name: "microsoft_repo", required: true, description: "checks the image's Ubuntu version and installs packages-microsoft-prod.deb for it through the lock-waiting, retrying apt path" },
  { name: "apt_update", required: true, description: "apt-get update" },
  { name: "moby_engine", required: true, description: "installs moby-engine" },
  { name: "aziot_edge", required: true, description: "installs aziot-edge on the pinned version line and checks the installed version" },
  { name: "iotedge_config", required: true, description: "hands the identity files to aziotcs/aziotks and runs iotedge config apply" },
  { name: "hub_identity", required: true, description: "x509 only: waits (bounded) until edgeAgent has authenticated to the hub, i.e. the hub accepts the device identity" },
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

export class HostProvisioningInputError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid host provisioning input:\n- ${problems.join("\n- ")}`);
    this.name = "HostProvisioningInputError";
  }
}

/**
 * Everything wrong with the input, one sentence each; empty when it can be rendered. Messages
 * never quote the secrets themselves.
 */
export function hostProvisioningProblems(input: HostProvisioningInput): string[] {
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
  } else if (auth.mode === "dps") {
    if (!/^0ne[0-9A-Fa-f]{8}$/.test(auth.idScope)) problems.push(`auth.idScope ${JSON.stringify(auth.idScope)} is not a DPS ID scope (0ne and 8 hexadecimal digits)`);
    if (auth.attestation.method === "x509") problems.push(...x509Problems(auth.attestation.certificatePem, auth.attestation.privateKeyPem, input.deviceId));
    else if (!BASE64.test(auth.attestation.symmetricKey) || auth.attestation.symmetricKey.length === 0) problems.push("auth.attestation.symmetricKey is not base64");
  } else {
    problems.push(`auth.mode must be x509, connectionString or dps`);
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

/** Throws {@link HostProvisioningInputError} listing every problem when the input cannot be rendered. */
export function assertHostProvisioningInput(input: HostProvisioningInput): void {
  const problems = hostProvisioningProblems(input);
  if (problems.length > 0) throw new HostProvisioningInputError(problems);
}


// JSON string escapes are a subset of TOML basic-string escapes, and the validated inputs are ASCII.
const tomlString = (value: string): string => JSON.stringify(value);

function normalizePem(pem: string): string {
  return `${pem.replace(/\r\n/g, "\n").trim()}\n`;
}

/**
 * Where the IoT Edge identity service gets the device's identity from. Today: manual
 * provisioning with an X.509 certificate or a connection string; a `dps` variant belongs here.
 */
export type ProvisioningSource =
  | { source: "manual-x509"; hubHostName: string; deviceId: string; identityCertPath: string; identityKeyPath: string }
  | { source: "manual-connection-string"; connectionString: string }
  | { source: "dps"; dps: DpsProvisioningInput };

/** The `[provisioning]` section of config.toml (with its sub-tables) for one source. */
export function provisioningSection(p: ProvisioningSource): string {
  switch (p.source) {
    case "manual-connection-string":
      return ["[provisioning]", 'source = "manual"', `connection_string = ${tomlString(p.connectionString)}`, ""].join("\n");
    case "dps":
      return renderDpsProvisioning(p.dps);
    case "manual-x509":
      return [
        "[provisioning]",
        'source = "manual"',
        `iothub_hostname = ${tomlString(p.hubHostName)}`,
        `device_id = ${tomlString(p.deviceId)}`,
        "",
        "[provisioning.authentication]",
        'method = "x509"',
        `identity_cert = ${tomlString(`file://${p.identityCertPath}`)}`,
        `identity_pk = ${tomlString(`file://${p.identityKeyPath}`)}`,
        "",
      ].join("\n");
  }
}

/** The provisioning source a validated input describes. */
export function provisioningSource(input: HostProvisioningInput): ProvisioningSource {
  const auth = input.auth;
  switch (auth.mode) {
    case "x509":
      return { source: "manual-x509", hubHostName: input.hubHostName, deviceId: input.deviceId, identityCertPath: IDENTITY_CERT_PATH, identityKeyPath: IDENTITY_KEY_PATH };
    case "connectionString":
      return { source: "manual-connection-string", connectionString: auth.connectionString };
    case "dps":
      return {
        source: "dps",
        dps: {
          idScope: auth.idScope,
          registrationId: input.deviceId,
          attestation: auth.attestation.method === "x509"
            ? { method: "x509", identityCertPath: IDENTITY_CERT_PATH, identityKeyPath: IDENTITY_KEY_PATH }
            : { method: "symmetric_key", symmetricKey: auth.attestation.symmetricKey },
        },
      };
  }
}

/** The credentials the host keeps as files: a certificate and key for X.509 (manual or DPS), none otherwise. */
function identityFiles(auth: DeviceAuth): { certificatePem: string; privateKeyPem: string } | undefined {
  if (auth.mode === "x509") return auth;
  if (auth.mode === "dps" && auth.attestation.method === "x509") return auth.attestation;
  return undefined;
}

/** `/etc/aziot/config.toml`: a header and the provisioning section. */
export function renderConfigToml(source: ProvisioningSource): string {
  return [
    "# Written by the iotedge-provision Run Command (lib/edge/hostProvisioning.ts); applied with `iotedge config apply`.",
    "",
    provisioningSection(source),
  ].join("\n");
}

function aptPin(version: IotEdgeVersion): string {
  // The -1 record forbids every other aziot-edge version, so a missing line fails loudly instead
  // of installing the newest one. The identity service is only preferred on the same line: that
  // both packages share version lines is inferred from past releases (unconfirmed for 1.6), and
  // apt's resolver would not pick a non-candidate version to satisfy aziot-edge's exact dependency.
  // Above 1000, apt moves to the pinned line even when that is a downgrade (1.6 -> 1.5 on a
  // running host, apt_preferences(5)); the script passes --allow-downgrades for it.
  return [
    `Explanation: keep IoT Edge on the ${version} line (rendered by lib/edge/hostProvisioning.ts)`,
    "Package: aziot-edge",
    `Pin: version ${version}.*`,
    "Pin-Priority: 1001",
    "",
    "Explanation: no other aziot-edge version may be installed",
    "Package: aziot-edge",
    "Pin: version *",
    "Pin-Priority: -1",
    "",
    "Explanation: prefer the identity service of the same line",
    "Package: aziot-identity-service",
    `Pin: version ${version}.*`,
    "Pin-Priority: 1001",
    "",
  ].join("\n");
}

export interface RunCommandParameter {
  name: string;
  value: string;
}

/** What the Run Command receives; `protectedParameters` must reach Azure as a Pulumi secret. */
export interface HostProvisioning {
  /** The provisioning script (provision.sh), the Run Command's `source.script`. */
  script: string;
  /** Non-secret settings, in a fixed order; the script reads them as environment variables. */
  parameters: RunCommandParameter[];
  /** config.toml and, for X.509, the certificate and key, each base64 (multi-line values survive). */
  protectedParameters: RunCommandParameter[];
  /** The rendered config.toml (also inside protectedParameters). */
  configToml: string;
  /** X.509 only: the SHA-256 thumbprint of the certificate the host is given. */
  identityThumbprint?: string;
}

const b64 = (text: string): string => Buffer.from(text, "utf8").toString("base64");

/**
 * Renders the Run Command's inputs for one host; throws {@link HostProvisioningInputError} on
 * invalid input. Parameter names are prefixed EDGE_ so no setting can shadow a shell variable.
 */
export function renderHostProvisioning(input: HostProvisioningInput): HostProvisioning {
  assertHostProvisioningInput(input);
  const configToml = renderConfigToml(provisioningSource(input));
  const parameters: RunCommandParameter[] = [
    { name: "EDGE_UBUNTU_VERSION", value: input.ubuntuVersion },
    { name: "EDGE_IOTEDGE_VERSION", value: input.iotEdgeVersion },
    // The script knows two credential kinds: identity files (x509) or a secret inside config.toml.
    { name: "EDGE_AUTH_MODE", value: identityFiles(input.auth) ? "x509" : "connectionString" },
    { name: "EDGE_PROVISIONING", value: input.auth.mode === "dps" ? "dps" : "manual" },
    { name: "EDGE_SECURITY_AGENT", value: input.securityAgent },
    { name: "EDGE_DEVICE_ID", value: input.deviceId },
    { name: "EDGE_APT_PIN_B64", value: b64(aptPin(input.iotEdgeVersion)) },
  ];
  const protectedParameters: RunCommandParameter[] = [{ name: "EDGE_CONFIG_TOML_B64", value: b64(configToml) }];
  let identityThumbprint: string | undefined;
  const files = identityFiles(input.auth);
  if (files) {
    protectedParameters.push(
      { name: "EDGE_IDENTITY_CERT_B64", value: b64(normalizePem(files.certificatePem)) },
      { name: "EDGE_IDENTITY_KEY_B64", value: b64(normalizePem(files.privateKeyPem)) },
    );
    identityThumbprint = sha256Thumbprint(files.certificatePem);
    // Not a secret: the hub shows it, and the stack exports it; it lets a later run see which
    // certificate the host runs.
    parameters.push({ name: "EDGE_IDENTITY_THUMBPRINT", value: identityThumbprint });
  }
  return { script: readFileSync(SCRIPT_SOURCE, "utf8"), parameters, protectedParameters, configToml, identityThumbprint };
}
