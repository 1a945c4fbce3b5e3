/**
 * GIVEN the dev and prod stack files (plus overrides), WHEN the real program runs under the Pulumi
 * mock engine, THEN it declares one IoT Edge device identity per device and one deployment that
 * reaches them all, with the hub key only ever a secret input and no secret in a plain output.
 * (Mock engine: this proves what the program declares, not what IoT Hub does with it.)
 */
import { describe, test, before } from "node:test";
import * as assert from "node:assert/strict";
import { createHash, X509Certificate } from "node:crypto";
import { declareStack, ofType } from "../helpers/stacks";
import {
  isSecret,
  maskedOutputs,
  mockState,
  MOCK_DATAPLANE_KEY,
  MOCK_OWNER_KEY,
  revealSecrets,
  SECRET_MARKER,
  type DeclaredResource,
  type DeclaredStack,
} from "../../lib/plan/mockEngine";
import { mockPrivateKeyPem, mockSelfSignedCertPem } from "../../lib/plan/mockCert";
import { sha256Thumbprint } from "../../lib/edge/x509";

const T = {
  dynamic: "pulumi-nodejs:dynamic:Resource",
  vm: "azure-native:compute:VirtualMachine",
  key: "tls:index/privateKey:PrivateKey",
  cert: "tls:index/selfSignedCert:SelfSignedCert",
};
const FLEET_PARENT = "secure-iot-edge:index:EdgeFleet::fleet";
const STACK_TAG = { stack: "secure-iot-edge-dev" };
const CONFIGURATION_ID = /^secure-iot-edge-dev-[0-9a-f]{8}$/;
const DATAPLANE_KEY_TEXT = Buffer.from(MOCK_DATAPLANE_KEY, "base64").toString("utf8");

type Props = Record<string, unknown>;
const inputs = (r: DeclaredResource): Props => revealSecrets(r.inputs) as Props;

/** The fleet's dynamic resources, told apart by their input shape (all share one type token). */
const dynamics = (s: DeclaredStack) => ofType(s.resources, T.dynamic);
const edgeDevices = (s: DeclaredStack) => dynamics(s).filter((r) => "auth" in r.inputs);
const deployments = (s: DeclaredStack) => dynamics(s).filter((r) => "targetCondition" in r.inputs);
const deviceContents = (s: DeclaredStack) => dynamics(s).filter((r) => "content" in r.inputs && "deviceId" in r.inputs);

function theDeployment(s: DeclaredStack): DeclaredResource {
  const found = deployments(s);
  assert.equal(found.length, 1, "exactly one EdgeDeployment");
  assert.equal(found[0].name, "fleet-deployment");
  return found[0];
}

/** The certificate the mock engine produced for `fleet-<device>-cert`. */
function deviceCertPem(s: DeclaredStack, deviceId: string): string {
  const cert = s.resources.find((r) => r.type === T.cert && r.name === `fleet-${deviceId}-cert`);
  assert.ok(cert, `fleet-${deviceId}-cert declared`);
  return String(mockState(cert.type, cert.name, cert.inputs).state.certPem);
}

/** SHA-256 of the certificate's DER, upper-case hex: computed here, independently of lib/x509. */
const derSha256 = (pem: string) => createHash("sha256").update(new X509Certificate(pem).raw).digest("hex").toUpperCase();

