/**
 * The checks behind the policy pack, as pure functions: resource properties (or small views of
 * the stack) in, violation messages out. They never import the policy runtime, so they can be
 * tested and reused without a Pulumi engine.
 *
 * Properties are typed `unknown` because the engine hands policies untyped JSON: every reader
 * below checks the shape it expects and treats anything else as "not set".
 */

// One definition of "the internet" for the program's own checks and for the policy pack.
import { isInternetSource } from "../lib/network/nsgRules";

type Json = Readonly<Record<string, unknown>>;

export function record(value: unknown): Json | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

export function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

export function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/**
 * True when `key` is present. It looks at the key, not the value: at preview a value computed
 * from another resource is an unknown that the policy runtime refuses to read, yet its presence
 * alone (a password, a public IP) is what these checks need to know.
 */
export function isSet(obj: Json | undefined, key: string): boolean {
  return obj !== undefined && Object.prototype.hasOwnProperty.call(obj, key);
}

const sameText = (a: string | undefined, b: string): boolean => a !== undefined && a.toLowerCase() === b.toLowerCase();

// ---------------------------------------------------------------------------------------------
// Network security groups

export { isInternetSource };

/** The internet-facing sources of one security rule, if it allows inbound traffic. */
export function internetSourcesOfInboundAllow(rule: Json): string[] {
  if (!sameText(text(rule.direction), "Inbound") || !sameText(text(rule.access), "Allow")) return [];
  const prefixes = [text(rule.sourceAddressPrefix), ...list(rule.sourceAddressPrefixes).map(text)];
  return prefixes.filter((p): p is string => p !== undefined && isInternetSource(p));
}

function ruleMessage(where: string, ruleName: string, sources: readonly string[]): string {
  const quoted = sources.map((s) => `'${s}'`).join(", ");
  return (
    `${where} rule '${ruleName}' allows inbound traffic from the internet (source ${quoted}). ` +
    "Set sourceAddressPrefix(es) to a specific CIDR or service tag (for SSH through Azure Bastion: " +
    "the AzureBastionSubnet range or 'VirtualNetwork'), or set access to 'Deny'."
  );
}

/** `azure-native:network:NetworkSecurityGroup`: inline `securityRules`. */
export function nsgInternetInboundViolations(nsgName: string, props: unknown): string[] {
  return list(record(props)?.securityRules).flatMap((entry, index) => {
    const rule = record(entry);
    if (rule === undefined) return [];
    const sources = internetSourcesOfInboundAllow(rule);
    const ruleName = text(rule.name) ?? `#${index}`;
    return sources.length > 0 ? [ruleMessage(`Network security group '${nsgName}'`, ruleName, sources)] : [];
  });
}

/** `azure-native:network:SecurityRule`: a rule declared as its own resource. */
export function securityRuleInternetInboundViolations(resourceName: string, props: unknown): string[] {
  const rule = record(props);
  if (rule === undefined) return [];
  const sources = internetSourcesOfInboundAllow(rule);
  const nsg = text(rule.networkSecurityGroupName);
  const where = nsg === undefined ? "Security rule resource" : `Network security group '${nsg}'`;
  const ruleName = text(rule.securityRuleName) ?? text(rule.name) ?? resourceName;
  return sources.length > 0 ? [ruleMessage(where, ruleName, sources)] : [];
}

/** True when a destination port range ("22", "20-30", "*") includes the SSH port. */
export function coversSsh(range: string | undefined): boolean {
  if (range === undefined) return false;
  const r = range.trim();
  if (r === "*") return true;
  const m = /^(\d+)(?:-(\d+))?$/.exec(r);
  if (!m) return false;
  const low = Number(m[1]);
  const high = m[2] === undefined ? low : Number(m[2]);
  return low <= 22 && 22 <= high;
}

interface SshRuleView { name: string; priority: number; access: string; sources: string[] }

