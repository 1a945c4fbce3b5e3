/**
 * The policy pack, tested through the policy objects it registers (policy/policies.ts).
 *
 * Resource inputs come from the azure-native SDK itself, captured under mocks, so a renamed or
 * reshaped input property breaks these tests rather than silently passing the policy. Props are
 * wrapped in @pulumi/policy's own unknown-checking proxy, as the runtime does, and preview cases
 * put the engine's unknown sentinel where an id is not known yet.
 *
 * Runs in a process of its own (tools/test.mjs): it sets the SDK's mocks once, when it loads.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import * as grpc from "@grpc/grpc-js";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as compute from "@pulumi/azure-native/compute";
import * as iothub from "@pulumi/azure-native/iothub";
import * as network from "@pulumi/azure-native/network";
import {
  TYPES,
  iotHubHasDefender,
  iotHubMinTls12,
  noBastionDeveloperInProd,
  noClassicSecurityModule,
  nsgNoInternetInbound,
  nsgSshOnlyFromBastion,
  policies,
  prodAlertRecipients,
  trialVmAutoShutdown,
  trialWorkspaceDailyCap,
  vmNoPasswordLogin,
  vmNoPublicIp,
} from "../../policy/policies";
import { coversSsh, isInternetSource, isTls12OrLater } from "../../policy/rules";
import { runResourcePolicy, runStackPolicy, urnOf } from "../helpers/policyHarness";
import { repoRoot } from "../helpers/validators";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";


// ---------------------------------------------------------------------------------------------
// Inputs as the azure-native SDK sends them

const declared = new Map<string, Record<string, unknown>>();
void pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      declared.set(args.name, args.inputs as Record<string, unknown>);
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: (args) => args.inputs,
  },
  "secure-iot-edge",
  "dev",
  false,
);

/** The inputs the SDK registered for `resource` (declared under the name `name`). */
async function inputsOf(name: string, resource: pulumi.CustomResource): Promise<Record<string, unknown>> {
  await new Promise<void>((resolve) => resource.urn.apply(() => resolve()));
  const inputs = declared.get(name);
  assert.ok(inputs, `no inputs captured for ${name}`);
  return inputs;
}

// ---------------------------------------------------------------------------------------------
// Calling the registered policies the way the runtime does

// ---------------------------------------------------------------------------------------------

describe("policy pack registration", () => {
  it("registers each policy once with its enforcement level", () => {
    const levels = Object.fromEntries(policies.map((p) => [p.name, p.enforcementLevel]));
    assert.equal(policies.length, Object.keys(levels).length, "policy names must be unique");
    assert.deepEqual(levels, {
      "nsg-no-internet-inbound": "mandatory",
      "nsg-ssh-only-from-bastion": "mandatory",
      "vm-no-public-ip": "mandatory",
      "vm-no-password-login": "mandatory",
      "iothub-min-tls-1-2": "mandatory",
      "iothub-has-defender": "mandatory",
      "trial-workspace-daily-cap": "mandatory",
      "prod-alert-recipients": "mandatory",
      "no-classic-security-module": "advisory",
      "no-bastion-developer-in-prod": "advisory",
      "trial-vm-auto-shutdown": "advisory",
    });
  });

  it("loads under Pulumi's policy-pack runner and reports a violation over the analyzer protocol", { timeout: 120_000 }, async () => {
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");
    const child = spawn(process.execPath, [runner, "127.0.0.1:1", "."], { cwd: path.join(repoRoot, "policy") });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const port = await new Promise<string>((resolve, reject) => {
        child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
        child.once("exit", (code) => reject(new Error(`runner exited with ${code}: ${stderr}`)));
      });
      const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
      const request = new analyzerPb.AnalyzeRequest();
      request.setType(TYPES.iotHub);
      request.setName("hub");
      request.setUrn(urnOf(TYPES.iotHub, "hub"));
      request.setOptions(new analyzerPb.AnalyzerResourceOptions());
      request.setProperties(Struct.fromJavaScript({ properties: { minTlsVersion: "1.0" } }));
      const response = await new Promise<analyzerPb.AnalyzeResponse>((resolve, reject) =>
        client.analyze(request, (error, reply) => (error ? reject(error) : resolve(reply))),
      );
      client.close();
      const found = response.getDiagnosticsList().map((d) => [d.getPolicyname(), d.getPolicypackname()]);
      assert.deepEqual(found, [["iothub-min-tls-1-2", "secure-iot-edge-guardrails"]]);
    } finally {
      child.kill();
    }
  });
});