describe("dev fleet (mock engine: what the program declares)", () => {
  let s: DeclaredStack;
  before(async () => {
    s = await declareStack("dev");
  });

  test("declares one EdgeDevice per device, named fleet-<device>, under the fleet component", () => {
    const devices = edgeDevices(s);
    assert.deepEqual(devices.map((d) => d.name), ["fleet-edge-001"]);
    assert.equal(devices[0].parent, FLEET_PARENT);
    assert.deepEqual(s.outputs.edgeDevices, ["edge-001"]);
  });

  test("the EdgeDevice registers the device's own self-signed certificate by its SHA-256 thumbprint", () => {
    const device = inputs(edgeDevices(s)[0]);
    assert.equal(device.deviceId, "edge-001");
    const auth = device.auth as Props;
    assert.equal(auth.type, "selfSigned");
    assert.match(String(auth.primaryThumbprint), /^[0-9A-F]{64}$/);
    const pem = deviceCertPem(s, "edge-001");
    assert.equal(pem, mockSelfSignedCertPem("edge-001"), "the mock certificate for edge-001");
    assert.equal(auth.primaryThumbprint, derSha256(pem));
    assert.equal(auth.primaryThumbprint, sha256Thumbprint(pem));
    assert.deepEqual(s.outputs.deviceThumbprints, { "edge-001": auth.primaryThumbprint }, "exposed as a plain stack output");
    assert.ok(!s.secretOutputs.includes("deviceThumbprints"));
  });

  test("the EdgeDevice carries the stack's twin tag and the program's least-privilege policy key (not iothubowner) only as a secret", () => {
    const device = edgeDevices(s)[0];
    assert.deepEqual(inputs(device).tags, STACK_TAG);
    assert.equal(inputs(device).hubHostName, "iot-iotedge-dev-a1b2c3.azure-devices.net");
    assert.equal(inputs(device).keyName, "pulumi-dataplane");
    assert.ok(isSecret(device.inputs.hubKey), "hubKey reaches the engine wrapped as a secret");
    assert.equal((device.inputs.hubKey as { value: unknown }).value, MOCK_DATAPLANE_KEY);
    assert.equal(inputs(device).dataPlaneAuth, "sas");
    assert.equal(inputs(device).hubSku, "S1", "the provider paces by the hub's tier");
    assert.equal(inputs(device).hubUnits, 1);
    assert.equal(inputs(device).retryMinutes, 15);
  });

  test("declares one EdgeDeployment whose target condition selects the devices' tag", () => {
    const d = theDeployment(s);
    const dep = inputs(d);
    assert.equal(d.parent, FLEET_PARENT);
    assert.equal(dep.targetCondition, "tags.stack='secure-iot-edge-dev'");
    assert.equal(dep.targetCondition, `tags.stack='${(inputs(edgeDevices(s)[0]).tags as Props).stack}'`, "the condition matches the devices' tag");
    assert.ok(isSecret(d.inputs.hubKey));
  });

  test("the deployment carries the manifest ($edgeAgent, $edgeHub), the configured priority and stage labels", () => {
    const dep = inputs(theDeployment(s));
    const modules = (dep.content as Props).modulesContent as Props;
    assert.ok("$edgeAgent" in modules);
    assert.ok("$edgeHub" in modules);
    assert.equal(dep.priority, 10, "deploymentPriority's default");
    assert.deepEqual(dep.labels, { stage: "dev", securityAgent: "defender-for-servers" });
  });

  test("the configuration id is <project>-<stage>-<8 hex of the content hash> and is exported", () => {
    const id = String(inputs(theDeployment(s)).configurationId);
    assert.match(id, CONFIGURATION_ID);
    assert.equal(s.outputs.edgeDeploymentId, id);
  });
});

describe("fleet scaling and deployment identity (mock engine: what the program declares)", () => {
  test("25 devices with 1 simulated declare 25 EdgeDevices, still one deployment, and one VM", async () => {
    const s = await declareStack("dev", { edgeDeviceCount: 25, simulatedDevices: 1 });
    const devices = edgeDevices(s).map(inputs);
    const expected = Array.from({ length: 25 }, (_, i) => `edge-${String(i + 1).padStart(3, "0")}`);
    assert.deepEqual(devices.map((d) => d.deviceId).sort(), expected);
    assert.deepEqual(edgeDevices(s).map((d) => d.name).sort(), expected.map((d) => `fleet-${d}`));
    for (const d of devices) assert.deepEqual(d.tags, STACK_TAG);
    const thumbprints = new Set(devices.map((d) => (d.auth as Props).primaryThumbprint));
    assert.equal(thumbprints.size, 25, "every device has its own certificate");
    theDeployment(s);
    assert.equal(ofType(s.resources, T.vm).length, 1);
  });

  test("deploymentPriority sets the priority in place: the configuration id does not change", async () => {
    const base = await declareStack("dev");
    const s = await declareStack("dev", { deploymentPriority: 50 });
    const dep = inputs(theDeployment(s));
    assert.equal(dep.priority, 50);
    assert.equal(dep.configurationId, inputs(theDeployment(base)).configurationId);
  });

  test("defender-for-servers deploys the same edge content as none: nothing of it runs on the edge runtime", async () => {
    const servers = inputs(theDeployment(await declareStack("dev", { securityAgent: "defender-for-servers" })));
    const none = inputs(theDeployment(await declareStack("dev", { securityAgent: "none" })));
    assert.deepEqual(servers.content, none.content);
    assert.equal((servers.labels as Props).securityAgent, "defender-for-servers");
  });

  test("a content change (securityAgent none vs classic-module) gives a new configuration id", async () => {
    const micro = inputs(theDeployment(await declareStack("dev", { securityAgent: "classic-module" })));
    const none = inputs(theDeployment(await declareStack("dev", { securityAgent: "none" })));
    assert.notDeepEqual(none.content, micro.content, "the manifests differ");
    assert.match(String(none.configurationId), CONFIGURATION_ID);
    assert.notEqual(none.configurationId, micro.configurationId);
    assert.equal((none.labels as Props).securityAgent, "none");
  });

  test("single-device mode with 2 devices declares 2 EdgeDeviceContent (fleet-<device>-modules) and no EdgeDeployment", async () => {
    const atScale = await declareStack("dev", { edgeDeviceCount: 2 });
    const s = await declareStack("dev", { deploymentMode: "single-device", edgeDeviceCount: 2 });
    assert.equal(deployments(s).length, 0);
    const contents = deviceContents(s);
    assert.deepEqual(contents.map((c) => c.name).sort(), ["fleet-edge-001-modules", "fleet-edge-002-modules"]);
    for (const c of contents) {
      const device = c.name.replace(/^fleet-|-modules$/g, "");
      assert.equal(inputs(c).deviceId, device);
      assert.deepEqual(inputs(c).content, inputs(theDeployment(atScale)).content, "the same manifest as at-scale");
      assert.ok(isSecret(c.inputs.hubKey));
      assert.equal(c.parent, FLEET_PARENT);
    }
    assert.equal(edgeDevices(s).length, 2);
    assert.equal(s.outputs.edgeDeploymentId, "");
  });
});

