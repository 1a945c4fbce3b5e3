/**
 * `/etc/aziot/config.toml` for a device that provisions through the Device Provisioning Service.
 * Pure and deterministic. Keys follow Microsoft's IoT Edge 1.5/1.6 config template
 * (`[provisioning] source = "dps"`, `global_endpoint`, `id_scope`, `[provisioning.attestation]`
 * with `method = "symmetric_key"` and `symmetric_key = { value = "<base64>" }`, or `method = "x509"`
 * with `identity_cert` / `identity_pk` as `file://` URIs).
 *
 * The symmetric-key form embeds the device key: the text is a secret wherever it goes.
 */
import type { IotEdgeVersion } from "../config/types";

export const DPS_GLOBAL_ENDPOINT = "https://global.azure-devices-provisioning.net";
/** Where the bundle and the hosts put an X.509 identity (Microsoft's certificate guide uses these folders). */
export const DPS_IDENTITY_CERT_PATH = "/var/aziot/certs/device-identity.cert.pem";
export const DPS_IDENTITY_KEY_PATH = "/var/aziot/secrets/device-identity.key.pem";

export type DpsAttestationInput =
  | { readonly method: "symmetric_key"; readonly symmetricKey: string }
  | { readonly method: "x509"; readonly identityCertPath?: string; readonly identityKeyPath?: string };

export interface DpsProvisioningInput {
  /** The DPS instance's ID scope, e.g. `0ne00ABCDEF`. */
  readonly idScope: string;
  /** The device's registration id; with an enrollment group it becomes the hub device id. */
  readonly registrationId: string;
  readonly attestation: DpsAttestationInput;
}

const toml = (v: string): string => JSON.stringify(v);

function check(input: DpsProvisioningInput): void {
  const problems: string[] = [];
  if (!/^0ne[0-9A-Fa-f]{8}$/.test(input.idScope)) problems.push(`idScope ${JSON.stringify(input.idScope)}: allowed: 0ne followed by 8 hexadecimal digits`);
  if (!/^[a-z0-9-._:]{0,127}[a-z0-9-]$/.test(input.registrationId)) problems.push(`registrationId ${JSON.stringify(input.registrationId)}: allowed: 1-128 of a-z 0-9 - . _ :`);
  if (input.attestation.method === "symmetric_key" && !/^[A-Za-z0-9+/]+={0,2}$/.test(input.attestation.symmetricKey)) problems.push("attestation.symmetricKey: allowed: base64");
  if (problems.length > 0) throw new Error(`DPS provisioning: ${problems.join("; ")}`);
}

/** The `[provisioning]` section (with its attestation table), ending in a newline. */
export function renderDpsProvisioning(input: DpsProvisioningInput): string {
  check(input);
  const a = input.attestation;
  const attestation = a.method === "symmetric_key"
    ? ['method = "symmetric_key"', `registration_id = ${toml(input.registrationId)}`, `symmetric_key = { value = ${toml(a.symmetricKey)} }`]
    : [
        'method = "x509"',
        `registration_id = ${toml(input.registrationId)}`,
        `identity_cert = ${toml(`file://${a.identityCertPath ?? DPS_IDENTITY_CERT_PATH}`)}`,
        `identity_pk = ${toml(`file://${a.identityKeyPath ?? DPS_IDENTITY_KEY_PATH}`)}`,
      ];
  return [
    "[provisioning]",
    'source = "dps"',
    `global_endpoint = ${toml(DPS_GLOBAL_ENDPOINT)}`,
    `id_scope = ${toml(input.idScope)}`,
    "",
    "[provisioning.attestation]",
    ...attestation,
    "",
  ].join("\n");
}

/** The whole config.toml for a device: provisioning plus the edge agent of the stack's IoT Edge line. */
export function renderDpsConfigToml(input: DpsProvisioningInput & { readonly iotEdgeVersion: IotEdgeVersion }): string {
  return [
    "# IoT Edge provisioning through the Device Provisioning Service (secure-iot-edge).",
    "# Apply with: sudo iotedge config apply -c /etc/aziot/config.toml",
    "",
    renderDpsProvisioning(input),
    "[agent]",
    'name = "edgeAgent"',
    'type = "docker"',
    "",
    "[agent.config]",
    `image = ${toml(`mcr.microsoft.com/azureiotedge-agent:${input.iotEdgeVersion}`)}`,
    "",
  ].join("\n");
}
