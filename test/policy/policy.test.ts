/**
 * The policy pack, tested through the policy objects it registers (policy/policies.ts).
 *
 * Resource inputs come from the azure-native SDK itself, captured under mocks, so a renamed or
 * reshaped input property breaks these tests rather than silently passing the policy; the type
 * token a policy is run with is the one the SDK registered, so a misspelt type in the pack shows
 * too. Props are wrapped in @pulumi/policy's own unknown-checking proxy, as the runtime does.
 * Every branch of the checks behind the policies is tested on plain props in rules.test.ts; the
 * registration, preview unknowns and the stack policies in policies.test.ts; loading the pack
 * under Pulumi's policy-pack runner in registration.test.ts.
 *
 * Runs in a process of its own (tools/test.mjs): it sets the SDK's mocks once, when it loads.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import * as compute from "@pulumi/azure-native/compute";
import * as iothub from "@pulumi/azure-native/iothub";
import * as network from "@pulumi/azure-native/network";
import {
  iotHubMinTls12,
  noBastionDeveloperInProd,
  nsgNoInternetInbound,
  nsgSshOnlyFromBastion,
  vmNoPasswordLogin,
  vmNoPublicIp,
} from "../../policy/policies";
import { runResourcePolicy } from "../helpers/policyHarness";

// ---------------------------------------------------------------------------------------------
// Inputs as the azure-native SDK sends them

const declared = new Map<string, { type: string; inputs: Record<string, unknown> }>();
void pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      declared.set(args.name, { type: args.type, inputs: args.inputs as Record<string, unknown> });
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: (args) => args.inputs,
  },
  "secure-iot-edge",
  "dev",
  false,
);

/** Runs `policy` on what the SDK registered for `resource` (declared under the name `name`): its type token and inputs. */
async function checkDeclared(policy: ResourceValidationPolicy, name: string, resource: pulumi.CustomResource): Promise<string[]> {
  await new Promise<void>((resolve) => resource.urn.apply(() => resolve()));
  const found = declared.get(name);
  assert.ok(found, `no inputs captured for ${name}`);
  return runResourcePolicy(policy, found.type, name, found.inputs);
}

/** Type tokens as the engine sends them, for cases built from raw props. */
const T = { iotHub: "azure-native:iothub:IotHubResource" } as const;

// ---------------------------------------------------------------------------------------------