describe("connection-string fleet (mock engine: what the program declares)", () => {
  let s: DeclaredStack;
  before(async () => {
    s = await declareStack("dev", { deviceAuth: "connectionString", edgeDeviceCount: 2 });
  });

  test("declares EdgeDevices with sas auth and no tls key or certificate for the fleet", () => {
    const devices = edgeDevices(s);
    assert.equal(devices.length, 2);
    for (const d of devices) assert.deepEqual(inputs(d).auth, { type: "sas" });
    assert.equal(ofType(s.resources, T.cert).length, 0);
    assert.deepEqual(s.resources.filter((r) => r.type.startsWith("tls:") && r.parent === FLEET_PARENT), []);
  });

  test("exports the real device's connection string only inside the secret deviceCredentials", () => {
    assert.ok(s.secretOutputs.includes("deviceCredentials"));
    const creds = s.outputs.deviceCredentials as Record<string, Props>;
    assert.deepEqual(Object.keys(creds), ["edge-002"], "only the device without a VM");
    assert.equal(creds["edge-002"].mode, "connectionString");
    assert.match(String(creds["edge-002"].connectionString), /^HostName=iot-iotedge-dev-a1b2c3\.azure-devices\.net;DeviceId=edge-002;SharedAccessKey=.+/);
    const masked = JSON.stringify(maskedOutputs(s));
    assert.equal(maskedOutputs(s).deviceCredentials, SECRET_MARKER);
    assert.ok(!masked.includes("SharedAccessKey="));
  });
});

describe("x509 device credentials (mock engine: what the program declares)", () => {
  test("the secret deviceCredentials hold, per real device, the certificate whose thumbprint the hub registers", async () => {
    const s = await declareStack("dev", { edgeDeviceCount: 2 });
    assert.ok(s.secretOutputs.includes("deviceCredentials"));
    const creds = s.outputs.deviceCredentials as Record<string, Props>;
    assert.deepEqual(Object.keys(creds), ["edge-002"]);
    assert.equal(creds["edge-002"].mode, "x509");
    const device = edgeDevices(s).find((d) => d.name === "fleet-edge-002");
    assert.ok(device);
    assert.equal((inputs(device).auth as Props).primaryThumbprint, derSha256(String(creds["edge-002"].certificatePem)));
    assert.equal(creds["edge-002"].privateKeyPem, mockPrivateKeyPem());
  });
});

describe("no hub key or private key outside secrets (mock engine: what the program declares)", () => {
  const cases: [string, string, Record<string, unknown>][] = [
    ["dev", "dev", {}],
    ["prod", "prod", {}],
    ["dev, 3 x509 devices, 1 VM", "dev", { edgeDeviceCount: 3 }],
    ["dev, connectionString, 2 devices", "dev", { deviceAuth: "connectionString", edgeDeviceCount: 2 }],
    ["dev, single-device, 2 devices", "dev", { deploymentMode: "single-device", edgeDeviceCount: 2 }],
  ];
  for (const [label, stack, overrides] of cases) {
    describe(label, () => {
      let s: DeclaredStack;
      before(async () => {
        s = await declareStack(stack, overrides);
      });

      test("no dynamic provider's serialized code (__provider) contains the hub key", () => {
        const ds = dynamics(s);
        assert.ok(ds.length >= 2);
        for (const d of ds) {
          const provider = d.inputs.__provider;
          assert.equal(typeof provider, "string", `${d.name} has a serialized provider`);
          assert.ok(String(provider).length > 1000, `${d.name}: the provider text is real code`);
          assert.ok(!String(provider).includes(MOCK_DATAPLANE_KEY), `${d.name}: base64 key in provider`);
          assert.ok(!String(provider).includes(DATAPLANE_KEY_TEXT), `${d.name}: decoded key in provider`);
        }
      });

      test("every dynamic resource gets the program's policy key as a secret input, and none the iothubowner key", () => {
        for (const d of dynamics(s)) {
          assert.ok(isSecret(d.inputs.hubKey), d.name);
          assert.equal((d.inputs.hubKey as { value: unknown }).value, MOCK_DATAPLANE_KEY, d.name);
          assert.ok(!JSON.stringify(d.inputs).includes(MOCK_OWNER_KEY), `${d.name}: iothubowner key in its inputs`);
        }
      });

      test("masked outputs contain neither the hub key nor any PRIVATE KEY, though the unmasked ones do hold keys", () => {
        const masked = JSON.stringify(maskedOutputs(s));
        assert.ok(!masked.includes(MOCK_OWNER_KEY));
        assert.ok(!masked.includes(MOCK_DATAPLANE_KEY));
        assert.ok(!masked.includes("PRIVATE KEY"));
        assert.ok(JSON.stringify(s.outputs).includes("PRIVATE KEY"), "control: the SSH key is in the outputs, so masking did work");
      });
    });
  }
});
