/**
 * Renders the edge VM's cloud-init user data (its customData): a bootstrap that is the same for
 * every VM, every device and every stage, holds no secret and depends on nothing that can change
 * during the VM's life. Pure and constant: the same bytes on every run.
 *
 * Why so little: Azure refuses any update of a VM's customData (`PropertyChangeNotAllowed`,
 * HTTP 409), cloud-init reads it only on first boot, and azure-native plans a change to it as an
 * in-place update that Azure then refuses. Everything that may change (the device's identity,
 * `/etc/aziot/config.toml`, the IoT Edge line, the security agent) reaches the host through its
 * managed Run Command instead (lib/edge/hostProvisioning.ts, components/edgeHost.ts).
 *
 * What stays here: the audit rules (fixed, and in place before anything else runs, so auditd
 * loads them when the Run Command installs it) and a note that says where provisioning lives.
 */
import { stringify } from "yaml";

export const AUDIT_RULES_PATH = "/etc/audit/rules.d/60-iotedge-auth.rules";
/** Syslog facility the audit records arrive on, for the Azure Monitor Agent's data collection rule. */
export const AUDIT_SYSLOG_FACILITY = "local6";
/** A note for whoever logs in: provisioning is the Run Command's, not cloud-init's. */
export const BOOTSTRAP_NOTE_PATH = "/etc/iotedge-bootstrap.txt";
/** Azure decodes customData to at most 65535 bytes (compute API, osProfile.customData). */
export const MAX_CUSTOM_DATA_BYTES = 65535;

const AUDIT_RULES = [
  "# Changes to authentication-relevant files; audisp forwards them to syslog (rendered by lib/edge/cloudinit.ts).",
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

const NOTE = [
  "This VM's cloud-init only wrote the audit rules and this note; it never changes after creation.",
  "IoT Edge, the device identity, auditd and the security agent are provisioned by the VM's managed",
  "Run Command `iotedge-provision` (see the portal: VM > Run command), which runs again whenever its",
  "inputs change. Status: /var/lib/iotedge-provisioning/status; log: sudo less /var/log/iotedge-provisioning.log",
  "",
].join("\n");

interface WriteFile {
  path: string;
  owner: string;
  permissions: string;
  content: string;
}

/** Renders the constant `#cloud-config` bootstrap. */
export function renderCloudInit(): string {
  const files: WriteFile[] = [
    { path: AUDIT_RULES_PATH, owner: "root:root", permissions: "0640", content: AUDIT_RULES },
    { path: BOOTSTRAP_NOTE_PATH, owner: "root:root", permissions: "0644", content: NOTE },
  ];
  // YAML 1.1 is what cloud-init's PyYAML reads: it makes the library quote strings such as "0600"
  // or "yes" that 1.1 would otherwise turn into numbers or booleans.
  return `#cloud-config\n${stringify({ write_files: files }, { version: "1.1", lineWidth: 0, blockQuote: "literal" })}`;
}