describe("nsg-ssh-only-from-bastion", () => {
  const allow = { name: "allow-ssh-from-bastion", direction: "Inbound", access: "Allow", protocol: "Tcp", priority: 100, sourceAddressPrefix: "10.50.255.0/26", sourcePortRange: "*", destinationAddressPrefix: "10.50.1.0/24", destinationPortRange: "22" };
  const deny = { ...allow, name: "deny-ssh-from-vnet", access: "Deny", priority: 110, sourceAddressPrefix: "VirtualNetwork", destinationAddressPrefix: "*" };
  const check = async (name: string, securityRules: Record<string, unknown>[]) =>
    checkDeclared(nsgSshOnlyFromBastion, name, new network.NetworkSecurityGroup(name, { resourceGroupName: "rg", securityRules: securityRules as unknown as network.NetworkSecurityGroupArgs["securityRules"] }));
  const noDeny = (nsg: string, above: number) =>
    `Network security group '${nsg}' allows SSH (port 22) but has no inbound rule denying it from 'VirtualNetwork', so Azure's default AllowVnetInBound lets every other host in the virtual network reach port 22. Add an inbound Deny rule for TCP 22 from 'VirtualNetwork' with a priority number above ${above} (below the allow-from-Bastion rule).`;
  const vnetWide = (nsg: string, rule: string, sources: string) =>
    `Network security group '${nsg}' rule '${rule}' allows SSH (port 22) from the whole virtual network (source ${sources}). Allow SSH only from the AzureBastionSubnet range (or, for Bastion Developer, 168.63.129.16).`;

  it("passes the allow from Bastion followed by a deny from VirtualNetwork", async () => {
    assert.deepEqual(await check("ssh-ok", [allow, deny]), []);
  });

  it("passes an NSG that admits no SSH at all, or only denies it", async () => {
    assert.deepEqual(await check("ssh-none", [{ ...allow, destinationPortRange: "443" }]), []);
    assert.deepEqual(await check("ssh-deny-only", [deny]), []);
  });

  it("reports an SSH allow without the VirtualNetwork deny, naming the priority to use", async () => {
    assert.deepEqual(await check("ssh-nodeny", [allow]), [noDeny("ssh-nodeny", 100)]);
  });

  it("reports a deny placed before the Bastion allow (it would block Bastion)", async () => {
    assert.deepEqual(await check("ssh-early", [allow, { ...deny, priority: 90 }]), [
      "Network security group 'ssh-early' denies SSH from 'VirtualNetwork' (rule 'deny-ssh-from-vnet', priority 90) before its SSH allow at priority 100, which would also block Bastion. Give the deny a priority number above 100.",
    ]);
  });

  it("reports an SSH allow from the whole virtual network, also through a port range, '*', 'Any' or a list", async () => {
    const later = { ...deny, priority: 200 };
    assert.deepEqual(await check("ssh-vnet", [{ ...allow, name: "vnet-ssh", sourceAddressPrefix: "VirtualNetwork", destinationPortRange: "20-30" }, later]), [vnetWide("ssh-vnet", "vnet-ssh", "'VirtualNetwork'")]);
    assert.deepEqual(await check("ssh-star", [{ ...allow, name: "star", sourceAddressPrefix: "*", destinationPortRange: "*" }, later]), [vnetWide("ssh-star", "star", "'*'")]);
    assert.deepEqual(await check("ssh-any", [{ ...allow, name: "any", sourceAddressPrefix: " Any " }, later]), [vnetWide("ssh-any", "any", "' Any '")]);
    assert.deepEqual(await check("ssh-list", [{ ...allow, sourceAddressPrefix: undefined, name: "list", sourceAddressPrefixes: ["10.50.255.0/26", "VirtualNetwork"] }, later]), [
      vnetWide("ssh-list", "list", "'10.50.255.0/26', 'VirtualNetwork'"),
    ]);
  });
});

describe("nsg-no-internet-inbound", () => {
  const sshRule = { name: "ssh", direction: "Inbound", access: "Allow", protocol: "Tcp", priority: 100, sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "22" };
  const fix =
    "Set sourceAddressPrefix(es) to a specific CIDR or service tag (for SSH through Azure Bastion: the AzureBastionSubnet range or 'VirtualNetwork'), " +
    "or set access to 'Deny'.";

  it("passes an NSG that allows SSH only from the virtual network and denies the internet", async () => {
    const nsg = new network.NetworkSecurityGroup("nsg-ok", {
      resourceGroupName: "rg",
      securityRules: [
        { ...sshRule, sourceAddressPrefix: "VirtualNetwork" },
        { ...sshRule, name: "deny-internet", access: "Deny", priority: 4000, sourceAddressPrefix: "Internet" },
        { ...sshRule, name: "out", direction: "Outbound", priority: 100, sourceAddressPrefix: "*" },
      ],
    });
    assert.deepEqual(await checkDeclared(nsgNoInternetInbound, "nsg-ok", nsg), []);
  });

  it("names the NSG, the rule, the source and the fix when a rule allows SSH from '*'", async () => {
    const nsg = new network.NetworkSecurityGroup("nsg-open", { resourceGroupName: "rg", securityRules: [{ ...sshRule, sourceAddressPrefix: "*" }] });
    assert.deepEqual(await checkDeclared(nsgNoInternetInbound, "nsg-open", nsg), [
      `Network security group 'nsg-open' rule 'ssh' allows inbound traffic from the internet (source '*'). ${fix}`,
    ]);
  });

  it("finds internet sources hidden in sourceAddressPrefixes, in any case, and lists them all", async () => {
    const nsg = new network.NetworkSecurityGroup("nsg-list", {
      resourceGroupName: "rg",
      securityRules: [{ ...sshRule, direction: "inbound", access: "allow", sourceAddressPrefixes: ["10.0.0.0/8", "INTERNET", "0.0.0.0/0"] }],
    });
    assert.deepEqual(await checkDeclared(nsgNoInternetInbound, "nsg-list", nsg), [
      `Network security group 'nsg-list' rule 'ssh' allows inbound traffic from the internet (source 'INTERNET', '0.0.0.0/0'). ${fix}`,
    ]);
  });

  it("flags a standalone SecurityRule resource, naming its NSG", async () => {
    const rule = new network.SecurityRule("rule-open", { resourceGroupName: "rg", networkSecurityGroupName: "vm-nsg", ...sshRule, sourceAddressPrefix: "0.0.0.0/0" });
    // The SDK sends the rule's Azure name as `name`; securityRuleName is left to auto-naming.
    assert.deepEqual(await checkDeclared(nsgNoInternetInbound, "rule-open", rule), [
      `Network security group 'vm-nsg' rule 'ssh' allows inbound traffic from the internet (source '0.0.0.0/0'). ${fix}`,
    ]);
  });

  it("passes a standalone SecurityRule from the virtual network", async () => {
    const rule = new network.SecurityRule("rule-vnet", { resourceGroupName: "rg", networkSecurityGroupName: "vm-nsg", ...sshRule, sourceAddressPrefix: "VirtualNetwork" });
    assert.deepEqual(await checkDeclared(nsgNoInternetInbound, "rule-vnet", rule), []);
  });
});