describe("nsg-ssh-only-from-bastion", () => {
  const allow = { name: "allow-ssh-from-bastion", direction: "Inbound", access: "Allow", protocol: "Tcp", priority: 100, sourceAddressPrefix: "10.50.255.0/26", sourcePortRange: "*", destinationAddressPrefix: "10.50.1.0/24", destinationPortRange: "22" };
  const deny = { ...allow, name: "deny-ssh-from-vnet", access: "Deny", priority: 110, sourceAddressPrefix: "VirtualNetwork", destinationAddressPrefix: "*" };
  const check = async (name: string, securityRules: Record<string, unknown>[]) =>
    runResourcePolicy(nsgSshOnlyFromBastion, TYPES.nsg, name, await inputsOf(name, new network.NetworkSecurityGroup(name, { resourceGroupName: "rg", securityRules: securityRules as unknown as network.NetworkSecurityGroupArgs["securityRules"] })));

  it("passes the allow from Bastion followed by a deny from VirtualNetwork", async () => {
    assert.deepEqual(await check("ssh-ok", [allow, deny]), []);
  });

  it("passes an NSG that admits no SSH at all", async () => {
    assert.deepEqual(await check("ssh-none", [{ ...allow, destinationPortRange: "443" }]), []);
  });

  it("reports an SSH allow without the VirtualNetwork deny, naming the priority to use", async () => {
    assert.deepEqual(await check("ssh-nodeny", [allow]), [
      "Network security group 'ssh-nodeny' allows SSH (port 22) but has no inbound rule denying it from 'VirtualNetwork', so Azure's default AllowVnetInBound lets every other host in the virtual network reach port 22. Add an inbound Deny rule for TCP 22 from 'VirtualNetwork' with a priority number above 100 (below the allow-from-Bastion rule).",
    ]);
  });

  it("reports a deny placed before the Bastion allow (it would block Bastion)", async () => {
    const [message] = await check("ssh-early", [allow, { ...deny, priority: 90 }]);
    assert.match(message ?? "", /denies SSH from 'VirtualNetwork' \(rule 'deny-ssh-from-vnet', priority 90\) before its SSH allow at priority 100/);
  });

  it("reports an SSH allow from the whole virtual network, also through a port range or '*'", async () => {
    const found = await check("ssh-vnet", [{ ...allow, name: "vnet-ssh", sourceAddressPrefix: "VirtualNetwork", destinationPortRange: "20-30" }, { ...deny, priority: 200 }]);
    assert.equal(found.length, 1);
    assert.match(found[0], /rule 'vnet-ssh' allows SSH \(port 22\) from the whole virtual network \(source 'VirtualNetwork'\)/);
  });

  it("reads port ranges: 22, 1-1024 and * cover SSH; 23, 2200 and 80-443 do not", () => {
    for (const r of ["22", "1-1024", "*", " 22 "]) assert.ok(coversSsh(r), r);
    for (const r of ["23", "2200", "80-443", "21", undefined]) assert.ok(!coversSsh(r), String(r));
  });
});