function inboundSshRules(props: unknown): SshRuleView[] {
  return list(record(props)?.securityRules).flatMap((entry, index) => {
    const rule = record(entry);
    if (rule === undefined || !sameText(text(rule.direction), "Inbound")) return [];
    const protocol = text(rule.protocol) ?? "*";
    if (!["tcp", "*"].includes(protocol.toLowerCase())) return [];
    const ports = [text(rule.destinationPortRange), ...list(rule.destinationPortRanges).map(text)];
    if (!ports.some(coversSsh)) return [];
    const sources = [text(rule.sourceAddressPrefix), ...list(rule.sourceAddressPrefixes).map(text)].filter((x): x is string => x !== undefined);
    const priority = typeof rule.priority === "number" ? rule.priority : Number.NaN;
    return [{ name: text(rule.name) ?? `#${index}`, priority, access: (text(rule.access) ?? "").toLowerCase(), sources }];
  });
}

const isVnetWide = (source: string): boolean => ["virtualnetwork", "*", "any"].includes(source.trim().toLowerCase());

/**
 * `azure-native:network:NetworkSecurityGroup`: SSH from Bastion only, also inside the VNet. Azure's
 * default AllowVnetInBound (65000) admits SSH from every host of the virtual network, so an NSG
 * that admits SSH must deny it from the VirtualNetwork tag explicitly, below (at a larger priority
 * number than) its SSH allows, and must not allow SSH from the whole virtual network itself.
 */
export function nsgSshFromVnetViolations(nsgName: string, props: unknown): string[] {
  const rules = inboundSshRules(props);
  const allows = rules.filter((r) => r.access === "allow");
  if (allows.length === 0) return [];
  const where = `Network security group '${nsgName}'`;
  const violations = allows
    .filter((r) => r.sources.some(isVnetWide))
    .map((r) => `${where} rule '${r.name}' allows SSH (port 22) from the whole virtual network (source ${r.sources.map((x) => `'${x}'`).join(", ")}). Allow SSH only from the AzureBastionSubnet range (or, for Bastion Developer, 168.63.129.16).`);
  const lastAllow = Math.max(...allows.map((r) => r.priority));
  const denies = rules.filter((r) => r.access === "deny" && r.sources.some((x) => x.trim().toLowerCase() === "virtualnetwork"));
  if (denies.length === 0) {
    violations.push(`${where} allows SSH (port 22) but has no inbound rule denying it from 'VirtualNetwork', so Azure's default AllowVnetInBound lets every other host in the virtual network reach port 22. Add an inbound Deny rule for TCP 22 from 'VirtualNetwork' with a priority number above ${lastAllow} (below the allow-from-Bastion rule).`);
  } else if (!denies.some((d) => d.priority > lastAllow)) {
    violations.push(`${where} denies SSH from 'VirtualNetwork' (rule '${denies[0].name}', priority ${denies[0].priority}) before its SSH allow at priority ${lastAllow}, which would also block Bastion. Give the deny a priority number above ${lastAllow}.`);
  }
  return violations;
}

// ---------------------------------------------------------------------------------------------
// Public IPs on the VM's network interfaces

const BASTION_ONLY = "The VM must have no public IP: reach it only through Azure Bastion.";

/** `azure-native:network:NetworkInterface`: any ip configuration with a public IP. */
export function nicPublicIpViolations(nicName: string, props: unknown): string[] {
  return list(record(props)?.ipConfigurations).flatMap((entry, index) => {
    const config = record(entry);
    if (!isSet(config, "publicIPAddress")) return [];
    const configName = text(config?.name) ?? `#${index}`;
    return [
      `Network interface '${nicName}' ip configuration '${configName}' attaches a public IP ` +
        `(ipConfigurations[${index}].publicIPAddress). Remove publicIPAddress. ${BASTION_ONLY}`,
    ];
  });
}