describe("vm-no-public-ip", () => {
  const subnet = { id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/edge" };
  const pip = { id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/publicIPAddresses/pip" };
  const bastionOnly = "The VM must have no public IP: reach it only through Azure Bastion.";

  it("passes a NIC with only a private address", async () => {
    const nic = new network.NetworkInterface("nic-ok", { resourceGroupName: "rg", ipConfigurations: [{ name: "ipconfig1", subnet }] });
    assert.deepEqual(await checkDeclared(vmNoPublicIp, "nic-ok", nic), []);
  });

  it("names the NIC and ip configuration that attach a public IP", async () => {
    const nic = new network.NetworkInterface("nic-public", { resourceGroupName: "rg", ipConfigurations: [{ name: "ipconfig1", subnet, publicIPAddress: pip }] });
    assert.deepEqual(await checkDeclared(vmNoPublicIp, "nic-public", nic), [
      `Network interface 'nic-public' ip configuration 'ipconfig1' attaches a public IP (ipConfigurations[0].publicIPAddress). Remove publicIPAddress. ${bastionOnly}`,
    ]);
  });

  it("flags a public IP on a NIC the VM declares inline", async () => {
    const vm = new compute.VirtualMachine("vm-inline-ip", {
      resourceGroupName: "rg",
      networkProfile: {
        networkApiVersion: "2020-11-01",
        networkInterfaceConfigurations: [{ name: "nic", ipConfigurations: [{ name: "ip", subnet, publicIPAddressConfiguration: { name: "pip" } }] }],
      },
    });
    assert.deepEqual(await checkDeclared(vmNoPublicIp, "vm-inline-ip", vm), [
      "Virtual machine 'vm-inline-ip' gives its network interface 'nic' a public IP " +
        `(networkProfile.networkInterfaceConfigurations[0].ipConfigurations[0].publicIPAddressConfiguration). Remove publicIPAddressConfiguration. ${bastionOnly}`,
    ]);
  });

  it("passes a VM whose inline NIC is private, or that attaches existing NICs", async () => {
    const inline = new compute.VirtualMachine("vm-inline-private", {
      resourceGroupName: "rg",
      networkProfile: { networkApiVersion: "2020-11-01", networkInterfaceConfigurations: [{ name: "nic", ipConfigurations: [{ name: "ip", subnet }] }] },
    });
    assert.deepEqual(await checkDeclared(vmNoPublicIp, "vm-inline-private", inline), []);
    const attached = new compute.VirtualMachine("vm-attached", { resourceGroupName: "rg", networkProfile: { networkInterfaces: [{ id: "nic-id" }] } });
    assert.deepEqual(await checkDeclared(vmNoPublicIp, "vm-attached", attached), []);
  });
});

describe("vm-no-password-login", () => {
  const publicKeys = [{ path: "/home/edge/.ssh/authorized_keys", keyData: "ssh-ed25519 AAAA" }];
  const passwordLogin = (vm: string, value: string) =>
    `Virtual machine '${vm}' allows SSH password login: osProfile.linuxConfiguration.disablePasswordAuthentication is ${value}. ` +
    "Set it to true and log in with an SSH key (osProfile.linuxConfiguration.ssh.publicKeys).";
  const adminPassword = (vm: string) =>
    `Virtual machine '${vm}' sets osProfile.adminPassword. Remove it and use SSH keys only: ` +
    "a password on the admin account is one setting away from password login.";

  it("passes a Linux VM with SSH keys and password login disabled", async () => {
    const vm = new compute.VirtualMachine("vm-keys", {
      resourceGroupName: "rg",
      osProfile: { computerName: "edge", adminUsername: "edge", linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys } } },
    });
    assert.deepEqual(await checkDeclared(vmNoPasswordLogin, "vm-keys", vm), []);
  });

  it("reports both password login left on and a set adminPassword, with the fix", async () => {
    const vm = new compute.VirtualMachine("vm-password", {
      resourceGroupName: "rg",
      osProfile: { computerName: "edge", adminUsername: "edge", adminPassword: pulumi.secret("P@ssw0rd!"), linuxConfiguration: { disablePasswordAuthentication: false } },
    });
    assert.deepEqual(await checkDeclared(vmNoPasswordLogin, "vm-password", vm), [passwordLogin("vm-password", "false"), adminPassword("vm-password")]);
  });
});


