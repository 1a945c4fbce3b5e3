/**
 * The registered policies on plain props, the way the policy runtime hands them over (a protobuf
 * Struct, secrets unwrapped, unknowns guarded by the runtime's own proxy): which policies the pack
 * registers and how, which resource types each one checks, resources whose ids are not known yet
 * at preview, and the stack-wide policies, which match resources by URN at preview and by id
 * after deployment. policy.test.ts runs the resource policies on inputs the azure-native SDK
 * itself sends; rules.test.ts covers every branch of the checks behind them.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import {
  iotHubHasDefender,
  noClassicSecurityModule,
  nsgNoInternetInbound,
  policies,
  prodAlertRecipients,
  trialVmAutoShutdown,
  trialWorkspaceDailyCap,
  vmNoPasswordLogin,
  vmNoPublicIp,
} from "../../policy/policies";
import { runResourcePolicy, runStackPolicy, urnOf } from "../helpers/policyHarness";

/** Type tokens as the engine sends them. */
const T = {
  nsg: "azure-native:network:NetworkSecurityGroup",
  nic: "azure-native:network:NetworkInterface",
  vm: "azure-native:compute:VirtualMachine",
  iotHub: "azure-native:iothub:IotHubResource",
  securitySolution: "azure-native:security:IotSecuritySolution",
  workspace: "azure-native:operationalinsights:Workspace",
  schedule: "azure-native:devtestlab:GlobalSchedule",
  dynamic: "pulumi-nodejs:dynamic:Resource",
  actionGroup: "azure-native:monitor:ActionGroup",
  resourceGroup: "azure-native:resources:ResourceGroup",
} as const;

describe("policy pack", () => {
  it("registers each policy once with its enforcement level, severity and description", () => {
    const registered = policies.map((p) => [p.name, p.enforcementLevel, p.severity, p.description]);
    assert.equal(new Set(policies.map((p) => p.name)).size, policies.length, "policy names must be unique");
    assert.deepEqual(registered, [
      ["nsg-no-internet-inbound", "mandatory", "critical", "No network security group rule may allow inbound traffic from the internet (*, Internet, Any, 0.0.0.0/0, ::/0)."],
      ["nsg-ssh-only-from-bastion", "mandatory", "high", "An NSG that admits SSH must deny port 22 from the VirtualNetwork tag below its allow-from-Bastion rule, and must not allow SSH from the whole virtual network."],
      ["vm-no-public-ip", "mandatory", "high", "Network interfaces (and NICs a VM declares inline) may not carry a public IP: the VM is reached through Azure Bastion only."],
      ["vm-no-password-login", "mandatory", "high", "Linux VMs must set disablePasswordAuthentication to true and must not set adminPassword."],
      ["iothub-min-tls-1-2", "mandatory", "high", "IoT Hubs must set properties.minTlsVersion to 1.2."],
      ["iothub-has-defender", "mandatory", "high", "Every IoT Hub in the stack must be listed in an enabled Defender for IoT security solution."],
      ["trial-workspace-daily-cap", "mandatory", "medium", "In a stack with any resource tagged expiresOn, every Log Analytics workspace must have a positive daily cap."],
      ["prod-alert-recipients", "mandatory", "medium", "A stack with resources tagged stage=prod must have an enabled action group with at least one e-mail receiver."],
      ["no-classic-security-module", "advisory", "medium", "Edge deployments should not use the retired classic Defender for IoT module azureiotsecurity."],
      ["no-bastion-developer-in-prod", "advisory", "medium", "Bastion hosts tagged stage=prod should not use the Developer SKU."],
      ["trial-vm-auto-shutdown", "advisory", "low", "A VM tagged expiresOn should have an enabled auto-shutdown schedule (devtestlab GlobalSchedule) targeting it."],
    ]);
  });

  it("leaves alone the resource types a resource policy does not check, whatever their props", async () => {
    const everything = {
      securityRules: [{ name: "open", direction: "Inbound", access: "Allow", protocol: "*", priority: 100, sourceAddressPrefix: "*", destinationPortRange: "*" }],
      ipConfigurations: [{ name: "ip", publicIPAddress: { id: "pip" } }],
      osProfile: { adminPassword: "x" },
      properties: { minTlsVersion: "1.0" },
      sku: { name: "Developer" },
      tags: { stage: "prod" },
      content: { modulesContent: { $edgeAgent: { "properties.desired": { modules: { azureiotsecurity: {} } } } } },
    };
    const resourcePolicies = policies.filter((p): p is ResourceValidationPolicy => "validateResource" in p);
    assert.equal(resourcePolicies.length, 7);
    for (const p of resourcePolicies) assert.deepEqual(await runResourcePolicy(p, "azure-native:storage:StorageAccount", "store", everything), [], p.name);
    // Each check runs on its own types only: the NSG rule check does not read a VM, nor the VM check an NSG.
    assert.deepEqual(await runResourcePolicy(nsgNoInternetInbound, T.vm, "vm", everything), []);
    assert.deepEqual(await runResourcePolicy(vmNoPasswordLogin, T.nsg, "nsg", everything), []);
  });
});