/** `azure-native:compute:VirtualMachine`: NICs the VM creates itself (networkInterfaceConfigurations). */
export function vmInlinePublicIpViolations(vmName: string, props: unknown): string[] {
  const configs = list(record(record(props)?.networkProfile)?.networkInterfaceConfigurations);
  return configs.flatMap((nicEntry, nicIndex) => {
    const nic = record(nicEntry);
    return list(nic?.ipConfigurations).flatMap((ipEntry, ipIndex) => {
      if (!isSet(record(ipEntry), "publicIPAddressConfiguration")) return [];
      const path = `networkProfile.networkInterfaceConfigurations[${nicIndex}].ipConfigurations[${ipIndex}]`;
      return [
        `Virtual machine '${vmName}' gives its network interface '${text(nic?.name) ?? `#${nicIndex}`}' a public IP ` +
          `(${path}.publicIPAddressConfiguration). Remove publicIPAddressConfiguration. ${BASTION_ONLY}`,
      ];
    });
  });
}

// ---------------------------------------------------------------------------------------------
// VM password login

/**
 * `azure-native:compute:VirtualMachine`. A VM without `osProfile` boots an existing disk and has
 * no login settings to check. The pack targets Linux VMs: a Windows VM always needs a password
 * and therefore always fails the adminPassword check.
 */
export function vmPasswordLoginViolations(vmName: string, props: unknown): string[] {
  const osProfile = record(record(props)?.osProfile);
  if (osProfile === undefined) return [];
  const violations: string[] = [];
  if (!isSet(osProfile, "windowsConfiguration")) {
    const linux = record(osProfile.linuxConfiguration);
    const disabled = linux?.disablePasswordAuthentication;
    if (disabled !== true) {
      violations.push(
        `Virtual machine '${vmName}' allows SSH password login: ` +
          `osProfile.linuxConfiguration.disablePasswordAuthentication is ${disabled === undefined ? "not set" : JSON.stringify(disabled)}. ` +
          "Set it to true and log in with an SSH key (osProfile.linuxConfiguration.ssh.publicKeys).",
      );
    }
  }
  if (isSet(osProfile, "adminPassword")) {
    violations.push(
      `Virtual machine '${vmName}' sets osProfile.adminPassword. Remove it and use SSH keys only: ` +
        "a password on the admin account is one setting away from password login.",
    );
  }
  return violations;
}

// ---------------------------------------------------------------------------------------------
// IoT Hub TLS

/** True for "1.2" and any later "major.minor" version. */
export function isTls12OrLater(version: string): boolean {
  const match = /^\s*(\d+)\.(\d+)\s*$/.exec(version);
  if (match === null) return false;
  const major = Number(match[1]);
  return major > 1 || (major === 1 && Number(match[2]) >= 2);
}

/** `azure-native:iothub:IotHubResource`: `properties.minTlsVersion`. */
export function iotHubTlsViolations(hubName: string, props: unknown): string[] {
  const properties = record(record(props)?.properties);
  const version = properties?.minTlsVersion;
  if (typeof version === "string" && isTls12OrLater(version)) return [];
  const found = version === undefined ? "not set, so the hub also accepts TLS 1.0 and 1.1" : JSON.stringify(version);
  return [`IoT Hub '${hubName}' does not enforce TLS 1.2: properties.minTlsVersion is ${found}. Set properties.minTlsVersion to "1.2".`];
}

// ---------------------------------------------------------------------------------------------
// Retired classic security module

const CLASSIC_MODULE = "azureiotsecurity";
const CLASSIC_IMAGE = "ascforiot/azureiotsecurity";

/** Names of the edge modules that run the retired classic agent, by module name or image. */
export function classicSecurityModules(props: unknown): string[] {
  const content = record(record(props)?.content);
  const edgeAgent = record(record(content?.modulesContent)?.$edgeAgent);
  const modules = record(record(edgeAgent?.["properties.desired"])?.modules);
  if (modules === undefined) return [];
  return Object.keys(modules).filter((name) => {
    if (name === CLASSIC_MODULE) return true;
    const image = text(record(record(modules[name])?.settings)?.image);
    return image !== undefined && image.toLowerCase().includes(CLASSIC_IMAGE);
  });
}