describe("iothub-min-tls-1-2", () => {
  const sku = { name: "S1", capacity: 1 };
  const violation = (hub: string, found: string) =>
    `IoT Hub '${hub}' does not enforce TLS 1.2: properties.minTlsVersion is ${found}. Set properties.minTlsVersion to "1.2".`;
  const run = (name: string, props: Record<string, unknown>) => runResourcePolicy(iotHubMinTls12, T.iotHub, name, props);

  it("passes a hub with minTlsVersion 1.2", async () => {
    const hub = new iothub.IotHubResource("hub-tls12", { resourceGroupName: "rg", sku, properties: { minTlsVersion: "1.2" } });
    assert.deepEqual(await checkDeclared(iotHubMinTls12, "hub-tls12", hub), []);
  });

  it("names the hub and says how to fix it when minTlsVersion is not set", async () => {
    const hub = new iothub.IotHubResource("hub-default", { resourceGroupName: "rg", sku });
    assert.deepEqual(await checkDeclared(iotHubMinTls12, "hub-default", hub), [violation("hub-default", "not set, so the hub also accepts TLS 1.0 and 1.1")]);
    assert.deepEqual(await run("hub-bare", {}), [violation("hub-bare", "not set, so the hub also accepts TLS 1.0 and 1.1")]);
  });
});

describe("no-bastion-developer-in-prod", () => {
  const bastion = async (name: string, sku: string, stage: string): Promise<string[]> =>
    checkDeclared(noBastionDeveloperInProd, name, new network.BastionHost(name, { resourceGroupName: "rg", sku: { name: sku }, tags: { stage, project: "secure-iot-edge", "managed-by": "pulumi" } }));
  const violation = (name: string, stage: string) =>
    `Bastion host '${name}' uses the Developer SKU in a production stack (tag stage=${stage}). ` +
    "Developer is a free shared pool: one VM at a time, portal only, no SLA. " +
    "Set sku.name to 'Basic' (needs an AzureBastionSubnet of /26 or larger and a Standard public IP) or 'Standard' (adds native-client SSH with enableTunneling: true).";

  it("allows Developer outside production and Standard in production", async () => {
    assert.deepEqual(await bastion("bastion-dev", "Developer", "dev"), []);
    assert.deepEqual(await bastion("bastion-prod-std", "Standard", "prod"), []);
  });

  it("warns about Developer in a prod stack and names the SKUs to use", async () => {
    assert.deepEqual(await bastion("bastion-prod", "Developer", "prod"), [violation("bastion-prod", "prod")]);
  });
});