describe("resources not known yet at preview", () => {
  const subnet = { id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/edge" };

  it("flags a public IP whose id is still unknown at preview", async () => {
    const props = { ipConfigurations: [{ name: "ipconfig1", subnet, publicIPAddress: { id: unknownValue } }] };
    const messages = await runResourcePolicy(vmNoPublicIp, T.nic, "nic-preview", props);
    assert.equal(messages.length, 1);
    assert.match(messages[0] ?? "", /^Network interface 'nic-preview' ip configuration 'ipconfig1' attaches a public IP/);
  });

  it("flags an adminPassword whose value is still unknown at preview", async () => {
    const props = { osProfile: { adminPassword: unknownValue, linuxConfiguration: { disablePasswordAuthentication: true } } };
    assert.deepEqual(await runResourcePolicy(vmNoPasswordLogin, T.vm, "vm-generated", props), [
      "Virtual machine 'vm-generated' sets osProfile.adminPassword. Remove it and use SSH keys only: a password on the admin account is one setting away from password login.",
    ]);
  });
});

describe("no-classic-security-module", () => {
  const deployment = (modules: Record<string, unknown>): Record<string, unknown> => ({
    content: { modulesContent: { $edgeAgent: { "properties.desired": { schemaVersion: "1.1", modules } } } },
  });
  const run = (props: Record<string, unknown>) => runResourcePolicy(noClassicSecurityModule, T.dynamic, "edge-deployment", props);
  const violation = (module: string) =>
    `Edge deployment 'edge-deployment' runs the retired classic security module '${module}' ` +
    "(mcr.microsoft.com/ascforiot/azureiotsecurity; support ended 2022-03-01, documented only for edgeHub 1.0.8.3 or older). " +
    `Remove modules.${module} and its routes from $edgeAgent/$edgeHub and use Defender for Servers Plan 1 on the host instead (securityAgent defender-for-servers).`;

  it("names the deployment and module and points to Defender for Servers", async () => {
    const modules = { azureiotsecurity: { settings: { image: "mcr.microsoft.com/ascforiot/azureiotsecurity:1.0.2" } } };
    assert.deepEqual(await run(deployment(modules)), [violation("azureiotsecurity")]);
  });
});

describe("iothub-has-defender", () => {
  const hubId = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Devices/IotHubs/hub";
  const noSolution = (hub: string) => ({
    urn: urnOf(T.iotHub, hub),
    message:
      `IoT Hub '${hub}' has no Defender for IoT security solution: no azure-native:security:IotSecuritySolution lists it in iotHubs. ` +
      "Add one with iotHubs: [the hub's id] and workspace: a Log Analytics workspace id.",
  });

  it("passes a stack without hubs", async () => {
    assert.deepEqual(await runStackPolicy(iotHubHasDefender, [{ type: T.securitySolution, name: "defender", props: { iotHubs: [] } }]), []);
  });

  it("at preview, matches a hub to the solution whose iotHubs takes the hub's unknown id", async () => {
    const violations = await runStackPolicy(iotHubHasDefender, [
      { type: T.iotHub, name: "hub", props: { id: unknownValue } },
      { type: T.securitySolution, name: "defender", props: { iotHubs: [unknownValue] }, dependsOn: { iotHubs: ["hub"] } },
    ]);
    assert.deepEqual(violations, []);
  });

  it("at preview, matches by URN also when the whole iotHubs list is unknown", async () => {
    const violations = await runStackPolicy(iotHubHasDefender, [
      { type: T.iotHub, name: "hub", props: { id: unknownValue } },
      { type: T.securitySolution, name: "defender", props: { iotHubs: unknownValue, status: "Enabled" }, dependsOn: { iotHubs: ["hub"] } },
    ]);
    assert.deepEqual(violations, []);
  });

  it("after deployment, matches by resource id regardless of case", async () => {
    const violations = await runStackPolicy(iotHubHasDefender, [
      { type: T.iotHub, name: "hub", props: { id: hubId } },
      { type: T.securitySolution, name: "defender", props: { iotHubs: ["/other/hub", hubId.toLowerCase()], status: "Enabled" } },
    ]);
    assert.deepEqual(violations, []);
  });

  it("blames the uncovered hub by URN and says what to add", async () => {
    const violations = await runStackPolicy(iotHubHasDefender, [
      { type: T.iotHub, name: "hub", props: { id: unknownValue } },
      { type: T.iotHub, name: "hub2", props: { id: unknownValue } },
      { type: T.securitySolution, name: "defender", props: { iotHubs: [unknownValue] }, dependsOn: { iotHubs: ["hub"] } },
    ]);
    assert.deepEqual(violations, [noSolution("hub2")]);
  });

  it("does not match a hub whose id is unknown to a solution listing another hub's id, nor a hub to a solution listing another id", async () => {
    assert.deepEqual(
      await runStackPolicy(iotHubHasDefender, [
        { type: T.iotHub, name: "hub", props: { id: unknownValue } },
        { type: T.securitySolution, name: "defender", props: { iotHubs: [`${hubId}-other`] } },
      ]),
      [noSolution("hub")],
    );
    assert.deepEqual(
      await runStackPolicy(iotHubHasDefender, [
        { type: T.iotHub, name: "hub", props: { id: hubId } },
        { type: T.securitySolution, name: "defender", props: { iotHubs: [`${hubId}-other`, 7] } },
      ]),
      [noSolution("hub")],
    );
  });

  it("does not count disabled solutions, and names them all", async () => {
    const violations = await runStackPolicy(iotHubHasDefender, [
      { type: T.iotHub, name: "hub", props: { id: hubId } },
      { type: T.securitySolution, name: "defender", props: { iotHubs: [hubId], status: "Disabled" } },
      { type: T.securitySolution, name: "defender-2", props: { iotHubs: [hubId], status: "disabled" } },
    ]);
    assert.deepEqual(violations, [
      {
        urn: urnOf(T.iotHub, "hub"),
        message: "IoT Hub 'hub' has no Defender for IoT security solution: only disabled security solutions list it ('defender', 'defender-2'): set their status to 'Enabled'.",
      },
    ]);
  });

  it("passes a hub that one enabled solution covers besides a disabled one", async () => {
    const violations = await runStackPolicy(iotHubHasDefender, [
      { type: T.iotHub, name: "hub", props: { id: hubId } },
      { type: T.securitySolution, name: "old", props: { iotHubs: [hubId], status: "Disabled" } },
      { type: T.securitySolution, name: "defender", props: { iotHubs: [hubId], status: "Enabled" } },
    ]);
    assert.deepEqual(violations, []);
  });
});

describe("trial-workspace-daily-cap", () => {
  const uncapped = { type: T.workspace, name: "logs", props: { workspaceCapping: { dailyQuotaGb: -1 }, tags: { stage: "dev" } } };
  const trialVm = { type: T.vm, name: "vm", props: { tags: { stage: "trial", expiresOn: "2026-12-31" } } };
  const violation = (found: string, expiring = "'vm' is tagged expiresOn=2026-12-31") => ({
    urn: urnOf(T.workspace, "logs"),
    message:
      `Log Analytics workspace 'logs' has no daily cap (workspaceCapping.dailyQuotaGb is ${found}) in a trial stack (${expiring}). ` +
      "Set workspaceCapping.dailyQuotaGb to a positive number of GB so ingestion, and its cost, stops at the cap.",
  });
  const workspace = (props: Record<string, unknown>) => ({ type: T.workspace, name: "logs", props });

  it("leaves an uncapped workspace alone when nothing in the stack expires", async () => {
    assert.deepEqual(await runStackPolicy(trialWorkspaceDailyCap, [uncapped, { type: T.vm, name: "vm", props: { tags: { stage: "dev" } } }]), []);
    // An expiry not known yet at preview does not make a trial either.
    assert.deepEqual(await runStackPolicy(trialWorkspaceDailyCap, [uncapped, { type: T.vm, name: "vm", props: { tags: { expiresOn: unknownValue } } }]), []);
  });

  it("requires a positive cap once any resource is tagged expiresOn, naming both", async () => {
    assert.deepEqual(await runStackPolicy(trialWorkspaceDailyCap, [uncapped, trialVm]), [violation("-1")]);
  });

  it("names the first resource tagged expiresOn, of any type", async () => {
    const rg = { type: T.resourceGroup, name: "rg", props: { tags: { expiresOn: "2026-11-30" } } };
    assert.deepEqual(await runStackPolicy(trialWorkspaceDailyCap, [rg, uncapped, trialVm]), [violation("-1", "'rg' is tagged expiresOn=2026-11-30")]);
  });

  it("rejects a zero cap, a missing cap and a cap that is not a number", async () => {
    assert.deepEqual(await runStackPolicy(trialWorkspaceDailyCap, [workspace({ workspaceCapping: { dailyQuotaGb: 0 } }), trialVm]), [violation("0")]);
    assert.deepEqual(await runStackPolicy(trialWorkspaceDailyCap, [workspace({ sku: { name: "PerGB2018" } }), trialVm]), [violation("not set")]);
    assert.deepEqual(await runStackPolicy(trialWorkspaceDailyCap, [workspace({ workspaceCapping: { dailyQuotaGb: "1" } }), trialVm]), [violation("not set")]);
  });

  it("passes a trial workspace with a positive cap", async () => {
    const capped = { type: T.workspace, name: "logs", props: { workspaceCapping: { dailyQuotaGb: 0.5 }, tags: { expiresOn: "2026-12-31" } } };
    assert.deepEqual(await runStackPolicy(trialWorkspaceDailyCap, [capped]), []);
  });
});

describe("trial-vm-auto-shutdown", () => {
  const trialVm = { type: T.vm, name: "edge-vm", props: { id: unknownValue, vmName: "edge-vm-01", tags: { stage: "trial", expiresOn: "2026-12-31" } } };
  const vmId = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/edge-vm-01";
  const violation = (name: string, vmName: string) => ({
    urn: urnOf(T.vm, name),
    message:
      `Virtual machine '${name}' is tagged expiresOn=2026-12-31 (a trial) but no enabled azure-native:devtestlab:GlobalSchedule shuts it down. ` +
      `Add one named 'shutdown-computevm-${vmName}' with taskType 'ComputeVmShutdownTask', a dailyRecurrence time, a timeZoneId and targetResourceId set to the VM's id.`,
  });

  it("at preview, matches the schedule whose targetResourceId takes the VM's unknown id", async () => {
    const schedule = { type: T.schedule, name: "shutdown", props: { targetResourceId: unknownValue }, dependsOn: { targetResourceId: ["edge-vm"] } };
    assert.deepEqual(await runStackPolicy(trialVmAutoShutdown, [trialVm, schedule]), []);
  });

  it("after deployment, matches by VM id", async () => {
    const vm = { ...trialVm, props: { ...trialVm.props, id: vmId } };
    const schedule = { type: T.schedule, name: "shutdown", props: { targetResourceId: vmId.toUpperCase(), status: "Enabled" } };
    assert.deepEqual(await runStackPolicy(trialVmAutoShutdown, [vm, schedule]), []);
  });

  it("warns about a trial VM without a schedule and gives the schedule's name", async () => {
    assert.deepEqual(await runStackPolicy(trialVmAutoShutdown, [trialVm]), [violation("edge-vm", "edge-vm-01")]);
  });

  it("puts a placeholder in the schedule's name when the VM's name is not known", async () => {
    const vm = { ...trialVm, props: { id: unknownValue, vmName: unknownValue, tags: trialVm.props.tags } };
    assert.deepEqual(await runStackPolicy(trialVmAutoShutdown, [vm]), [violation("edge-vm", "<vmName>")]);
  });

  it("does not match a schedule that targets another VM, by id or with an id not known yet", async () => {
    const vm = { ...trialVm, props: { ...trialVm.props, id: vmId } };
    const unknownTarget = { type: T.schedule, name: "shutdown", props: { targetResourceId: unknownValue } };
    assert.deepEqual(await runStackPolicy(trialVmAutoShutdown, [vm, unknownTarget]), [violation("edge-vm", "edge-vm-01")]);
    const otherTarget = { type: T.schedule, name: "shutdown", props: { targetResourceId: `${vmId}-other` } };
    assert.deepEqual(await runStackPolicy(trialVmAutoShutdown, [trialVm, otherTarget]), [violation("edge-vm", "edge-vm-01")]);
  });

  it("checks each trial VM against all the schedules", async () => {
    const second = { type: T.vm, name: "edge-vm-b", props: { id: unknownValue, vmName: "edge-vm-02", tags: { expiresOn: "2026-12-31" } } };
    const shutdownA = { type: T.schedule, name: "shutdown-a", props: { targetResourceId: unknownValue }, dependsOn: { targetResourceId: ["edge-vm"] } };
    const shutdownB = { type: T.schedule, name: "shutdown-b", props: { targetResourceId: unknownValue }, dependsOn: { targetResourceId: ["edge-vm-b"] } };
    assert.deepEqual(await runStackPolicy(trialVmAutoShutdown, [trialVm, second, shutdownA, shutdownB]), []);
    assert.deepEqual(await runStackPolicy(trialVmAutoShutdown, [trialVm, second, shutdownA]), [violation("edge-vm-b", "edge-vm-02")]);
  });

  it("does not count a disabled schedule, and ignores VMs that do not expire", async () => {
    const disabled = { type: T.schedule, name: "shutdown", props: { targetResourceId: unknownValue, status: "Disabled" }, dependsOn: { targetResourceId: ["edge-vm"] } };
    assert.deepEqual(await runStackPolicy(trialVmAutoShutdown, [trialVm, disabled]), [violation("edge-vm", "edge-vm-01")]);
    const permanent = { type: T.vm, name: "prod-vm", props: { tags: { stage: "prod" } } };
    assert.deepEqual(await runStackPolicy(trialVmAutoShutdown, [permanent]), []);
  });
});

describe("prod-alert-recipients", () => {
  const rg = (stage: string) => ({ type: T.resourceGroup, name: "rg", props: { tags: { stage } } });
  const group = (props: Record<string, unknown>) => ({ type: T.actionGroup, name: "alerts-email", props });
  const receiver = { name: "a", emailAddress: "a@example.com" };
  const violation = (name: string, stage: string) => ({
    urn: urnOf(T.resourceGroup, name),
    message:
      `The production stack ('${name}' is tagged stage=${stage}) has no enabled action group with an e-mail receiver, so its security alerts notify nobody. ` +
      "Set alertEmails: pulumi config set --path 'alertEmails[0]' secops@your-company.example " +
      "(offline plan: npm run plan -- --stack prod --set 'alertEmails[0]=secops@your-company.example').",
  });

  it("reports a prod stack with no action group, naming how to set alertEmails in both forms", async () => {
    assert.deepEqual(await runStackPolicy(prodAlertRecipients, [rg("prod")]), [violation("rg", "prod")]);
  });

  it("blames the first resource tagged prod, the stage in any case", async () => {
    const staged = [
      { type: T.resourceGroup, name: "rg-dev", props: { tags: { stage: "dev" } } },
      { type: T.resourceGroup, name: "rg-a", props: { tags: { stage: "Prod" } } },
      { type: T.resourceGroup, name: "rg-b", props: { tags: { stage: "prod" } } },
    ];
    assert.deepEqual(await runStackPolicy(prodAlertRecipients, staged), [violation("rg-a", "Prod")]);
  });

  it("reports a prod stack whose action group is disabled or has no e-mail receiver", async () => {
    assert.deepEqual(await runStackPolicy(prodAlertRecipients, [rg("prod"), group({ enabled: false, emailReceivers: [receiver] })]), [violation("rg", "prod")]);
    assert.deepEqual(await runStackPolicy(prodAlertRecipients, [rg("prod"), group({ enabled: true, emailReceivers: [] })]), [violation("rg", "prod")]);
    assert.deepEqual(await runStackPolicy(prodAlertRecipients, [rg("prod"), group({ enabled: true })]), [violation("rg", "prod")]);
  });

  it("passes a prod stack with one enabled e-mail receiver (enabled unless it says otherwise), and leaves other stages alone", async () => {
    assert.deepEqual(await runStackPolicy(prodAlertRecipients, [rg("prod"), group({ enabled: true, emailReceivers: [receiver] })]), []);
    assert.deepEqual(await runStackPolicy(prodAlertRecipients, [rg("prod"), group({ emailReceivers: [receiver] })]), []);
    assert.deepEqual(await runStackPolicy(prodAlertRecipients, [rg("prod"), group({ enabled: false, emailReceivers: [receiver] }), { ...group({ emailReceivers: [receiver] }), name: "alerts-2" }]), []);
    assert.deepEqual(await runStackPolicy(prodAlertRecipients, [rg("dev")]), []);
  });
});
