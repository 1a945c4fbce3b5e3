/**
 * GIVEN fleetProvisioning=dps, WHEN the real program runs under the Pulumi mock engine, THEN it
 * declares a DPS linked to the hub through a dedicated policy, one enrollment group whose initial
 * twin tags are the deployment's target, no resource per fleet device, and every key as a secret.
 * (Mock engine: proves what the program declares, not what Azure or DPS do with it.)
 */
import { describe, test, before } from "node:test";
import * as assert from "node:assert/strict";
import { declareStack, ofType, one } from "../helpers/stacks";
import { isSecret, MOCK_DPS_KEY, MOCK_ID_SCOPE, revealSecrets, type DeclaredResource, type DeclaredStack } from "../../lib/plan/mockEngine";
import { deriveDeviceKey } from "../../lib/dps/keys";

const DPS = "azure-native:deviceprovisioningservices:IotDpsResource";
const HUB = "azure-native:iothub:IotHubResource";
const DYN = "pulumi-nodejs:dynamic:Resource";
type Props = Record<string, unknown>;
const plain = (r: DeclaredResource): Props => revealSecrets(r.inputs) as Props;
const group = (s: DeclaredStack) => {
  const found = ofType(s.resources, DYN).filter((r) => "enrollmentGroupId" in r.inputs);
  assert.equal(found.length, 1);
  return found[0];
};
const configuration = (s: DeclaredStack) => ofType(s.resources, DYN).find((r) => "targetCondition" in r.inputs) as DeclaredResource;
// Enough hub units for the fleet's security messages, so only the device count differs.
const dps = (count: number, extra: Record<string, unknown> = {}) =>
  declareStack("dev", { fleetProvisioning: "dps", edgeDeviceCount: count, securityAgent: "none", hubSku: "S3", hubUnits: 10, ...extra });

