/**
 * The pack's policies, wired to the checks in ./rules. Kept apart from index.ts because
 * constructing a PolicyPack starts the analyzer's gRPC server: tests import this module and call
 * the very objects the pack registers.
 */
import * as policyRuntime from "@pulumi/policy";
import type {
  Policies,
  PolicyResource,
  ResourceValidationPolicy,
  Severity,
  StackValidationPolicy,
} from "@pulumi/policy";
import * as rules from "./rules";

export const TYPES = {
  nsg: "azure-native:network:NetworkSecurityGroup",
  securityRule: "azure-native:network:SecurityRule",
  nic: "azure-native:network:NetworkInterface",
  vm: "azure-native:compute:VirtualMachine",
  iotHub: "azure-native:iothub:IotHubResource",
  securitySolution: "azure-native:security:IotSecuritySolution",
  workspace: "azure-native:operationalinsights:Workspace",
  bastion: "azure-native:network:BastionHost",
  schedule: "azure-native:devtestlab:GlobalSchedule",
  dynamic: "pulumi-nodejs:dynamic:Resource",
  actionGroup: "azure-native:monitor:ActionGroup",
} as const;

type Check = (resourceName: string, props: unknown) => string[];

/** A resource policy that runs `checks[type]` on each resource of those types. */
function resourcePolicy(
  name: string,
  description: string,
  enforcementLevel: "mandatory" | "advisory",
  severity: Severity,
  checks: Readonly<Record<string, Check>>,
): ResourceValidationPolicy {
  return {
    name,
    description,
    enforcementLevel,
    severity,
    validateResource: (args, reportViolation) => {
      const check = checks[args.type];
      if (check === undefined) return;
      for (const message of check(args.name, args.props)) reportViolation(message);
    },
  };
}

// The runtime exports UnknownValueError but its .d.ts omits it (marked @internal upstream).
const { UnknownValueError } = policyRuntime as unknown as { UnknownValueError: abstract new () => Error };

/**
 * Reads a value that may be unknown at preview. The runtime throws UnknownValueError when a
 * policy touches an unknown, which turns the whole stack policy into a "can't run during
 * preview" note; stack checks instead treat an unknown as "not known yet" and match by URN.
 */
function known<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (error instanceof UnknownValueError) return undefined;
    throw error;
  }
}

const knownText = (read: () => unknown): string | undefined => rules.text(known(read));

/** The known strings of a list; an index loop, because array methods would read unknown elements unguarded. */
function knownTexts(read: () => unknown): string[] {
  const items = rules.list(known(read));
  const result: string[] = [];
  for (let index = 0; index < items.length; index++) {
    const value = knownText(() => items[index]);
    if (value !== undefined) result.push(value);
  }
  return result;
}

function knownTags(r: PolicyResource): Record<string, string> {
  const tags = known(() => rules.record(r.props.tags));
  const result: Record<string, string> = {};
  for (const key of Object.keys(tags ?? {})) {
    const value = knownText(() => tags?.[key]);
    if (value !== undefined) result[key] = value;
  }
  return result;
}

const dependencyUrns = (r: PolicyResource, property: string): string[] =>
  (r.propertyDependencies[property] ?? []).map((d) => d.urn);

const isEnabled = (r: PolicyResource): boolean => knownText(() => r.props.status)?.toLowerCase() !== "disabled";

function view(r: PolicyResource): rules.ResourceView {
  return { urn: r.urn, name: r.name, id: knownText(() => r.props.id) };
}

function expiring(r: PolicyResource): rules.ExpiringView | undefined {
  const expiresOn = knownTags(r).expiresOn;
  return expiresOn === undefined ? undefined : { ...view(r), expiresOn };
}

const ofType = (resources: readonly PolicyResource[], type: string): PolicyResource[] =>
  resources.filter((r) => r.type === type);

export const nsgNoInternetInbound = resourcePolicy(
  "nsg-no-internet-inbound",
  "No network security group rule may allow inbound traffic from the internet (*, Internet, Any, 0.0.0.0/0, ::/0).",
  "mandatory",
  "critical",
  {
    [TYPES.nsg]: rules.nsgInternetInboundViolations,
    [TYPES.securityRule]: rules.securityRuleInternetInboundViolations,
  },
);

export const nsgSshOnlyFromBastion = resourcePolicy(
  "nsg-ssh-only-from-bastion",
  "An NSG that admits SSH must deny port 22 from the VirtualNetwork tag below its allow-from-Bastion rule, and must not allow SSH from the whole virtual network.",
  "mandatory",
  "high",
  { [TYPES.nsg]: rules.nsgSshFromVnetViolations },
);

export const vmNoPublicIp = resourcePolicy(
  "vm-no-public-ip",
  "Network interfaces (and NICs a VM declares inline) may not carry a public IP: the VM is reached through Azure Bastion only.",
  "mandatory",
  "high",
  {
    [TYPES.nic]: rules.nicPublicIpViolations,
    [TYPES.vm]: rules.vmInlinePublicIpViolations,
  },
);

