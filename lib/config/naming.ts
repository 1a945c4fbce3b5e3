/**
 * Resource names: Cloud Adoption Framework abbreviations, the stage and, for names that must be
 * globally unique (or that Azure reserves for a while after deletion), a random suffix. Pure.
 */

export const WORKLOAD = "iotedge";

/** Per-resource-type name rules from Azure's naming rules and restrictions page. */
export const NAME_RULES = {
  resourceGroup: { max: 90, pattern: /^[-\w.()]+[^.]$/ },
  iotHub: { max: 50, pattern: /^[a-z0-9][a-z0-9-]*[a-z0-9]$/i },
  /** DPS: 3-64 letters, digits and hyphens, globally unique (its host name is <name>.azure-devices-provisioning.net). */
  dps: { max: 64, pattern: /^[a-z0-9][a-z0-9-]*[a-z0-9]$/i },
  workspace: { max: 63, pattern: /^[a-z0-9][a-z0-9-]*[a-z0-9]$/i },
  vnet: { max: 64, pattern: /^[a-z0-9][-\w.]*\w$/i },
  subnet: { max: 80, pattern: /^[a-z0-9][-\w.]*\w$/i },
  nsg: { max: 80, pattern: /^[a-z0-9][-\w.]*\w$/i },
  bastion: { max: 80, pattern: /^[a-z0-9][-\w.]*\w$/i },
  publicIp: { max: 80, pattern: /^[a-z0-9][-\w.]*\w$/i },
  nic: { max: 80, pattern: /^[a-z0-9][-\w.]*\w$/i },
  /** Linux computer names are limited to 64 characters; the VM name doubles as one. */
  vm: { max: 64, pattern: /^[a-z0-9][a-z0-9-]*[a-z0-9]$/i },
  disk: { max: 80, pattern: /^[a-z0-9][-\w.]*\w$/i },
  securitySolution: { max: 260, pattern: /^[-\w.]+$/ },
  securityAutomation: { max: 260, pattern: /^[-\w.]+$/ },
  actionGroup: { max: 260, pattern: /^[-\w.]+$/ },
  /** Action group short names are shown in e-mails and SMS and limited to 12 characters. */
  actionGroupShort: { max: 12, pattern: /^[\w-]+$/ },
  alertRule: { max: 260, pattern: /^[^*#&+:<>?@%{}\\/]+$/ },
  dataCollectionRule: { max: 64, pattern: /^[a-z0-9][-\w.]*$/i },
  lock: { max: 90, pattern: /^[-\w.]+$/ },
} as const;

export type NameKind = keyof typeof NAME_RULES;

export interface Names {
  resourceGroup: string;
  iotHub: string;
  /** The Device Provisioning Service (declared in fleetProvisioning dps only). */
  dps: string;
  workspace: string;
  vnet: string;
  edgeSubnet: string;
  /** Azure requires exactly this name for Bastion's subnet. */
  bastionSubnet: "AzureBastionSubnet";
  nsg: string;
  bastion: string;
  bastionPublicIp: string;
  securitySolution: string;
  /** Continuous export of Defender alerts to the workspace (defender-for-servers). */
  securityExport: string;
  actionGroup: string;
  actionGroupShort: string;
  dataCollectionRule: string;
  lock: string;
  vm(deviceId: string): string;
  nic(deviceId: string): string;
  osDisk(deviceId: string): string;
  alertRule(purpose: string): string;
}

/** Throws when a name breaks its resource type's length or character rules. */
export function checkName(kind: NameKind, name: string): string {
  const rule = NAME_RULES[kind];
  if (name.length > rule.max || !rule.pattern.test(name)) {
    throw new Error(`resource name ${JSON.stringify(name)} breaks the ${kind} naming rule (at most ${rule.max} characters, ${rule.pattern})`);
  }
  return name;
}

/**
 * All names for one stage. `suffix` is the stack's random suffix (lower-case letters and digits),
 * kept stable in state so names never change between runs.
 */
export function resourceNames(stage: string, suffix: string): Names {
  const base = `${WORKLOAD}-${stage}`;
  return {
    resourceGroup: checkName("resourceGroup", `rg-${base}-${suffix}`),
    iotHub: checkName("iotHub", `iot-${base}-${suffix}`),
    dps: checkName("dps", `dps-${base}-${suffix}`),
    workspace: checkName("workspace", `log-${base}-${suffix}`),
    vnet: checkName("vnet", `vnet-${base}`),
    edgeSubnet: checkName("subnet", `snet-edge-${stage}`),
    bastionSubnet: "AzureBastionSubnet",
    nsg: checkName("nsg", `nsg-edge-${stage}`),
    bastion: checkName("bastion", `bas-${base}`),
    bastionPublicIp: checkName("publicIp", `pip-bas-${base}`),
    securitySolution: checkName("securitySolution", `defender-iot-${base}`),
    securityExport: checkName("securityAutomation", `exp-${base}-defender-alerts`),
    actionGroup: checkName("actionGroup", `ag-${base}-security`),
    actionGroupShort: checkName("actionGroupShort", `iotsec${stage}`.slice(0, 12)),
    dataCollectionRule: checkName("dataCollectionRule", `dcr-${base}-hostlogs`),
    lock: checkName("lock", `lock-${base}-nodelete`),
    vm: (d) => checkName("vm", `vm-${d}-${stage}`),
    nic: (d) => checkName("nic", `nic-${d}-${stage}`),
    osDisk: (d) => checkName("disk", `osdisk-${d}-${stage}`),
    alertRule: (p) => checkName("alertRule", `alert-${base}-${p}`),
  };
}

/** Tags on every resource that takes them; keys sorted so inputs are byte-identical per run. */
export function standardTags(args: { project: string; stage: string; expiresOn?: string; extra: Record<string, string> }): Record<string, string> {
  const tags: Record<string, string> = { ...args.extra, stage: args.stage, project: args.project, "managed-by": "pulumi" };
  if (args.expiresOn) tags.expiresOn = args.expiresOn;
  return Object.fromEntries(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