describe("fleetProvisioning dps declares (mock engine)", () => {
  let one1: DeclaredStack;
  let many: DeclaredStack;
  let symkey: DeclaredStack;
  before(async () => {
    one1 = await dps(1);
    many = await dps(10000);
    symkey = await dps(1, { dpsAttestation: "symmetricKey" });
  });

  test("the same resources for 1 and for 10,000 devices (nothing per fleet device)", () => {
    // Device ids are zero-padded to the fleet's width (edge-001 vs edge-00001): compare without it.
    const shape = (s: DeclaredStack) => s.resources.map((r) => `${r.type}::${r.name}`.replace(/edge-0+1/g, "edge-1")).sort();
    assert.equal(many.resources.length, one1.resources.length);
    assert.deepEqual(shape(many), shape(one1));
  });

  test("a registry stack of 10 devices declares per-device identities (the contrast dps removes)", async () => {
    const registry = await declareStack("dev", { edgeDeviceCount: 10, securityAgent: "none" });
    const devices = ofType(registry.resources, DYN).filter((r) => "auth" in r.inputs);
    assert.equal(devices.length, 10);
    assert.equal(ofType(registry.resources, DPS).length, 0);
  });

  test("one S1 DPS with hashed allocation in the hub's region, linked by a connection string of the dps-link policy", () => {
    const d = one(one1.resources, DPS);
    const p = plain(d);
    assert.deepEqual(p.sku, { name: "S1", capacity: 1 });
    assert.equal(p.location, plain(one(one1.resources, HUB)).location);
    const props = p.properties as { allocationPolicy: string; iotHubs: { connectionString: string; location: string }[] };
    assert.equal(props.allocationPolicy, "Hashed");
    assert.equal(props.iotHubs.length, 1);
    assert.match(props.iotHubs[0].connectionString, /^HostName=iot-[a-z0-9-]+\.azure-devices\.net;SharedAccessKeyName=dps-link;SharedAccessKey=.+$/);
    const raw = d.inputs.properties as { iotHubs?: { connectionString: unknown }[] } | { value: { iotHubs: { connectionString: unknown }[] } };
    const link = "iotHubs" in raw && raw.iotHubs ? raw.iotHubs[0].connectionString : undefined;
    assert.ok(isSecret(raw) || isSecret(link), "the link's connection string is a secret input");
  });

  test("the hub declares the dps-link policy with RegistryWrite and ServiceConnect only, and keeps iothubowner", () => {
    const policies = (plain(one(one1.resources, HUB)).properties as { authorizationPolicies: { keyName: string; rights: string }[] }).authorizationPolicies;
    assert.deepEqual(policies.find((x) => x.keyName === "dps-link"), { keyName: "dps-link", rights: "RegistryWrite, ServiceConnect" });
    assert.ok(policies.some((x) => x.keyName === "iothubowner"));
  });

  test("a registry stack declares no dps-link policy", async () => {
    const registry = await declareStack("dev", {});
    const policies = (plain(one(registry.resources, HUB)).properties as { authorizationPolicies: { keyName: string }[] }).authorizationPolicies;
    assert.ok(!policies.some((x) => x.keyName === "dps-link"), JSON.stringify(policies));
  });

  test("the simulated VM registers through DPS: its Run Command's config.toml has source dps and the ID scope, and no hub identity is declared for it", () => {
    const rc = one(one1.resources, "azure-native:compute:VirtualMachineRunCommandByVirtualMachine");
    const p = plain(rc) as { parameters: { name: string; value: string }[]; protectedParameters: { name: string; value: string }[] };
    const param = (list: { name: string; value: string }[], name: string) => list.find((x) => x.name === name)?.value;
    assert.equal(param(p.parameters, "EDGE_PROVISIONING"), "dps");
    assert.equal(param(p.parameters, "EDGE_AUTH_MODE"), "x509", "the leaf certificate and key are identity files");
    const toml = Buffer.from(param(p.protectedParameters, "EDGE_CONFIG_TOML_B64") ?? "", "base64").toString("utf8");
    assert.ok(toml.includes(`[provisioning]\nsource = "dps"\nglobal_endpoint = "https://global.azure-devices-provisioning.net"\nid_scope = "${MOCK_ID_SCOPE}"\n`), toml);
    assert.ok(toml.includes('registration_id = "edge-001"'), toml);
    assert.ok(isSecret(rc.inputs.protectedParameters), "protectedParameters reach the engine as a secret");
    assert.equal(ofType(one1.resources, DYN).filter((r) => "auth" in r.inputs).length, 0, "no EdgeDevice identity in dps mode");
    const sym = plain(one(symkey.resources, "azure-native:compute:VirtualMachineRunCommandByVirtualMachine")) as typeof p;
    assert.equal(param(sym.parameters, "EDGE_AUTH_MODE"), "connectionString", "a derived key lives inside config.toml");
    assert.ok(Buffer.from(param(sym.protectedParameters, "EDGE_CONFIG_TOML_B64") ?? "", "base64").toString("utf8").includes('method = "symmetric_key"'));
  });

  test("the enrollment group's initial twin tags select it into the at-scale deployment", () => {
    const g = plain(group(one1));
    const target = String(plain(configuration(one1)).targetCondition);
    const tags = g.tags as Record<string, string>;
    assert.deepEqual(tags, { stack: "secure-iot-edge-dev" });
    assert.equal(target, `tags.stack='${tags.stack}'`);
    assert.equal(g.enrollmentGroupId, "secure-iot-edge-dev-x509");
    assert.equal(g.iotHubHostName, `${String(plain(one(one1.resources, HUB)).resourceName)}.azure-devices.net`);
  });

  test("x509: the group trusts the intermediate CA, which the root signs", () => {
    const g = plain(group(one1));
    const a = g.attestation as { type: string; x509: { signingCertificates: { primary: { certificate: string } } } };
    assert.equal(a.type, "x509");
    assert.match(a.x509.signingCertificates.primary.certificate, /^-----BEGIN CERTIFICATE-----/);
    const intermediate = one1.resources.find((r) => r.name === "dps-intermediate") as DeclaredResource;
    assert.equal((plain(intermediate) as Props).isCaCertificate, true);
    const root = one1.resources.find((r) => r.name === "dps-root") as DeclaredResource;
    assert.equal((plain(root) as Props).isCaCertificate, true);
  });

  test("the DPS key reaches the enrollment group only as a secret input", () => {
    const g = group(one1);
    assert.ok(isSecret(g.inputs.dpsKey));
    assert.equal(plain(g).dpsKey, MOCK_DPS_KEY);
    assert.equal(plain(g).keyName, "provisioningserviceowner");
  });

  test("symmetricKey: the group keys are a secret input, and the group id says so", () => {
    const g = group(symkey);
    assert.ok(isSecret(g.inputs.attestation));
    const p = plain(g);
    assert.equal(p.enrollmentGroupId, "secure-iot-edge-dev-symkey");
    const a = p.attestation as { type: string; symmetricKey: { primaryKey: string; secondaryKey: string } };
    assert.equal(a.type, "symmetricKey");
    assert.equal(Buffer.from(a.symmetricKey.primaryKey, "base64").length, 64);
  });

  test("the simulated host's provisioning uses DPS: source dps, the DPS's ID scope, its registration id", () => {
    const hosts = many.outputs.dpsHostProvisioning as Record<string, { registrationId: string; configToml: string; identityCertPem?: string }>;
    assert.deepEqual(Object.keys(hosts), ["edge-00001"]);
    const h = hosts["edge-00001"];
    assert.match(h.configToml, /\[provisioning\]\nsource = "dps"\nglobal_endpoint = "https:\/\/global\.azure-devices-provisioning\.net"\nid_scope = "0ne00A1B2C3"\n/);
    assert.ok(h.configToml.includes(`id_scope = "${MOCK_ID_SCOPE}"`));
    assert.ok(h.configToml.includes('method = "x509"\nregistration_id = "edge-00001"'));
    assert.equal((h.identityCertPem?.match(/BEGIN CERTIFICATE/g) ?? []).length, 2, "leaf then intermediate");
  });

  test("symmetricKey: the simulated host's key is derived from the group key", () => {
    const hosts = symkey.outputs.dpsHostProvisioning as Record<string, { configToml: string }>;
    const groupKey = (symkey.outputs.dps as { groupKey: string }).groupKey;
    assert.ok(hosts["edge-001"].configToml.includes(`symmetric_key = { value = "${deriveDeviceKey(groupKey, "edge-001")}" }`));
  });

  test("every DPS key and private key in the outputs is a secret, each on its own", () => {
    assert.ok(one1.secretOutputs.includes("dps.intermediateKeyPem"));
    assert.ok(one1.secretOutputs.includes("dpsHostProvisioning"));
    assert.ok(!one1.secretOutputs.includes("dps.idScope"));
    assert.ok(!one1.secretOutputs.includes("dps.rootCertPem"));
    assert.ok(symkey.secretOutputs.includes("dps.groupKey"));
    assert.ok(symkey.secretOutputs.includes("dpsHostProvisioning"));
  });
});