describe("nsg-no-internet-inbound", () => {
  const sshRule = { name: "ssh", direction: "Inbound", access: "Allow", protocol: "Tcp", priority: 100, sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "22" };

  it("passes an NSG that allows SSH only from the virtual network and denies the internet", async () => {
    const nsg = new network.NetworkSecurityGroup("nsg-ok", {
      resourceGroupName: "rg",
      securityRules: [
        { ...sshRule, sourceAddressPrefix: "VirtualNetwork" },
        { ...sshRule, name: "deny-internet", access: "Deny", priority: 4000, sourceAddressPrefix: "Internet" },
        { ...sshRule, name: "out", direction: "Outbound", priority: 100, sourceAddressPrefix: "*" },
      ],
    });
    assert.deepEqual(await runResourcePolicy(nsgNoInternetInbound, TYPES.nsg, "nsg-ok", await inputsOf("nsg-ok", nsg)), []);
  });

  it("names the NSG, the rule, the source and the fix when a rule allows SSH from '*'", async () => {
    const nsg = new network.NetworkSecurityGroup("nsg-open", { resourceGroupName: "rg", securityRules: [{ ...sshRule, sourceAddressPrefix: "*" }] });
    assert.deepEqual(await runResourcePolicy(nsgNoInternetInbound, TYPES.nsg, "nsg-open", await inputsOf("nsg-open", nsg)), [
      "Network security group 'nsg-open' rule 'ssh' allows inbound traffic from the internet (source '*'). " +
        "Set sourceAddressPrefix(es) to a specific CIDR or service tag (for SSH through Azure Bastion: the AzureBastionSubnet range or 'VirtualNetwork'), " +
        "or set access to 'Deny'.",
    ]);
  });

  it("finds an internet source hidden in sourceAddressPrefixes, in any case", async () => {
    const nsg = new network.NetworkSecurityGroup("nsg-list", {
      resourceGroupName: "rg",
      securityRules: [{ ...sshRule, direction: "inbound", access: "allow", sourceAddressPrefixes: ["10.0.0.0/8", "INTERNET"] }],
    });
    const [message] = await runResourcePolicy(nsgNoInternetInbound, TYPES.nsg, "nsg-list", await inputsOf("nsg-list", nsg));
    assert.match(message ?? "", /rule 'ssh' allows inbound traffic from the internet \(source 'INTERNET'\)/);
  });

  it("flags a standalone SecurityRule resource", async () => {
    const rule = new network.SecurityRule("rule-open", { resourceGroupName: "rg", networkSecurityGroupName: "vm-nsg", ...sshRule, sourceAddressPrefix: "0.0.0.0/0" });
    // The SDK sends the rule's Azure name as `name`; securityRuleName is left to auto-naming.
    const [message] = await runResourcePolicy(nsgNoInternetInbound, TYPES.securityRule, "rule-open", await inputsOf("rule-open", rule));
    assert.match(message ?? "", /^Network security group 'vm-nsg' rule 'ssh' allows inbound traffic from the internet \(source '0\.0\.0\.0\/0'\)/);
  });

  it("treats every spelling of 'anywhere' as the internet, and nothing else", () => {
    for (const source of ["*", "Internet", "any", " ANY ", "0.0.0.0/0", "::/0", "0.0.0.0/1", "128.0.0.0/1"]) assert.equal(isInternetSource(source), true, source);
    for (const source of ["VirtualNetwork", "10.0.0.0/16", "AzureBastionSubnet", "168.63.129.16"]) assert.equal(isInternetSource(source), false, source);
  });
});

