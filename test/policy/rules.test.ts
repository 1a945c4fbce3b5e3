/**
 * The checks behind the policy pack (policy/rules.ts), called directly on plain props: every
 * branch and limit of each check, with the whole message it reports. policy.test.ts runs the
 * registered policies on inputs the azure-native SDK itself sends, at preview and after
 * deployment, and the stack-wide policies.
 *
 * Plain functions, no Pulumi runtime: this file loads in a fraction of a second.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as rules from "../../policy/rules";
import { coversSsh, isInternetSource, isTls12OrLater } from "../../policy/rules";

/** `obj` without `key`: a rule or configuration that leaves a property out. */
function without(obj: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...obj };
  delete copy[key];
  return copy;
}

describe("every check", () => {
  it("treats props of the wrong shape as nothing set", () => {
    const checks = [
      rules.nsgInternetInboundViolations,
      rules.securityRuleInternetInboundViolations,
      rules.nsgSshFromVnetViolations,
      rules.nicPublicIpViolations,
      rules.vmInlinePublicIpViolations,
      rules.vmPasswordLoginViolations,
      rules.classicSecurityModuleViolations,
      rules.bastionDeveloperInProdViolations,
    ];
    for (const check of checks) {
      for (const props of [undefined, null, "text", 7, [], [{ securityRules: [] }]]) assert.deepEqual(check("r", props), [], `${check.name}(${JSON.stringify(props)})`);
    }
  });
});

