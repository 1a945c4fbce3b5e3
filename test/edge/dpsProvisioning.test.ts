/** The DPS config.toml, compared whole for each attestation. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { renderDpsConfigToml, renderDpsProvisioning } from "../../lib/edge/dpsProvisioning";

test("symmetric key: the [provisioning] section, whole", () => {
  assert.equal(renderDpsProvisioning({ idScope: "0ne00A1B2C3", registrationId: "edge-001", attestation: { method: "symmetric_key", symmetricKey: "a2V5" } }), [
    "[provisioning]",
    'source = "dps"',
    'global_endpoint = "https://global.azure-devices-provisioning.net"',
    'id_scope = "0ne00A1B2C3"',
    "",
    "[provisioning.attestation]",
    'method = "symmetric_key"',
    'registration_id = "edge-001"',
    'symmetric_key = { value = "a2V5" }',
    "",
  ].join("\n"));
});

test("x509: the whole config.toml with the identity files and the edge agent of the line", () => {
  assert.equal(renderDpsConfigToml({ idScope: "0ne00A1B2C3", registrationId: "edge-002", iotEdgeVersion: "1.6", attestation: { method: "x509" } }), [
    "# IoT Edge provisioning through the Device Provisioning Service (secure-iot-edge).",
    "# Apply with: sudo iotedge config apply -c /etc/aziot/config.toml",
    "",
    "[provisioning]",
    'source = "dps"',
    'global_endpoint = "https://global.azure-devices-provisioning.net"',
    'id_scope = "0ne00A1B2C3"',
    "",
    "[provisioning.attestation]",
    'method = "x509"',
    'registration_id = "edge-002"',
    'identity_cert = "file:///var/aziot/certs/device-identity.cert.pem"',
    'identity_pk = "file:///var/aziot/secrets/device-identity.key.pem"',
    "",
    "[agent]",
    'name = "edgeAgent"',
    'type = "docker"',
    "",
    "[agent.config]",
    'image = "mcr.microsoft.com/azureiotedge-agent:1.6"',
    "",
  ].join("\n"));
});

test("bad input is refused, naming the field: ID scope, registration id, key", () => {
  const ok = { idScope: "0ne00A1B2C3", registrationId: "edge-001", attestation: { method: "x509" as const } };
  assert.throws(() => renderDpsProvisioning({ ...ok, idScope: "0ne00A1B2C" }), /idScope "0ne00A1B2C"/);
  assert.throws(() => renderDpsProvisioning({ ...ok, registrationId: "Edge" }), /registrationId "Edge"/);
  assert.throws(() => renderDpsProvisioning({ ...ok, attestation: { method: "symmetric_key", symmetricKey: "not base64!" } }), /symmetricKey: allowed: base64/);
  assert.doesNotThrow(() => renderDpsProvisioning({ ...ok, registrationId: "a".repeat(128) }));
  assert.throws(() => renderDpsProvisioning({ ...ok, registrationId: "a".repeat(129) }), /registrationId/);
});