/** `pulumi-nodejs:dynamic:Resource` carrying `content.modulesContent` (an edge deployment). */
export function classicSecurityModuleViolations(resourceName: string, props: unknown): string[] {
  return classicSecurityModules(props).map(
    (module) =>
      `Edge deployment '${resourceName}' runs the retired classic security module '${module}' ` +
      `(mcr.microsoft.com/${CLASSIC_IMAGE}; support ended 2022-03-01, documented only for edgeHub 1.0.8.3 or older). ` +
      `Remove modules.${module} and its routes from $edgeAgent/$edgeHub and use Defender for Servers Plan 1 on the host instead (securityAgent defender-for-servers).`,
  );
}

// ---------------------------------------------------------------------------------------------
// Bastion SKU in production

/** `azure-native:network:BastionHost` with `sku.name` "Developer" and tag `stage` "prod". */
export function bastionDeveloperInProdViolations(resourceName: string, props: unknown): string[] {
  const p = record(props);
  const sku = text(record(p?.sku)?.name);
  const stage = text(record(p?.tags)?.stage);
  if (!sameText(sku, "Developer") || !sameText(stage, "prod")) return [];
  return [
    `Bastion host '${resourceName}' uses the Developer SKU in a production stack (tag stage=${stage}). ` +
      "Developer is a free shared pool: one VM at a time, portal only, no SLA. " +
      "Set sku.name to 'Basic' (needs an AzureBastionSubnet of /26 or larger and a Standard public IP) " +
      "or 'Standard' (adds native-client SSH with enableTunneling: true).",
  ];
}

// ---------------------------------------------------------------------------------------------
// Stack-wide checks, on views the policy layer builds from the stack's resources

/** A violation found by a stack check; `urn` names the resource to blame. */
export interface StackViolation {
  readonly urn: string;
  readonly message: string;
}

/** What the stack checks need to know about any resource. */
export interface ResourceView {
  readonly urn: string;
  readonly name: string;
  /** The Azure resource id, when known (it is unknown at preview for a resource not created yet). */
  readonly id?: string;
}

/** A Defender for IoT security solution: which hubs it covers, by id and by URN. */
export interface SecuritySolutionView extends ResourceView {
  readonly enabled: boolean;
  /** Known hub resource ids listed in `iotHubs`. */
  readonly hubIds: readonly string[];
  /** URNs of the stack's resources whose outputs flow into `iotHubs`. */
  readonly hubUrns: readonly string[];
}

const sameId = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

function covers(solution: SecuritySolutionView, hub: ResourceView): boolean {
  return solution.hubUrns.includes(hub.urn) || solution.hubIds.some((id) => sameId(id, hub.id));
}

/**
 * Every IoT Hub must be listed in an enabled security solution's `iotHubs`. A hub matches by URN
 * (the solution's `iotHubs` takes its value from the hub, which holds at preview when the id is
 * still unknown) or by id (Azure resource ids are case-insensitive).
 */
export function hubsWithoutDefenderViolations(
  hubs: readonly ResourceView[],
  solutions: readonly SecuritySolutionView[],
): StackViolation[] {
  return hubs.flatMap((hub) => {
    const covering = solutions.filter((s) => covers(s, hub));
    if (covering.some((s) => s.enabled)) return [];
    const why =
      covering.length > 0
        ? `only disabled security solutions list it (${covering.map((s) => `'${s.name}'`).join(", ")}): set their status to 'Enabled'.`
        : "no azure-native:security:IotSecuritySolution lists it in iotHubs. " +
          "Add one with iotHubs: [the hub's id] and workspace: a Log Analytics workspace id.";
    return [{ urn: hub.urn, message: `IoT Hub '${hub.name}' has no Defender for IoT security solution: ${why}` }];
  });
}

/** A resource carrying the `expiresOn` tag marks the stack as a trial. */
export interface ExpiringView extends ResourceView {
  readonly expiresOn: string;
}