describe("nsgSshFromVnetViolations (nsg-ssh-only-from-bastion)", () => {
  const allow = { name: "allow-ssh-from-bastion", direction: "Inbound", access: "Allow", protocol: "Tcp", priority: 100, sourceAddressPrefix: "10.50.255.0/26", sourcePortRange: "*", destinationAddressPrefix: "10.50.1.0/24", destinationPortRange: "22" };
  const deny = { ...allow, name: "deny-ssh-from-vnet", access: "Deny", priority: 110, sourceAddressPrefix: "VirtualNetwork", destinationAddressPrefix: "*" };
  const check = (name: string, securityRules: unknown[]) => rules.nsgSshFromVnetViolations(name, { securityRules });
  const raw = check;
  const noDeny = (nsg: string, above: number) =>
    `Network security group '${nsg}' allows SSH (port 22) but has no inbound rule denying it from 'VirtualNetwork', so Azure's default AllowVnetInBound lets every other host in the virtual network reach port 22. Add an inbound Deny rule for TCP 22 from 'VirtualNetwork' with a priority number above ${above} (below the allow-from-Bastion rule).`;
  const vnetWide = (nsg: string, rule: string, sources: string) =>
    `Network security group '${nsg}' rule '${rule}' allows SSH (port 22) from the whole virtual network (source ${sources}). Allow SSH only from the AzureBastionSubnet range (or, for Bastion Developer, 168.63.129.16).`;

  it("passes the allow from Bastion followed by a deny from VirtualNetwork", () => {
    assert.deepEqual(check("ssh-ok", [allow, deny]), []);
  });

  it("passes a deny one priority number above the allow, and a deny tag in any case and spacing", () => {
    assert.deepEqual(check("ssh-next", [allow, { ...deny, priority: 101, sourceAddressPrefix: " virtualNETWORK " }]), []);
  });

  it("passes an NSG that admits no SSH at all, or only denies it", () => {
    assert.deepEqual(check("ssh-none", [{ ...allow, destinationPortRange: "443" }]), []);
    assert.deepEqual(check("ssh-deny-only", [deny]), []);
  });

  it("counts only inbound rules for TCP or any protocol", () => {
    const outbound = { ...allow, name: "out", direction: "Outbound", sourceAddressPrefix: "VirtualNetwork" };
    const udp = { ...allow, name: "udp", protocol: "Udp", sourceAddressPrefix: "VirtualNetwork" };
    assert.deepEqual(check("ssh-not-tcp", [outbound, udp]), []);
    assert.deepEqual(check("ssh-any-protocol", [{ ...allow, protocol: "*" }]), [noDeny("ssh-any-protocol", 100)]);
    // A rule without a protocol is read as any protocol.
    assert.deepEqual(raw("ssh-no-protocol", [without(allow, "protocol")]), [noDeny("ssh-no-protocol", 100)]);
  });

  it("finds SSH in destinationPortRanges too", () => {
    assert.deepEqual(check("ssh-ranges", [{ ...without(allow, "destinationPortRange"), destinationPortRanges: ["443", "20-30"] }]), [noDeny("ssh-ranges", 100)]);
  });

  it("reports an SSH allow without the VirtualNetwork deny, naming the priority to use", () => {
    assert.deepEqual(check("ssh-nodeny", [allow]), [noDeny("ssh-nodeny", 100)]);
  });

  it("does not count a deny from another source, nor an allow from VirtualNetwork, as the VirtualNetwork deny", () => {
    const denyInternet = { ...deny, name: "deny-internet", priority: 4000, sourceAddressPrefix: "Internet" };
    assert.deepEqual(check("ssh-deny-internet", [allow, denyInternet]), [noDeny("ssh-deny-internet", 100)]);
    const vnetAllow = { ...allow, name: "vnet-ssh", priority: 200, sourceAddressPrefix: "VirtualNetwork" };
    assert.deepEqual(check("ssh-vnet-allow", [vnetAllow]), [vnetWide("ssh-vnet-allow", "vnet-ssh", "'VirtualNetwork'"), noDeny("ssh-vnet-allow", 200)]);
  });

  it("reports a deny placed before the Bastion allow (it would block Bastion)", () => {
    assert.deepEqual(check("ssh-early", [allow, { ...deny, priority: 90 }]), [
      "Network security group 'ssh-early' denies SSH from 'VirtualNetwork' (rule 'deny-ssh-from-vnet', priority 90) before its SSH allow at priority 100, which would also block Bastion. Give the deny a priority number above 100.",
    ]);
  });

  it("reports a deny at the same priority number as the allow", () => {
    assert.deepEqual(raw("ssh-same", [allow, { ...deny, priority: 100 }]), [
      "Network security group 'ssh-same' denies SSH from 'VirtualNetwork' (rule 'deny-ssh-from-vnet', priority 100) before its SSH allow at priority 100, which would also block Bastion. Give the deny a priority number above 100.",
    ]);
  });

  it("wants the deny below the last of several SSH allows", () => {
    const second = { ...allow, name: "allow-ssh-2", priority: 120, sourceAddressPrefix: "10.50.254.0/26" };
    assert.deepEqual(check("ssh-two-allows", [allow, second, deny]), [
      "Network security group 'ssh-two-allows' denies SSH from 'VirtualNetwork' (rule 'deny-ssh-from-vnet', priority 110) before its SSH allow at priority 120, which would also block Bastion. Give the deny a priority number above 120.",
    ]);
    assert.deepEqual(check("ssh-two-allows-nodeny", [second, allow]), [noDeny("ssh-two-allows-nodeny", 120)]);
  });

  it("counts a deny whose source list includes VirtualNetwork, and ignores a rule without access", () => {
    const listed = { ...without(deny, "sourceAddressPrefix"), sourceAddressPrefixes: ["10.0.0.0/8", "VirtualNetwork"] };
    assert.deepEqual(check("ssh-deny-list", [allow, listed]), []);
    assert.deepEqual(check("ssh-no-access", [without({ ...allow, sourceAddressPrefix: "VirtualNetwork" }, "access")]), []);
  });

  it("is satisfied by any one deny below the allows, and names the first deny when none is", () => {
    assert.deepEqual(check("ssh-two-denies", [allow, { ...deny, name: "deny-early", priority: 90 }, { ...deny, priority: 200 }]), []);
    const [message] = check("ssh-two-early", [allow, { ...deny, name: "deny-a", priority: 80 }, { ...deny, name: "deny-b", priority: 90 }]);
    assert.match(message ?? "", /\(rule 'deny-a', priority 80\) before its SSH allow at priority 100,/);
  });

  it("reports an SSH allow from the whole virtual network, also through a port range, '*', 'Any' or a list", () => {
    const later = { ...deny, priority: 200 };
    assert.deepEqual(check("ssh-vnet", [{ ...allow, name: "vnet-ssh", sourceAddressPrefix: "VirtualNetwork", destinationPortRange: "20-30" }, later]), [vnetWide("ssh-vnet", "vnet-ssh", "'VirtualNetwork'")]);
    assert.deepEqual(check("ssh-star", [{ ...allow, name: "star", sourceAddressPrefix: "*", destinationPortRange: "*" }, later]), [vnetWide("ssh-star", "star", "'*'")]);
    assert.deepEqual(check("ssh-any", [{ ...allow, name: "any", sourceAddressPrefix: " Any " }, later]), [vnetWide("ssh-any", "any", "' Any '")]);
    assert.deepEqual(check("ssh-list", [{ ...without(allow, "sourceAddressPrefix"), name: "list", sourceAddressPrefixes: ["10.50.255.0/26", "VirtualNetwork"] }, later]), [
      vnetWide("ssh-list", "list", "'10.50.255.0/26', 'VirtualNetwork'"),
    ]);
  });

  it("names an unnamed rule by its index and skips entries that are not rules", () => {
    const unnamed = without({ ...allow, sourceAddressPrefix: "VirtualNetwork" }, "name");
    assert.deepEqual(raw("ssh-unnamed", [null, "rule", unnamed, deny]), [vnetWide("ssh-unnamed", "#2", "'VirtualNetwork'")]);
  });

  it("reads port ranges: 22, ranges that include 22 and * cover SSH; other ports, ranges and text do not", () => {
    for (const r of ["22", "1-1024", "*", " 22 ", "21-22", "22-23", "0-65535"]) assert.equal(coversSsh(r), true, r);
    for (const r of ["23", "21", "2200", "122", "80-443", "23-30", "10-21", "x22", "22x", "22-", "ssh", "", undefined]) assert.equal(coversSsh(r), false, String(r));
  });
});
describe("nsgInternetInboundViolations and securityRuleInternetInboundViolations (nsg-no-internet-inbound)", () => {
  const sshRule = { name: "ssh", direction: "Inbound", access: "Allow", protocol: "Tcp", priority: 100, sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "22" };
  const fix =
    "Set sourceAddressPrefix(es) to a specific CIDR or service tag (for SSH through Azure Bastion: the AzureBastionSubnet range or 'VirtualNetwork'), " +
    "or set access to 'Deny'.";
  const nsg = (name: string, securityRules: unknown[]) => rules.nsgInternetInboundViolations(name, { securityRules });

  it("passes inbound allows from the virtual network, inbound denies and outbound rules from the internet", () => {
    assert.deepEqual(nsg("nsg-ok", [
      { ...sshRule, sourceAddressPrefix: "VirtualNetwork", sourceAddressPrefixes: ["10.0.0.0/8", "AzureLoadBalancer"] },
      { ...sshRule, name: "deny-internet", access: "Deny", priority: 4000, sourceAddressPrefix: "Internet" },
      { ...sshRule, name: "out", direction: "Outbound", priority: 100, sourceAddressPrefix: "*" },
    ]), []);
  });

  it("names the NSG, the rule, the source and the fix when a rule allows SSH from '*'", () => {
    assert.deepEqual(nsg("nsg-open", [{ ...sshRule, sourceAddressPrefix: "*" }]), [
      `Network security group 'nsg-open' rule 'ssh' allows inbound traffic from the internet (source '*'). ${fix}`,
    ]);
  });

  it("finds internet sources in sourceAddressPrefix and sourceAddressPrefixes, in any case, and lists them all", () => {
    const rule = { ...sshRule, direction: "inbound", access: "allow", sourceAddressPrefix: "Any", sourceAddressPrefixes: ["10.0.0.0/8", "INTERNET", "0.0.0.0/0"] };
    assert.deepEqual(nsg("nsg-list", [rule]), [
      `Network security group 'nsg-list' rule 'ssh' allows inbound traffic from the internet (source 'Any', 'INTERNET', '0.0.0.0/0'). ${fix}`,
    ]);
  });

  it("reports each offending rule of an NSG", () => {
    assert.deepEqual(nsg("nsg-two", [{ ...sshRule, sourceAddressPrefix: "*" }, { ...sshRule, name: "https", destinationPortRange: "443", sourceAddressPrefix: "::/0" }]), [
      `Network security group 'nsg-two' rule 'ssh' allows inbound traffic from the internet (source '*'). ${fix}`,
      `Network security group 'nsg-two' rule 'https' allows inbound traffic from the internet (source '::/0'). ${fix}`,
    ]);
  });

  it("names an unnamed rule by its index, skips entries that are not rules and rules without direction or access", () => {
    const unnamed = without({ ...sshRule, sourceAddressPrefix: "Any" }, "name");
    const partial = [{ name: "no-direction", access: "Allow", sourceAddressPrefix: "*" }, { name: "no-access", direction: "Inbound", sourceAddressPrefix: "*" }];
    assert.deepEqual(nsg("nsg-raw", [null, 5, ...partial, unnamed]), [
      `Network security group 'nsg-raw' rule '#4' allows inbound traffic from the internet (source 'Any'). ${fix}`,
    ]);
  });

  it("names a standalone rule's NSG, and the rule by securityRuleName, then name, then the resource name", () => {
    const open = { direction: "Inbound", access: "Allow", sourceAddressPrefix: "*" };
    const run = (props: Record<string, unknown>) => rules.securityRuleInternetInboundViolations("rule-res", props);
    assert.deepEqual(run({ ...open, securityRuleName: "by-azure-name", name: "by-name" }), [
      `Security rule resource rule 'by-azure-name' allows inbound traffic from the internet (source '*'). ${fix}`,
    ]);
    assert.deepEqual(run({ ...open, name: "by-name", networkSecurityGroupName: "nsg" }), [
      `Network security group 'nsg' rule 'by-name' allows inbound traffic from the internet (source '*'). ${fix}`,
    ]);
    assert.deepEqual(run(open), [`Security rule resource rule 'rule-res' allows inbound traffic from the internet (source '*'). ${fix}`]);
  });

  it("passes a standalone rule that allows only the virtual network, or denies the internet", () => {
    const rule = { ...sshRule, networkSecurityGroupName: "nsg" };
    assert.deepEqual(rules.securityRuleInternetInboundViolations("r", { ...rule, sourceAddressPrefix: "VirtualNetwork" }), []);
    assert.deepEqual(rules.securityRuleInternetInboundViolations("r", { ...rule, access: "Deny", sourceAddressPrefix: "*" }), []);
  });

  it("treats every spelling of 'anywhere' as the internet, and nothing else", () => {
    for (const source of ["*", "Internet", "any", " ANY ", "0.0.0.0/0", "::/0", "0.0.0.0/1", "128.0.0.0/1"]) assert.equal(isInternetSource(source), true, source);
    for (const source of ["VirtualNetwork", "10.0.0.0/16", "AzureBastionSubnet", "168.63.129.16"]) assert.equal(isInternetSource(source), false, source);
  });
});

