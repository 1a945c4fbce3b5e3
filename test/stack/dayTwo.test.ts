/**
 * Day two, under the Pulumi mock engine (this proves what the program *declares* on the next
 * `pulumi up`, not what Azure does): for each change from the dev baseline, the VM's inputs
 * (customData included) are byte-identical, and only the named resources change. Plus the
 * certificate rollover order (mock engine and the local fake hub), custom data of every stage
 * free of secrets, protection, the lock's place in the graph, and the refusals.
 */
import { after, before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { declareShared, declareStack, ofType, one, stackFileConfig, stackNames } from "../helpers/stacks";
import type { StateOverride } from "../helpers/declareWorker";
import { declareUnderMocks, revealSecrets, stackFileToRaw, type DeclaredResource, type DeclaredStack } from "../../lib/plan/mockEngine";
import { mockSelfSignedCertPem } from "../../lib/plan/mockCert";
import { sha256Thumbprint } from "../../lib/edge/x509";
import { IotHubClient } from "../../lib/iothub/client";
import { edgeDeviceProviderWith, type ClientFactory, type EdgeDeviceInputs } from "../../lib/iothub/providers";
import { rolloverThumbprints } from "../../lib/edge/certRollover";
import { FakeHub } from "../helpers/fakeHub";
import main from "../../index";

type Props = Record<string, unknown>;
const VM = "azure-native:compute:VirtualMachine";
const RC = "azure-native:compute:VirtualMachineRunCommandByVirtualMachine";
const DYNAMIC = "pulumi-nodejs:dynamic:Resource";
const CERT = "tls:index/selfSignedCert:SelfSignedCert";

const key = (r: DeclaredResource) => `${r.type}::${r.name}`;
const plain = (r: DeclaredResource): Props => revealSecrets(r.inputs) as Props;

/** Every declared resource's inputs as JSON (secrets revealed), by type::name. */
function byKey(s: DeclaredStack): Map<string, string> {
  return new Map(s.resources.map((r) => [key(r), JSON.stringify(plain(r))]));
}

interface Diff { changed: string[]; added: string[]; removed: string[] }
function diff(before: DeclaredStack, afterwards: DeclaredStack): Diff {
  const a = byKey(before);
  const b = byKey(afterwards);
  return {
    changed: [...a.keys()].filter((k) => b.has(k) && a.get(k) !== b.get(k)).sort(),
    added: [...b.keys()].filter((k) => !a.has(k)).sort(),
    removed: [...a.keys()].filter((k) => !b.has(k)).sort(),
  };
}

/** A renewed certificate for `deviceId` (another serial, same key), as the tls provider would give after renewal. */
const renewed = (deviceId: string): StateOverride[] => [{ type: CERT, name: `fleet-${deviceId}-cert`, state: { certPem: mockSelfSignedCertPem(deviceId, 1) } }];

interface DeclareDevOptions {
  previousOutputs?: Record<string, unknown>;
  stateOverrides?: StateOverride[];
  /** Receives each declared resource (for refusals: nothing but the stack may be declared). */
  sink?: DeclaredResource[];
}

async function declareDev(overrides: Record<string, unknown> = {}, options: DeclareDevOptions = {}): Promise<DeclaredStack> {
  const raw = { ...stackFileConfig("dev"), ...stackFileToRaw(overrides) };
  // A sink sees the declaration as it happens, so it is made here rather than shared.
  return options.sink ? declareUnderMocks(main, "dev", raw, { previousOutputs: options.previousOutputs, sink: options.sink }) : declareShared("dev", raw, options);
}

const DEPLOYMENT = `${DYNAMIC}::fleet-deployment`;
const DEVICE_001 = `${DYNAMIC}::fleet-edge-001`;
const RC_001 = `${RC}::edge-001-provision`;
const DEFENDER_PRICING_001 = "azure-native:security:Pricing::defender-servers-edge-001";
const DEFENDER_EXPORT = "azure-native:security:Automation::defender-servers-export";
const DEFENDER_COMPONENT = "secure-iot-edge:index:DefenderForServers::defender-servers";

describe("convergence: each change from the dev baseline leaves the VM untouched (mock engine)", () => {
  let baseline: DeclaredStack;
  before(async () => {
    baseline = await declareDev();
  });

  const cases: { what: string; declare: (b: DeclaredStack) => Promise<DeclaredStack>; changed: string[]; added?: string[]; removed?: string[] }[] = [
    {
      what: "device certificate renewed",
      declare: (b) => declareDev({}, { previousOutputs: b.outputs, stateOverrides: renewed("edge-001") }),
      changed: [RC_001, DEVICE_001],
    },
    {
      what: "deviceAuth x509 -> connectionString",
      declare: () => declareDev({ deviceAuth: "connectionString" }),
      changed: [RC_001, DEVICE_001],
      removed: [`${CERT}::fleet-edge-001-cert`, "tls:index/privateKey:PrivateKey::fleet-edge-001-key"],
    },
    {
      what: "iotEdgeVersion 1.6 -> 1.5 (the deployment's runtime images follow the line)",
      declare: () => declareDev({ iotEdgeVersion: "1.5" }),
      changed: [RC_001, DEPLOYMENT],
    },
    {
      what: "securityAgent defender-for-servers -> classic-module (the host script's agent mode and the deployment's modules change; Defender for Servers is removed)",
      declare: () => declareDev({ securityAgent: "classic-module" }),
      changed: [RC_001, DEPLOYMENT],
      removed: [DEFENDER_PRICING_001, DEFENDER_EXPORT, DEFENDER_COMPONENT],
    },
    {
      what: "securityAgent defender-for-servers -> none (the host script is unchanged, the deployment's agent label changes; Defender for Servers is removed)",
      declare: () => declareDev({ securityAgent: "none" }),
      changed: [DEPLOYMENT],
      removed: [DEFENDER_PRICING_001, DEFENDER_EXPORT, DEFENDER_COMPONENT],
    },
  ];

  for (const c of cases) {
    test(`${c.what}: VM and NIC inputs byte-identical (customData included); only ${c.changed.map((k) => k.split("::")[1]).join(", ")} change`, async () => {
      const next = await c.declare(baseline);
      assert.equal(JSON.stringify(plain(one(next.resources, VM))), JSON.stringify(plain(one(baseline.resources, VM))));
      assert.deepEqual(diff(baseline, next), { changed: c.changed.sort(), added: c.added ?? [], removed: (c.removed ?? []).sort() });
    });
  }

  test("deviceAuth connectionString -> x509: VM byte-identical; only the Run Command and the identity change, the certificate is added", async () => {
    const from = await declareDev({ deviceAuth: "connectionString" });
    const to = await declareDev();
    assert.equal(JSON.stringify(plain(one(to.resources, VM))), JSON.stringify(plain(one(from.resources, VM))));
    assert.deepEqual(diff(from, to), {
      changed: [RC_001, DEVICE_001].sort(),
      added: [`${CERT}::fleet-edge-001-cert`, "tls:index/privateKey:PrivateKey::fleet-edge-001-key"].sort(),
      removed: [],
    });
  });

  test("a second simulated device: edge-001's VM, NIC, Run Command and identity unchanged; the new host's resources are added", async () => {
    const from = await declareDev({ edgeDeviceCount: 2, simulatedDevices: 1 });
    const to = await declareDev({ edgeDeviceCount: 2, simulatedDevices: 2 });
    const d = diff(from, to);
    for (const k of [`${VM}::edge-001`, RC_001, DEVICE_001, "azure-native:network:NetworkInterface::edge-001-nic"]) {
      assert.ok(!d.changed.includes(k), `${k} changed`);
    }
    assert.ok(d.added.includes(`${VM}::edge-002`) && d.added.includes(`${RC}::edge-002-provision`), d.added.join("\n"));
    assert.deepEqual(d.removed, []);
    // What else changes is what lists the VMs: the alert rules that watch them.
    for (const k of d.changed) assert.match(k, /ScheduledQueryRule|MetricAlert/, k);
  });
});

describe("certificate rollover order (mock engine)", () => {
  const oldThumb = sha256Thumbprint(mockSelfSignedCertPem("edge-001"));
  const newThumb = sha256Thumbprint(mockSelfSignedCertPem("edge-001", 1));
  const auth = (s: DeclaredStack) => plain(s.resources.find((r) => key(r) === DEVICE_001)!).auth;
  const delivered = (s: DeclaredStack) => ((plain(s.resources.find((r) => key(r) === RC_001)!).parameters as { name: string; value: string }[]).find((p) => p.name === "EDGE_IDENTITY_THUMBPRINT"))?.value;
  const recorded = (s: DeclaredStack) => (s.outputs.dayTwo as { runningThumbprints: Record<string, string> }).runningThumbprints["edge-001"];

  test("up 1 trusts the first certificate only; up 2 (renewed) trusts new and old and delivers the new one after the identity; up 3 drops the old one", async () => {
    const up1 = await declareDev();
    assert.deepEqual(auth(up1), { type: "selfSigned", primaryThumbprint: oldThumb });
    assert.equal(recorded(up1), oldThumb);

    const up2 = await declareDev({}, { previousOutputs: up1.outputs, stateOverrides: renewed("edge-001") });
    assert.deepEqual(auth(up2), { type: "selfSigned", primaryThumbprint: newThumb, secondaryThumbprint: oldThumb });
    assert.equal(delivered(up2), newThumb);
    assert.ok(up2.resources.find((r) => key(r) === RC_001)!.options?.dependsOn?.includes(DEVICE_001), "the Run Command waits for the identity update");
    assert.equal(recorded(up2), newThumb, "recorded once the Run Command has run");

    const up3 = await declareDev({}, { previousOutputs: up2.outputs, stateOverrides: renewed("edge-001") });
    assert.deepEqual(auth(up3), { type: "selfSigned", primaryThumbprint: newThumb });
  });

  test("when up 2's delivery failed (its outputs were not recorded), up 3 still trusts both", async () => {
    const up1 = await declareDev();
    const up3 = await declareDev({}, { previousOutputs: up1.outputs, stateOverrides: renewed("edge-001") });
    assert.deepEqual(auth(up3), { type: "selfSigned", primaryThumbprint: newThumb, secondaryThumbprint: oldThumb });
  });

  test("exports each device certificate's expiry, and warns nothing while it is far away", async () => {
    const s = await declareDev();
    assert.deepEqual(s.outputs.deviceCertificateExpiry, { "edge-001": "2036-01-01T00:00:00Z" });
    assert.ok(!s.warnings.some((w) => w.includes("certificate expires")), s.warnings.join("\n"));
  });

  test("warns at preview (and so in the plan) when a certificate expires within earlyRenewalHours", async () => {
    const soon = new Date(Date.now() + 10 * 3_600_000).toISOString();
    const s = await declareDev({}, { stateOverrides: [{ type: CERT, name: "fleet-edge-001-cert", state: { validityEndTime: soon } }] });
    assert.ok(s.warnings.some((w) => w.startsWith(`device edge-001: its certificate expires at ${soon} (within earlyRenewalHours = 720)`)), s.warnings.join("\n"));
  });
});

describe("certificate rollover against the fake hub", () => {
  const KEY = Buffer.from("rollover-test-policy-key-0123456789").toString("base64");
  let hub: FakeHub;
  let connect: ClientFactory;
  before(async () => {
    hub = await FakeHub.start({ key: KEY });
    connect = (o) => new IotHubClient({ ...o, baseUrl: hub.baseUrl, timeoutMs: 500, retries: 2, minDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 10 });
  });
  after(async () => {
    await hub.close();
  });

  test("the identity trusts old and new during the rollover and only the new one after it", async () => {
    const oldThumb = sha256Thumbprint(mockSelfSignedCertPem("edge-001"));
    const newThumb = sha256Thumbprint(mockSelfSignedCertPem("edge-001", 1));
    const p = edgeDeviceProviderWith(connect);
    const base: EdgeDeviceInputs = { hubHostName: hub.hostName, hubKey: KEY, keyName: "iothubowner", deviceId: "edge-001", auth: rolloverThumbprints({ current: oldThumb }), tags: {} };
    const created = await p.create(base);
    const stored = () => (hub.devices.get("edge-001") as { authentication: { x509Thumbprint: Props } }).authentication.x509Thumbprint;
    // Both slots are always set (Microsoft's guidance); outside a rollover both hold the one certificate.
    assert.deepEqual(stored(), { primaryThumbprint: oldThumb, secondaryThumbprint: oldThumb });

    const during: EdgeDeviceInputs = { ...base, auth: rolloverThumbprints({ current: newThumb, hostRuns: oldThumb }) };
    const updated = await p.update!("edge-001", created.outs!, during);
    assert.deepEqual(stored(), { primaryThumbprint: newThumb, secondaryThumbprint: oldThumb });

    const done: EdgeDeviceInputs = { ...base, auth: rolloverThumbprints({ current: newThumb, hostRuns: newThumb }) };
    await p.update!("edge-001", updated.outs!, done);
    assert.deepEqual(stored(), { primaryThumbprint: newThumb, secondaryThumbprint: newThumb }, "the old thumbprint is no longer trusted");
  });
});

describe("custom data of every stage, in both auth modes", () => {
  for (const stage of stackNames()) {
    for (const deviceAuth of ["x509", "connectionString"]) {
      test(`${stage}, ${deviceAuth}: decoded customData holds no private key, certificate or connection string`, async () => {
        const s = await declareStack(stage, { deviceAuth });
        const vms = ofType(s.resources, VM);
        assert.ok(vms.length > 0);
        for (const vm of vms) {
          const text = Buffer.from(String((plain(vm).osProfile as Props).customData), "base64").toString("utf8");
          assert.ok(text.startsWith("#cloud-config\n"));
          assert.doesNotMatch(text, /PRIVATE KEY|BEGIN CERTIFICATE|SharedAccessKey|HostName=|connection_string|identity_pk/);
        }
        // Control: the secrets exist in this stack, in the Run Command's protected parameters.
        const rc = plain(one(s.resources, RC));
        const secretText = (rc.protectedParameters as { value: string }[]).map((p) => Buffer.from(p.value, "base64").toString("utf8")).join("\n");
        assert.match(secretText, deviceAuth === "x509" ? /BEGIN PRIVATE KEY/ : /SharedAccessKey=/);
      });
    }
  }
});

describe("protection, the lock and rebuilds (mock engine)", () => {
  test("prod protects the group, hub, workspace and suffix; dev and trial protect nothing", async () => {
    const types = ["random:index/randomString:RandomString", "azure-native:resources:ResourceGroup", "azure-native:iothub:IotHubResource", "azure-native:operationalinsights:Workspace"];
    const prod = await declareStack("prod");
    for (const t of types) assert.equal(one(prod.resources, t).options?.protect, true, t);
    for (const stage of ["dev", "trial"]) {
      const s = await declareStack(stage);
      for (const t of types) assert.equal(one(s.resources, t).options?.protect ?? false, false, `${stage} ${t}`);
      assert.ok(!s.resources.some((r) => r.options?.protect), `${stage} protects nothing`);
    }
  });

  test("the lock depends on every other stage component, so it is created last and deleted first", async () => {
    const prod = await declareStack("prod");
    const lock = one(prod.resources, "azure-native:authorization:ManagementLockAtResourceGroupLevel");
    const components = prod.resources.filter((r) => !r.custom && r.parent === "secure-iot-edge:index:StageResourceGroup::prod").map(key).sort();
    assert.ok(components.length >= 8, components.join("\n"));
    assert.deepEqual([...(lock.options?.dependsOn ?? [])].sort(), components);
  });

  test("the suffix has no keepers (an existing stack keeps its names); a region change on an existing stack is refused before anything is declared", async () => {
    const dev = await declareDev();
    assert.equal(plain(one(dev.resources, "random:index/randomString:RandomString")).keepers, undefined);
    const sink: DeclaredResource[] = [];
    await assert.rejects(
      declareDev({ hubRegion: "northeurope" }, { previousOutputs: dev.outputs, sink }),
      /hubRegion = "northeurope": this stack's hub is in westeurope, and Azure cannot move it.*workspaceRegion = "northeurope": this stack's workspace is in westeurope.*create a new stack/s,
    );
    assert.deepEqual(sink.filter((r) => r.type !== "pulumi:pulumi:Stack").map(key), [], "nothing but the stack itself was declared");
    // Controls: the same region on an existing stack, and another region on a new stack, go ahead.
    await declareDev({}, { previousOutputs: dev.outputs });
    await declareDev({ hubRegion: "northeurope" });
  });

  test("Bastion Standard -> Developer on an existing stack is a replacement; Standard -> Premium stays in place", async () => {
    const prod = await declareStack("prod");
    const bastion = (s: DeclaredStack) => one(s.resources, "azure-native:network:BastionHost");
    const toDeveloper = await declareShared("prod", { ...stackFileConfig("prod"), ...stackFileToRaw({ bastionSku: "Developer" }) }, { previousOutputs: prod.outputs });
    assert.deepEqual(bastion(toDeveloper).options?.replaceOnChanges, ["sku"]);
    const toPremium = await declareShared("prod", { ...stackFileConfig("prod"), ...stackFileToRaw({ bastionSku: "Premium" }) }, { previousOutputs: prod.outputs });
    assert.equal(bastion(toPremium).options?.replaceOnChanges, undefined);
  });

  test("hubSku S1 -> F1 on an existing stack is refused before anything is declared, saying how to rebuild", async () => {
    // securityAgent none keeps F1 within its message quota, so only the tier change is wrong.
    const dev = await declareDev({ securityAgent: "none" });
    const sink: DeclaredResource[] = [];
    await assert.rejects(declareDev({ hubSku: "F1", securityAgent: "none" }, { previousOutputs: dev.outputs, sink }), /hubSku = "F1": this stack's hub is S1, and Azure cannot change a hub between F1 and S1-S3.*create a new stack/s);
    assert.deepEqual(sink.filter((r) => r.type !== "pulumi:pulumi:Stack").map(key), [], "nothing but the stack itself was declared");
    // Controls: S1 -> S2 goes ahead, and F1 on a new stack is fine.
    await declareDev({ hubSku: "S2", securityAgent: "none" }, { previousOutputs: dev.outputs });
    await declareDev({ hubSku: "F1", securityAgent: "none" });
  });
});