export interface WorkspaceView extends ResourceView {
  /** `workspaceCapping.dailyQuotaGb`; Azure's default, -1, means no cap. */
  readonly dailyQuotaGb?: number;
}

/** In a trial stack every Log Analytics workspace needs a positive daily ingestion cap. */
export function trialWorkspaceCapViolations(
  expiring: readonly ExpiringView[],
  workspaces: readonly WorkspaceView[],
): StackViolation[] {
  const first = expiring[0];
  if (first === undefined) return [];
  return workspaces
    .filter((w) => w.dailyQuotaGb === undefined || !(w.dailyQuotaGb > 0))
    .map((w) => ({
      urn: w.urn,
      message:
        `Log Analytics workspace '${w.name}' has no daily cap ` +
        `(workspaceCapping.dailyQuotaGb is ${w.dailyQuotaGb === undefined ? "not set" : w.dailyQuotaGb}) ` +
        `in a trial stack ('${first.name}' is tagged expiresOn=${first.expiresOn}). ` +
        "Set workspaceCapping.dailyQuotaGb to a positive number of GB so ingestion, and its cost, stops at the cap.",
    }));
}

export interface VmView extends ExpiringView {
  /** The VM's Azure name (`vmName`), used in the expected schedule name. */
  readonly vmName?: string;
}

/** A `devtestlab:GlobalSchedule`: which VM it shuts down, by id and by URN. */
export interface ShutdownScheduleView extends ResourceView {
  readonly enabled: boolean;
  readonly targetId?: string;
  /** URNs of the stack's resources whose outputs flow into `targetResourceId`. */
  readonly targetUrns: readonly string[];
}

/** Every VM tagged expiresOn should have an enabled auto-shutdown schedule targeting it. */
export function trialVmShutdownViolations(
  vms: readonly VmView[],
  schedules: readonly ShutdownScheduleView[],
): StackViolation[] {
  return vms
    .filter((vm) => !schedules.some((s) => s.enabled && (s.targetUrns.includes(vm.urn) || sameId(s.targetId, vm.id))))
    .map((vm) => ({
      urn: vm.urn,
      message:
        `Virtual machine '${vm.name}' is tagged expiresOn=${vm.expiresOn} (a trial) but no enabled ` +
        "azure-native:devtestlab:GlobalSchedule shuts it down. " +
        `Add one named 'shutdown-computevm-${vm.vmName ?? "<vmName>"}' with taskType 'ComputeVmShutdownTask', ` +
        "a dailyRecurrence time, a timeZoneId and targetResourceId set to the VM's id.",
    }));
}

/** A resource tagged `stage`. */
export interface StagedView extends ResourceView {
  readonly stage: string;
}

/** A `monitor:ActionGroup`: whether it is on and how many e-mail receivers it has. */
export interface ActionGroupView extends ResourceView {
  readonly enabled: boolean;
  readonly emailReceivers: number;
}

/**
 * A stack with any resource tagged stage=prod needs an enabled action group with at least one
 * e-mail receiver: a production alert that notifies nobody is found only by someone who looks.
 */
export function prodAlertRecipientsViolations(
  staged: readonly StagedView[],
  actionGroups: readonly ActionGroupView[],
): StackViolation[] {
  const prod = staged.find((r) => sameText(r.stage, "prod"));
  if (prod === undefined) return [];
  if (actionGroups.some((g) => g.enabled && g.emailReceivers > 0)) return [];
  return [{
    urn: prod.urn,
    message:
      `The production stack ('${prod.name}' is tagged stage=${prod.stage}) has no enabled action group with an e-mail receiver, ` +
      "so its security alerts notify nobody. Set alertEmails: " +
      "pulumi config set --path 'alertEmails[0]' secops@your-company.example " +
      "(offline plan: npm run plan -- --stack prod --set 'alertEmails[0]=secops@your-company.example').",
  }];
}