describe("vm-no-public-ip", () => {
  const subnet = { id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/edge" };

  it("passes a NIC with only a private address", async () => {
    const nic = new network.NetworkInterface("nic-ok", { resourceGroupName: "rg", ipConfigurations: [{ name: "ipconfig1", subnet }] });
    assert.deepEqual(await runResourcePolicy(vmNoPublicIp, TYPES.nic, "nic-ok", await inputsOf("nic-ok", nic)), []);
  });

  it("names the NIC and ip configuration that attach a public IP", async () => {
    const nic = new network.NetworkInterface("nic-public", {
      resourceGroupName: "rg",
      ipConfigurations: [{ name: "ipconfig1", subnet, publicIPAddress: { id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/publicIPAddresses/pip" } }],
    });
    assert.deepEqual(await runResourcePolicy(vmNoPublicIp, TYPES.nic, "nic-public", await inputsOf("nic-public", nic)), [
      "Network interface 'nic-public' ip configuration 'ipconfig1' attaches a public IP (ipConfigurations[0].publicIPAddress). " +
        "Remove publicIPAddress. The VM must have no public IP: reach it only through Azure Bastion.",
    ]);
  });

  it("flags a public IP whose id is still unknown at preview", async () => {
    const props = { ipConfigurations: [{ name: "ipconfig1", subnet, publicIPAddress: { id: unknownValue } }] };
    const messages = await runResourcePolicy(vmNoPublicIp, TYPES.nic, "nic-preview", props);
    assert.equal(messages.length, 1);
    assert.match(messages[0] ?? "", /^Network interface 'nic-preview' ip configuration 'ipconfig1' attaches a public IP/);
  });

  it("flags a public IP on a NIC the VM declares inline", async () => {
    const vm = new compute.VirtualMachine("vm-inline-ip", {
      resourceGroupName: "rg",
      networkProfile: {
        networkApiVersion: "2020-11-01",
        networkInterfaceConfigurations: [{ name: "nic", ipConfigurations: [{ name: "ip", subnet, publicIPAddressConfiguration: { name: "pip" } }] }],
      },
    });
    const [message] = await runResourcePolicy(vmNoPublicIp, TYPES.vm, "vm-inline-ip", await inputsOf("vm-inline-ip", vm));
    assert.match(message ?? "", /^Virtual machine 'vm-inline-ip' gives its network interface 'nic' a public IP \(networkProfile\.networkInterfaceConfigurations\[0\]\.ipConfigurations\[0\]\.publicIPAddressConfiguration\)/);
  });
});

describe("vm-no-password-login", () => {
  const publicKeys = [{ path: "/home/edge/.ssh/authorized_keys", keyData: "ssh-ed25519 AAAA" }];

  it("passes a Linux VM with SSH keys and password login disabled", async () => {
    const vm = new compute.VirtualMachine("vm-keys", {
      resourceGroupName: "rg",
      osProfile: { computerName: "edge", adminUsername: "edge", linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys } } },
    });
    assert.deepEqual(await runResourcePolicy(vmNoPasswordLogin, TYPES.vm, "vm-keys", await inputsOf("vm-keys", vm)), []);
  });

  it("reports both password login left on and a set adminPassword, with the fix", async () => {
    const vm = new compute.VirtualMachine("vm-password", {
      resourceGroupName: "rg",
      osProfile: { computerName: "edge", adminUsername: "edge", adminPassword: pulumi.secret("P@ssw0rd!"), linuxConfiguration: { disablePasswordAuthentication: false } },
    });
    assert.deepEqual(await runResourcePolicy(vmNoPasswordLogin, TYPES.vm, "vm-password", await inputsOf("vm-password", vm)), [
      "Virtual machine 'vm-password' allows SSH password login: osProfile.linuxConfiguration.disablePasswordAuthentication is false. " +
        "Set it to true and log in with an SSH key (osProfile.linuxConfiguration.ssh.publicKeys).",
      "Virtual machine 'vm-password' sets osProfile.adminPassword. Remove it and use SSH keys only: " +
        "a password on the admin account is one setting away from password login.",
    ]);
  });

  it("treats an unset disablePasswordAuthentication as password login on", async () => {
    const messages = await runResourcePolicy(vmNoPasswordLogin, TYPES.vm, "vm-default", { osProfile: { adminUsername: "edge", linuxConfiguration: {} } });
    assert.match(messages.join("\n"), /disablePasswordAuthentication is not set\./);
  });

  it("flags an adminPassword whose value is still unknown at preview", async () => {
    const messages = await runResourcePolicy(vmNoPasswordLogin, TYPES.vm, "vm-generated", {
      osProfile: { adminPassword: unknownValue, linuxConfiguration: { disablePasswordAuthentication: true } },
    });
    assert.equal(messages.length, 1);
    assert.match(messages[0] ?? "", /^Virtual machine 'vm-generated' sets osProfile\.adminPassword/);
  });
});

describe("iothub-min-tls-1-2", () => {
  const sku = { name: "S1", capacity: 1 };

  it("passes a hub with minTlsVersion 1.2", async () => {
    const hub = new iothub.IotHubResource("hub-tls12", { resourceGroupName: "rg", sku, properties: { minTlsVersion: "1.2" } });
    assert.deepEqual(await runResourcePolicy(iotHubMinTls12, TYPES.iotHub, "hub-tls12", await inputsOf("hub-tls12", hub)), []);
  });

  it("names the hub and says how to fix it when minTlsVersion is not set", async () => {
    const hub = new iothub.IotHubResource("hub-default", { resourceGroupName: "rg", sku });
    assert.deepEqual(await runResourcePolicy(iotHubMinTls12, TYPES.iotHub, "hub-default", await inputsOf("hub-default", hub)), [
      "IoT Hub 'hub-default' does not enforce TLS 1.2: properties.minTlsVersion is not set, so the hub also accepts TLS 1.0 and 1.1. " +
        'Set properties.minTlsVersion to "1.2".',
    ]);
  });

  it("rejects an older minimum version", async () => {
    const messages = await runResourcePolicy(iotHubMinTls12, TYPES.iotHub, "hub-old", { properties: { minTlsVersion: "1.0" } });
    assert.match(messages.join(), /properties\.minTlsVersion is "1\.0"\./);
  });

  it("accepts 1.2 and later versions only", () => {
    for (const v of ["1.2", "1.3", "2.0"]) assert.equal(isTls12OrLater(v), true, v);
    for (const v of ["1.0", "1.1", "", "1", "TLS1_2"]) assert.equal(isTls12OrLater(v), false, v);
  });
});

describe("iothub-has-defender", () => {
  const hubId = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Devices/IotHubs/hub";

  it("at preview, matches a hub to the solution whose iotHubs takes the hub's unknown id", async () => {
    const violations = await runStackPolicy(iotHubHasDefender, [
      { type: TYPES.iotHub, name: "hub", props: { id: unknownValue } },
      { type: TYPES.securitySolution, name: "defender", props: { iotHubs: [unknownValue] }, dependsOn: { iotHubs: ["hub"] } },
    ]);
    assert.deepEqual(violations, []);
  });

  it("after deployment, matches by resource id regardless of case", async () => {
    const violations = await runStackPolicy(iotHubHasDefender, [
      { type: TYPES.iotHub, name: "hub", props: { id: hubId } },
      { type: TYPES.securitySolution, name: "defender", props: { iotHubs: [hubId.toLowerCase()], status: "Enabled" } },
    ]);
    assert.deepEqual(violations, []);
  });

  it("blames the uncovered hub by URN and says what to add", async () => {
    const violations = await runStackPolicy(iotHubHasDefender, [
      { type: TYPES.iotHub, name: "hub", props: { id: unknownValue } },
      { type: TYPES.iotHub, name: "hub2", props: { id: unknownValue } },
      { type: TYPES.securitySolution, name: "defender", props: { iotHubs: [unknownValue] }, dependsOn: { iotHubs: ["hub"] } },
    ]);
    assert.deepEqual(violations, [
      {
        urn: urnOf(TYPES.iotHub, "hub2"),
        message:
          "IoT Hub 'hub2' has no Defender for IoT security solution: no azure-native:security:IotSecuritySolution lists it in iotHubs. " +
          "Add one with iotHubs: [the hub's id] and workspace: a Log Analytics workspace id.",
      },
    ]);
  });

  it("does not count a disabled solution", async () => {
    const violations = await runStackPolicy(iotHubHasDefender, [
      { type: TYPES.iotHub, name: "hub", props: { id: hubId } },
      { type: TYPES.securitySolution, name: "defender", props: { iotHubs: [hubId], status: "Disabled" } },
    ]);
    assert.match(violations[0]?.message ?? "", /only disabled security solutions list it \('defender'\): set their status to 'Enabled'\.$/);
  });
});

describe("trial-workspace-daily-cap", () => {
  const uncapped = { type: TYPES.workspace, name: "logs", props: { workspaceCapping: { dailyQuotaGb: -1 }, tags: { stage: "dev" } } };

  it("leaves an uncapped workspace alone when nothing in the stack expires", async () => {
    assert.deepEqual(await runStackPolicy(trialWorkspaceDailyCap, [uncapped, { type: TYPES.vm, name: "vm", props: { tags: { stage: "dev" } } }]), []);
  });

  it("requires a positive cap once any resource is tagged expiresOn, naming both", async () => {
    const violations = await runStackPolicy(trialWorkspaceDailyCap, [uncapped, { type: TYPES.vm, name: "vm", props: { tags: { stage: "trial", expiresOn: "2026-12-31" } } }]);
    assert.deepEqual(violations, [
      {
        urn: urnOf(TYPES.workspace, "logs"),
        message:
          "Log Analytics workspace 'logs' has no daily cap (workspaceCapping.dailyQuotaGb is -1) in a trial stack ('vm' is tagged expiresOn=2026-12-31). " +
          "Set workspaceCapping.dailyQuotaGb to a positive number of GB so ingestion, and its cost, stops at the cap.",
      },
    ]);
  });

  it("passes a trial workspace with a positive cap", async () => {
    const capped = { type: TYPES.workspace, name: "logs", props: { workspaceCapping: { dailyQuotaGb: 0.5 }, tags: { expiresOn: "2026-12-31" } } };
    assert.deepEqual(await runStackPolicy(trialWorkspaceDailyCap, [capped]), []);
  });
});

describe("no-classic-security-module", () => {
  const deployment = (modules: Record<string, unknown>): Record<string, unknown> => ({
    content: { modulesContent: { $edgeAgent: { "properties.desired": { schemaVersion: "1.1", modules } } } },
  });

  it("passes a deployment without the classic module", async () => {
    const modules = { echo: { settings: { image: "mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.5" } } };
    assert.deepEqual(await runResourcePolicy(noClassicSecurityModule, TYPES.dynamic, "edge-deployment", deployment(modules)), []);
  });

  it("names the deployment and module and points to the micro agent", async () => {
    const modules = { azureiotsecurity: { settings: { image: "mcr.microsoft.com/ascforiot/azureiotsecurity:1.0.2" } } };
    assert.deepEqual(await runResourcePolicy(noClassicSecurityModule, TYPES.dynamic, "edge-deployment", deployment(modules)), [
      "Edge deployment 'edge-deployment' runs the retired classic security module 'azureiotsecurity' " +
        "(mcr.microsoft.com/ascforiot/azureiotsecurity; support ended 2022-03-01, documented only for edgeHub 1.0.8.3 or older). " +
        "Remove modules.azureiotsecurity and its routes from $edgeAgent/$edgeHub and use Defender for Servers Plan 1 on the host instead (securityAgent defender-for-servers).",
    ]);
  });

  it("recognises the classic image under another module name", async () => {
    const modules = { security: { settings: { image: "MCR.microsoft.com/ascforiot/azureiotsecurity:0.0.3" } } };
    const [message] = await runResourcePolicy(noClassicSecurityModule, TYPES.dynamic, "edge-deployment", deployment(modules));
    assert.match(message ?? "", /classic security module 'security'/);
  });
});

describe("no-bastion-developer-in-prod", () => {
  const bastion = async (name: string, sku: string, stage: string): Promise<string[]> => {
    const host = new network.BastionHost(name, { resourceGroupName: "rg", sku: { name: sku }, tags: { stage, project: "secure-iot-edge", "managed-by": "pulumi" } });
    return runResourcePolicy(noBastionDeveloperInProd, TYPES.bastion, name, await inputsOf(name, host));
  };

  it("allows Developer outside production and Standard in production", async () => {
    assert.deepEqual(await bastion("bastion-dev", "Developer", "dev"), []);
    assert.deepEqual(await bastion("bastion-prod-std", "Standard", "prod"), []);
  });

  it("warns about Developer in a prod stack and names the SKUs to use", async () => {
    assert.deepEqual(await bastion("bastion-prod", "Developer", "prod"), [
      "Bastion host 'bastion-prod' uses the Developer SKU in a production stack (tag stage=prod). " +
        "Developer is a free shared pool: one VM at a time, portal only, no SLA. " +
        "Set sku.name to 'Basic' (needs an AzureBastionSubnet of /26 or larger and a Standard public IP) or 'Standard' (adds native-client SSH with enableTunneling: true).",
    ]);
  });
});

describe("trial-vm-auto-shutdown", () => {
  const trialVm = { type: TYPES.vm, name: "edge-vm", props: { id: unknownValue, vmName: "edge-vm-01", tags: { stage: "trial", expiresOn: "2026-12-31" } } };
  const vmId = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/edge-vm-01";

  it("at preview, matches the schedule whose targetResourceId takes the VM's unknown id", async () => {
    const schedule = { type: TYPES.schedule, name: "shutdown", props: { targetResourceId: unknownValue }, dependsOn: { targetResourceId: ["edge-vm"] } };
    assert.deepEqual(await runStackPolicy(trialVmAutoShutdown, [trialVm, schedule]), []);
  });

  it("after deployment, matches by VM id", async () => {
    const vm = { ...trialVm, props: { ...trialVm.props, id: vmId } };
    const schedule = { type: TYPES.schedule, name: "shutdown", props: { targetResourceId: vmId.toUpperCase(), status: "Enabled" } };
    assert.deepEqual(await runStackPolicy(trialVmAutoShutdown, [vm, schedule]), []);
  });

  it("warns about a trial VM without a schedule and gives the schedule's name", async () => {
    assert.deepEqual(await runStackPolicy(trialVmAutoShutdown, [trialVm]), [
      {
        urn: urnOf(TYPES.vm, "edge-vm"),
        message:
          "Virtual machine 'edge-vm' is tagged expiresOn=2026-12-31 (a trial) but no enabled azure-native:devtestlab:GlobalSchedule shuts it down. " +
          "Add one named 'shutdown-computevm-edge-vm-01' with taskType 'ComputeVmShutdownTask', a dailyRecurrence time, a timeZoneId and targetResourceId set to the VM's id.",
      },
    ]);
  });

  it("does not count a disabled schedule, and ignores VMs that do not expire", async () => {
    const disabled = { type: TYPES.schedule, name: "shutdown", props: { targetResourceId: unknownValue, status: "Disabled" }, dependsOn: { targetResourceId: ["edge-vm"] } };
    assert.equal((await runStackPolicy(trialVmAutoShutdown, [trialVm, disabled])).length, 1);
    const permanent = { type: TYPES.vm, name: "prod-vm", props: { tags: { stage: "prod" } } };
    assert.deepEqual(await runStackPolicy(trialVmAutoShutdown, [permanent]), []);
  });
});

describe("prod-alert-recipients", () => {
  const rg = (stage: string) => ({ type: "azure-native:resources:ResourceGroup", name: "rg", props: { tags: { stage } } });
  const group = (props: Record<string, unknown>) => ({ type: TYPES.actionGroup, name: "alerts-email", props });
  const message =
    "The production stack ('rg' is tagged stage=prod) has no enabled action group with an e-mail receiver, so its security alerts notify nobody. " +
    "Set alertEmails: pulumi config set --path 'alertEmails[0]' secops@your-company.example " +
    "(offline plan: npm run plan -- --stack prod --set 'alertEmails[0]=secops@your-company.example').";

  it("reports a prod stack with no action group, naming how to set alertEmails in both forms", async () => {
    assert.deepEqual(await runStackPolicy(prodAlertRecipients, [rg("prod")]), [{ urn: urnOf("azure-native:resources:ResourceGroup", "rg"), message }]);
  });

  it("reports a prod stack whose action group is disabled or has no e-mail receiver", async () => {
    assert.equal((await runStackPolicy(prodAlertRecipients, [rg("prod"), group({ enabled: false, emailReceivers: [{ name: "a", emailAddress: "a@example.com" }] })])).length, 1);
    assert.equal((await runStackPolicy(prodAlertRecipients, [rg("prod"), group({ enabled: true, emailReceivers: [] })])).length, 1);
  });

  it("passes a prod stack with one enabled e-mail receiver, and leaves other stages alone", async () => {
    assert.deepEqual(await runStackPolicy(prodAlertRecipients, [rg("prod"), group({ enabled: true, emailReceivers: [{ name: "a", emailAddress: "a@example.com" }] })]), []);
    assert.deepEqual(await runStackPolicy(prodAlertRecipients, [rg("dev")]), []);
  });

  it("is mandatory", () => {
    assert.equal(prodAlertRecipients.enforcementLevel, "mandatory");
  });
});