export const vmNoPasswordLogin = resourcePolicy(
  "vm-no-password-login",
  "Linux VMs must set disablePasswordAuthentication to true and must not set adminPassword.",
  "mandatory",
  "high",
  { [TYPES.vm]: rules.vmPasswordLoginViolations },
);

export const iotHubMinTls12 = resourcePolicy(
  "iothub-min-tls-1-2",
  "IoT Hubs must set properties.minTlsVersion to 1.2.",
  "mandatory",
  "high",
  { [TYPES.iotHub]: rules.iotHubTlsViolations },
);

export const noClassicSecurityModule = resourcePolicy(
  "no-classic-security-module",
  "Edge deployments should not use the retired classic Defender for IoT module azureiotsecurity.",
  "advisory",
  "medium",
  { [TYPES.dynamic]: rules.classicSecurityModuleViolations },
);

export const noBastionDeveloperInProd = resourcePolicy(
  "no-bastion-developer-in-prod",
  "Bastion hosts tagged stage=prod should not use the Developer SKU.",
  "advisory",
  "medium",
  { [TYPES.bastion]: rules.bastionDeveloperInProdViolations },
);

export const iotHubHasDefender: StackValidationPolicy = {
  name: "iothub-has-defender",
  description: "Every IoT Hub in the stack must be listed in an enabled Defender for IoT security solution.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateStack: (args, reportViolation) => {
    const hubs = ofType(args.resources, TYPES.iotHub).map(view);
    const solutions = ofType(args.resources, TYPES.securitySolution).map((r) => ({
      ...view(r),
      enabled: isEnabled(r),
      hubIds: knownTexts(() => r.props.iotHubs),
      hubUrns: dependencyUrns(r, "iotHubs"),
    }));
    for (const v of rules.hubsWithoutDefenderViolations(hubs, solutions)) reportViolation(v.message, v.urn);
  },
};

export const trialWorkspaceDailyCap: StackValidationPolicy = {
  name: "trial-workspace-daily-cap",
  description: "In a stack with any resource tagged expiresOn, every Log Analytics workspace must have a positive daily cap.",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateStack: (args, reportViolation) => {
    const trial = args.resources.map(expiring).filter((e): e is rules.ExpiringView => e !== undefined);
    const workspaces = ofType(args.resources, TYPES.workspace).map((r) => {
      const quota = known(() => rules.record(r.props.workspaceCapping)?.dailyQuotaGb);
      return { ...view(r), dailyQuotaGb: typeof quota === "number" ? quota : undefined };
    });
    for (const v of rules.trialWorkspaceCapViolations(trial, workspaces)) reportViolation(v.message, v.urn);
  },
};

export const trialVmAutoShutdown: StackValidationPolicy = {
  name: "trial-vm-auto-shutdown",
  description: "A VM tagged expiresOn should have an enabled auto-shutdown schedule (devtestlab GlobalSchedule) targeting it.",
  enforcementLevel: "advisory",
  severity: "low",
  validateStack: (args, reportViolation) => {
    const vms = ofType(args.resources, TYPES.vm).flatMap((r) => {
      const e = expiring(r);
      return e === undefined ? [] : [{ ...e, vmName: knownText(() => r.props.vmName) }];
    });
    const schedules = ofType(args.resources, TYPES.schedule).map((r) => ({
      ...view(r),
      enabled: isEnabled(r),
      targetId: knownText(() => r.props.targetResourceId),
      targetUrns: dependencyUrns(r, "targetResourceId"),
    }));
    for (const v of rules.trialVmShutdownViolations(vms, schedules)) reportViolation(v.message, v.urn);
  },
};

export const prodAlertRecipients: StackValidationPolicy = {
  name: "prod-alert-recipients",
  description: "A stack with resources tagged stage=prod must have an enabled action group with at least one e-mail receiver.",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateStack: (args, reportViolation) => {
    const staged = args.resources.flatMap((r) => {
      const stage = knownTags(r).stage;
      return stage === undefined ? [] : [{ ...view(r), stage }];
    });
    const groups = ofType(args.resources, TYPES.actionGroup).map((r) => ({
      ...view(r),
      enabled: known(() => r.props.enabled) !== false,
      emailReceivers: rules.list(known(() => r.props.emailReceivers)).length,
    }));
    for (const v of rules.prodAlertRecipientsViolations(staged, groups)) reportViolation(v.message, v.urn);
  },
};

export const policies: Policies = [
  nsgNoInternetInbound,
  nsgSshOnlyFromBastion,
  vmNoPublicIp,
  vmNoPasswordLogin,
  iotHubMinTls12,
  iotHubHasDefender,
  trialWorkspaceDailyCap,
  prodAlertRecipients,
  noClassicSecurityModule,
  noBastionDeveloperInProd,
  trialVmAutoShutdown,
];