describe("nicPublicIpViolations and vmInlinePublicIpViolations (vm-no-public-ip)", () => {
  const subnet = { id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/edge" };
  const pip = { id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/publicIPAddresses/pip" };
  const bastionOnly = "The VM must have no public IP: reach it only through Azure Bastion.";

  it("passes a NIC with only private addresses", () => {
    assert.deepEqual(rules.nicPublicIpViolations("nic-ok", { ipConfigurations: [{ name: "ipconfig1", subnet }, { name: "ipconfig2", subnet }] }), []);
  });

  it("names the NIC and the ip configuration that attaches a public IP, an unnamed one by its index, and skips entries that are not configurations", () => {
    const props = { ipConfigurations: [null, { name: "private", subnet }, { name: "public", subnet, publicIPAddress: pip }, { subnet, publicIPAddress: pip }] };
    assert.deepEqual(rules.nicPublicIpViolations("nic-raw", props), [
      `Network interface 'nic-raw' ip configuration 'public' attaches a public IP (ipConfigurations[2].publicIPAddress). Remove publicIPAddress. ${bastionOnly}`,
      `Network interface 'nic-raw' ip configuration '#3' attaches a public IP (ipConfigurations[3].publicIPAddress). Remove publicIPAddress. ${bastionOnly}`,
    ]);
  });

  it("passes a VM whose inline NICs are private, or that attaches existing NICs", () => {
    const inline = { networkProfile: { networkInterfaceConfigurations: [{ name: "nic", ipConfigurations: [{ name: "ip", subnet }] }] } };
    assert.deepEqual(rules.vmInlinePublicIpViolations("vm", inline), []);
    assert.deepEqual(rules.vmInlinePublicIpViolations("vm", { networkProfile: { networkInterfaces: [{ id: "nic-id" }] } }), []);
    assert.deepEqual(rules.vmInlinePublicIpViolations("vm", { networkProfile: {} }), []);
  });

  it("names the inline NIC, an unnamed one by its index, and points at the right entries", () => {
    const props = {
      networkProfile: {
        networkInterfaceConfigurations: [
          null,
          { ipConfigurations: [null, { name: "private" }, { name: "ip", publicIPAddressConfiguration: { name: "pip" } }] },
          { name: "nic", ipConfigurations: [{ name: "ip", publicIPAddressConfiguration: { name: "pip" } }] },
        ],
      },
    };
    assert.deepEqual(rules.vmInlinePublicIpViolations("vm-raw", props), [
      "Virtual machine 'vm-raw' gives its network interface '#1' a public IP " +
        `(networkProfile.networkInterfaceConfigurations[1].ipConfigurations[2].publicIPAddressConfiguration). Remove publicIPAddressConfiguration. ${bastionOnly}`,
      "Virtual machine 'vm-raw' gives its network interface 'nic' a public IP " +
        `(networkProfile.networkInterfaceConfigurations[2].ipConfigurations[0].publicIPAddressConfiguration). Remove publicIPAddressConfiguration. ${bastionOnly}`,
    ]);
  });
});

describe("vmPasswordLoginViolations (vm-no-password-login)", () => {
  const passwordLogin = (vm: string, value: string) =>
    `Virtual machine '${vm}' allows SSH password login: osProfile.linuxConfiguration.disablePasswordAuthentication is ${value}. ` +
    "Set it to true and log in with an SSH key (osProfile.linuxConfiguration.ssh.publicKeys).";
  const adminPassword = (vm: string) =>
    `Virtual machine '${vm}' sets osProfile.adminPassword. Remove it and use SSH keys only: ` +
    "a password on the admin account is one setting away from password login.";
  const run = rules.vmPasswordLoginViolations;

  it("passes a Linux VM with password login disabled and no password", () => {
    assert.deepEqual(run("vm-keys", { osProfile: { adminUsername: "edge", linuxConfiguration: { disablePasswordAuthentication: true } } }), []);
  });

  it("reports both password login left on and a set adminPassword, with the fix", () => {
    assert.deepEqual(run("vm-password", { osProfile: { adminPassword: "P@ssw0rd!", linuxConfiguration: { disablePasswordAuthentication: false } } }), [
      passwordLogin("vm-password", "false"),
      adminPassword("vm-password"),
    ]);
  });

  it("treats an unset disablePasswordAuthentication, or no linuxConfiguration, as password login on", () => {
    assert.deepEqual(run("vm-default", { osProfile: { adminUsername: "edge", linuxConfiguration: {} } }), [passwordLogin("vm-default", "not set")]);
    assert.deepEqual(run("vm-bare", { osProfile: { adminUsername: "edge" } }), [passwordLogin("vm-bare", "not set")]);
  });

  it("wants the boolean true, not the text", () => {
    assert.deepEqual(run("vm-text", { osProfile: { linuxConfiguration: { disablePasswordAuthentication: "true" } } }), [passwordLogin("vm-text", '"true"')]);
  });

  it("reports an adminPassword even when password login is disabled", () => {
    assert.deepEqual(run("vm-pw", { osProfile: { adminPassword: "x", linuxConfiguration: { disablePasswordAuthentication: true } } }), [adminPassword("vm-pw")]);
  });

  it("checks only the adminPassword of a Windows VM", () => {
    assert.deepEqual(run("vm-win", { osProfile: { adminUsername: "edge", windowsConfiguration: { provisionVMAgent: true } } }), []);
    assert.deepEqual(run("vm-win-pw", { osProfile: { adminPassword: "x", windowsConfiguration: {} } }), [adminPassword("vm-win-pw")]);
  });

  it("passes a VM without osProfile (it boots an existing disk), or with an osProfile of the wrong shape", () => {
    assert.deepEqual(run("vm-disk", { storageProfile: { osDisk: { createOption: "Attach" } } }), []);
    for (const osProfile of ["text", [], null]) assert.deepEqual(run("vm-odd", { osProfile }), [], JSON.stringify(osProfile));
  });
});

describe("iotHubTlsViolations (iothub-min-tls-1-2)", () => {
  const violation = (hub: string, found: string) =>
    `IoT Hub '${hub}' does not enforce TLS 1.2: properties.minTlsVersion is ${found}. Set properties.minTlsVersion to "1.2".`;
  const run = rules.iotHubTlsViolations;

  it("passes 1.2 and later", () => {
    assert.deepEqual(run("hub-tls12", { properties: { minTlsVersion: "1.2" } }), []);
    assert.deepEqual(run("hub-tls13", { properties: { minTlsVersion: "1.3" } }), []);
  });

  it("names the hub and says how to fix it when minTlsVersion is not set", () => {
    assert.deepEqual(run("hub-default", { properties: { enableFileUploadNotifications: false } }), [violation("hub-default", "not set, so the hub also accepts TLS 1.0 and 1.1")]);
    assert.deepEqual(run("hub-bare", {}), [violation("hub-bare", "not set, so the hub also accepts TLS 1.0 and 1.1")]);
  });

  it("reports a hub whose props are not an object as not set", () => {
    for (const props of [undefined, null, "text", []]) assert.deepEqual(run("hub-odd", props), [violation("hub-odd", "not set, so the hub also accepts TLS 1.0 and 1.1")], JSON.stringify(props));
  });

  it("rejects an older minimum version, and a version that is not text", () => {
    assert.deepEqual(run("hub-old", { properties: { minTlsVersion: "1.1" } }), [violation("hub-old", '"1.1"')]);
    assert.deepEqual(run("hub-number", { properties: { minTlsVersion: 1.2 } }), [violation("hub-number", "1.2")]);
  });

  it("accepts 1.2 and later major.minor versions only", () => {
    for (const v of ["1.2", "1.3", "1.10", "2.0", "10.0", " 1.2 "]) assert.equal(isTls12OrLater(v), true, v);
    for (const v of ["1.0", "1.1", "0.2", "0.9", "", "1", "12", "1.2.3", "v1.2", "1.2a", "1x2", "1.", ".2", "TLS1_2"]) assert.equal(isTls12OrLater(v), false, v);
  });
});

describe("classicSecurityModuleViolations (no-classic-security-module)", () => {
  const deployment = (modules: Record<string, unknown>): Record<string, unknown> => ({
    content: { modulesContent: { $edgeAgent: { "properties.desired": { schemaVersion: "1.1", modules } } } },
  });
  const run = (props: Record<string, unknown>) => rules.classicSecurityModuleViolations("edge-deployment", props);
  const violation = (module: string) =>
    `Edge deployment 'edge-deployment' runs the retired classic security module '${module}' ` +
    "(mcr.microsoft.com/ascforiot/azureiotsecurity; support ended 2022-03-01, documented only for edgeHub 1.0.8.3 or older). " +
    `Remove modules.${module} and its routes from $edgeAgent/$edgeHub and use Defender for Servers Plan 1 on the host instead (securityAgent defender-for-servers).`;
  const echo = { settings: { image: "mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.5" } };

  it("passes a deployment without the classic module, whatever shape its other modules have", () => {
    assert.deepEqual(run(deployment({ echo, bare: {}, noImage: { settings: {} }, broken: null })), []);
  });

  it("passes dynamic resources that are not edge deployments", () => {
    assert.deepEqual(run({ deviceId: "edge-01", hubName: "hub" }), []);
    assert.deepEqual(run({ content: { modulesContent: { $edgeAgent: { "properties.desired": { schemaVersion: "1.1" } } } } }), []);
  });

  it("names the deployment and module and points to Defender for Servers", () => {
    const modules = { azureiotsecurity: { settings: { image: "mcr.microsoft.com/ascforiot/azureiotsecurity:1.0.2" } } };
    assert.deepEqual(run(deployment(modules)), [violation("azureiotsecurity")]);
  });

  it("recognises the module by its name alone, and the classic image under another module name, in any case", () => {
    assert.deepEqual(run(deployment({ echo, azureiotsecurity: {} })), [violation("azureiotsecurity")]);
    assert.deepEqual(run(deployment({ echo, security: { settings: { image: "MCR.microsoft.com/ASCforIoT/AzureIoTSecurity:0.0.3" } } })), [violation("security")]);
  });
});

describe("bastionDeveloperInProdViolations (no-bastion-developer-in-prod)", () => {
  const run = (sku: unknown, tags: unknown) => rules.bastionDeveloperInProdViolations("bastion", { sku, tags });
  const violation = (stage: string) =>
    `Bastion host 'bastion' uses the Developer SKU in a production stack (tag stage=${stage}). ` +
    "Developer is a free shared pool: one VM at a time, portal only, no SLA. " +
    "Set sku.name to 'Basic' (needs an AzureBastionSubnet of /26 or larger and a Standard public IP) or 'Standard' (adds native-client SSH with enableTunneling: true).";

  it("allows Developer outside production and Standard or Basic in production", () => {
    assert.deepEqual(run({ name: "Developer" }, { stage: "dev" }), []);
    assert.deepEqual(run({ name: "Standard" }, { stage: "prod" }), []);
    assert.deepEqual(run({ name: "Basic" }, { stage: "prod" }), []);
  });

  it("allows a Bastion host without SKU or stage tag", () => {
    assert.deepEqual(run(undefined, { stage: "prod" }), []);
    assert.deepEqual(run({ name: "Developer" }, undefined), []);
  });

  it("warns about Developer in a prod stack, SKU and stage in any case", () => {
    assert.deepEqual(run({ name: "Developer" }, { stage: "prod" }), [violation("prod")]);
    assert.deepEqual(run({ name: "developer" }, { stage: "Prod" }), [violation("Prod")]);
  });
});

// ---------------------------------------------------------------------------------------------
// Stack checks, on the views policies.ts builds (policy.test.ts builds them from stack resources)

describe("hubsWithoutDefenderViolations (iothub-has-defender)", () => {
  const hubId = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Devices/IotHubs/hub";
  const hub = { urn: "urn:hub", name: "hub", id: hubId };
  const solution = (over: Partial<rules.SecuritySolutionView>): rules.SecuritySolutionView => ({ urn: "urn:defender", name: "defender", enabled: true, hubIds: [], hubUrns: [], ...over });
  const none = {
    urn: "urn:hub",
    message:
      "IoT Hub 'hub' has no Defender for IoT security solution: no azure-native:security:IotSecuritySolution lists it in iotHubs. " +
      "Add one with iotHubs: [the hub's id] and workspace: a Log Analytics workspace id.",
  };

  it("matches a hub by URN, or by id regardless of case", () => {
    assert.deepEqual(rules.hubsWithoutDefenderViolations([{ ...hub, id: undefined }], [solution({ hubUrns: ["urn:other", "urn:hub"] })]), []);
    assert.deepEqual(rules.hubsWithoutDefenderViolations([hub], [solution({ hubIds: ["/other", hubId.toUpperCase()] })]), []);
  });

  it("blames a hub no solution lists, also when one of the ids is not known", () => {
    assert.deepEqual(rules.hubsWithoutDefenderViolations([hub], []), [none]);
    assert.deepEqual(rules.hubsWithoutDefenderViolations([hub], [solution({ hubIds: [`${hubId}-2`], hubUrns: ["urn:hub-2"] })]), [none]);
    assert.deepEqual(rules.hubsWithoutDefenderViolations([{ ...hub, id: undefined }], [solution({ hubIds: [hubId] })]), [none]);
  });

  it("names the disabled solutions that list a hub, and passes a hub an enabled one covers besides", () => {
    const off = [solution({ name: "a", enabled: false, hubIds: [hubId] }), solution({ name: "b", enabled: false, hubUrns: ["urn:hub"] })];
    assert.deepEqual(rules.hubsWithoutDefenderViolations([hub], off), [
      { urn: "urn:hub", message: "IoT Hub 'hub' has no Defender for IoT security solution: only disabled security solutions list it ('a', 'b'): set their status to 'Enabled'." },
    ]);
    assert.deepEqual(rules.hubsWithoutDefenderViolations([hub], [...off, solution({ hubIds: [hubId] })]), []);
  });
});

describe("trialWorkspaceCapViolations (trial-workspace-daily-cap)", () => {
  const expiring = [{ urn: "urn:rg", name: "rg", expiresOn: "2026-12-31" }, { urn: "urn:vm", name: "vm", expiresOn: "2027-01-31" }];
  const violation = (found: string) => ({
    urn: "urn:logs",
    message:
      `Log Analytics workspace 'logs' has no daily cap (workspaceCapping.dailyQuotaGb is ${found}) in a trial stack ('rg' is tagged expiresOn=2026-12-31). ` +
      "Set workspaceCapping.dailyQuotaGb to a positive number of GB so ingestion, and its cost, stops at the cap.",
  });
  const workspace = (dailyQuotaGb?: number) => ({ urn: "urn:logs", name: "logs", dailyQuotaGb });

  it("asks nothing of a stack without an expiring resource", () => {
    assert.deepEqual(rules.trialWorkspaceCapViolations([], [workspace(-1), workspace()]), []);
  });

  it("in a trial, passes a positive cap and reports zero, negative and missing caps, naming the first expiring resource", () => {
    assert.deepEqual(rules.trialWorkspaceCapViolations(expiring, [workspace(0.01)]), []);
    assert.deepEqual(rules.trialWorkspaceCapViolations(expiring, [workspace(0)]), [violation("0")]);
    assert.deepEqual(rules.trialWorkspaceCapViolations(expiring, [workspace(-1)]), [violation("-1")]);
    assert.deepEqual(rules.trialWorkspaceCapViolations(expiring, [workspace()]), [violation("not set")]);
  });
});

describe("trialVmShutdownViolations (trial-vm-auto-shutdown)", () => {
  const vmId = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/edge-vm-01";
  const vm = { urn: "urn:vm", name: "edge-vm", id: vmId, vmName: "edge-vm-01", expiresOn: "2026-12-31" };
  const schedule = (over: Partial<rules.ShutdownScheduleView>): rules.ShutdownScheduleView => ({ urn: "urn:s", name: "s", enabled: true, targetUrns: [], ...over });
  const violation = (name: string, urn: string, vmName: string) => ({
    urn,
    message:
      `Virtual machine '${name}' is tagged expiresOn=2026-12-31 (a trial) but no enabled azure-native:devtestlab:GlobalSchedule shuts it down. ` +
      `Add one named 'shutdown-computevm-${vmName}' with taskType 'ComputeVmShutdownTask', a dailyRecurrence time, a timeZoneId and targetResourceId set to the VM's id.`,
  });

  it("passes a VM an enabled schedule targets by URN or by id in any case", () => {
    assert.deepEqual(rules.trialVmShutdownViolations([vm], [schedule({ targetUrns: ["urn:vm"] })]), []);
    assert.deepEqual(rules.trialVmShutdownViolations([vm], [schedule({ targetId: vmId.toUpperCase() })]), []);
  });

  it("reports a VM without schedule, one with a disabled schedule, and one whose schedule targets something else", () => {
    assert.deepEqual(rules.trialVmShutdownViolations([vm], []), [violation("edge-vm", "urn:vm", "edge-vm-01")]);
    assert.deepEqual(rules.trialVmShutdownViolations([vm], [schedule({ enabled: false, targetUrns: ["urn:vm"], targetId: vmId })]), [violation("edge-vm", "urn:vm", "edge-vm-01")]);
    assert.deepEqual(rules.trialVmShutdownViolations([vm], [schedule({ targetUrns: ["urn:other"] })]), [violation("edge-vm", "urn:vm", "edge-vm-01")]);
    assert.deepEqual(rules.trialVmShutdownViolations([{ ...vm, id: undefined }], [schedule({ targetId: vmId })]), [violation("edge-vm", "urn:vm", "edge-vm-01")]);
  });

  it("checks each VM against all schedules, and names a placeholder when the VM's name is not known", () => {
    const other = { ...vm, urn: "urn:vm-b", name: "edge-vm-b", id: undefined, vmName: undefined };
    assert.deepEqual(rules.trialVmShutdownViolations([vm, other], [schedule({ targetId: vmId }), schedule({ targetUrns: ["urn:vm-b"] })]), []);
    assert.deepEqual(rules.trialVmShutdownViolations([vm, other], [schedule({ targetId: vmId })]), [violation("edge-vm-b", "urn:vm-b", "<vmName>")]);
  });
});

describe("prodAlertRecipientsViolations (prod-alert-recipients)", () => {
  const staged = [{ urn: "urn:dev", name: "rg-dev", stage: "dev" }, { urn: "urn:a", name: "rg-a", stage: "Prod" }, { urn: "urn:b", name: "rg-b", stage: "prod" }];
  const group = (enabled: boolean, emailReceivers: number) => ({ urn: "urn:g", name: "g", enabled, emailReceivers });
  const violation = {
    urn: "urn:a",
    message:
      "The production stack ('rg-a' is tagged stage=Prod) has no enabled action group with an e-mail receiver, so its security alerts notify nobody. " +
      "Set alertEmails: pulumi config set --path 'alertEmails[0]' secops@your-company.example " +
      "(offline plan: npm run plan -- --stack prod --set 'alertEmails[0]=secops@your-company.example').",
  };

  it("asks nothing of a stack without a resource tagged prod", () => {
    assert.deepEqual(rules.prodAlertRecipientsViolations([staged[0]], []), []);
  });

  it("passes a prod stack with an enabled group with one e-mail receiver, among others", () => {
    assert.deepEqual(rules.prodAlertRecipientsViolations(staged, [group(false, 2), group(true, 1)]), []);
  });

  it("blames the first prod resource when no group is enabled with an e-mail receiver", () => {
    assert.deepEqual(rules.prodAlertRecipientsViolations(staged, []), [violation]);
    assert.deepEqual(rules.prodAlertRecipientsViolations(staged, [group(false, 1), group(true, 0)]), [violation]);
  });
});
