/**
 * Runs the program under the Pulumi SDK's mock engine and records what it declares: every
 * resource's type, name, parent and inputs. Nothing here talks to Azure or needs the Pulumi CLI,
 * so it proves what the program *declares*, not what Azure would do with it. Used by the tests
 * and by `npm run plan`.
 */
import * as pulumi from "@pulumi/pulumi";
import type { RawConfig } from "../config/config";
import { PROJECT } from "../config/config";
import { mockPrivateKeyPem, mockPublicKeyOpenssh, mockSelfSignedCertPem } from "./mockCert";

/** Pulumi's wire marker for a secret value, as mock inputs carry it. */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export const SECRET_MARKER = "[secret]";
export const MOCK_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
export const MOCK_OWNER_KEY = Buffer.from("mock-iothubowner-key-for-tests-only").toString("base64");
/** The mock key of the program's own data-plane policy (`pulumi-dataplane`). */
export const MOCK_DATAPLANE_KEY = Buffer.from("mock-pulumi-dataplane-key-for-tests-only").toString("base64");
export const MOCK_SUFFIX = "a1b2c3";
export const MOCK_ID_SCOPE = "0ne00A1B2C3";
export const MOCK_DPS_KEY = Buffer.from("mock-provisioningserviceowner-key-for-tests-only").toString("base64");

export interface DeclaredResource {
  type: string;
  name: string;
  /** `type::name` of the parent, or undefined for the stack's direct children. */
  parent?: string;
  /** Inputs as the engine received them; secrets are wrapped, see isSecret / revealSecrets. */
  inputs: Record<string, unknown>;
  custom: boolean;
  /** Resource options that shape day-two behaviour, as the program set them. */
  options?: { protect?: boolean; replaceOnChanges?: string[]; ignoreChanges?: string[]; dependsOn?: string[] };
}

export interface DeclaredStack {
  resources: DeclaredResource[];
  /** Stack outputs, resolved; secrets are plain here (see secretOutputs). */
  outputs: Record<string, unknown>;
  /** Top-level (or nested, dot-joined) output paths whose value is a secret. */
  secretOutputs: string[];
  /** What the program logged with pulumi.log.warn (without an engine the SDK would print it). */
  warnings: string[];
}

/** Stack outputs with each secret path replaced by SECRET_MARKER. */
export function maskedOutputs(stack: DeclaredStack): Record<string, unknown> {
  const copy = structuredClone(stack.outputs);
  for (const p of stack.secretOutputs) {
    const keys = p.split(".");
    let node = copy as Record<string, unknown>;
    for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>;
    node[keys[keys.length - 1]] = SECRET_MARKER;
  }
  return copy;
}

async function secretPaths(value: unknown, prefix: string[] = []): Promise<string[]> {
  if (pulumi.Output.isInstance(value)) return (await pulumi.isSecret(value)) ? [prefix.join(".")] : [];
  if (typeof value !== "object" || value === null || Array.isArray(value)) return [];
  const nested = await Promise.all(Object.entries(value).map(([k, v]) => secretPaths(v, [...prefix, k])));
  return nested.flat();
}

export function isSecret(v: unknown): v is { value: unknown } {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** Deep copy with every secret replaced by SECRET_MARKER (for plan files and snapshots). */
export function maskSecrets(v: unknown): unknown {
  if (isSecret(v)) return SECRET_MARKER;
  if (Array.isArray(v)) return v.map(maskSecrets);
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskSecrets(x)]));
  return v;
}

/** Deep copy with every secret unwrapped to its value (for assertions on contents). */
export function revealSecrets(v: unknown): unknown {
  if (isSecret(v)) return revealSecrets(v.value);
  if (Array.isArray(v)) return v.map(revealSecrets);
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revealSecrets(x)]));
  return v;
}

const ARM_TYPES: Record<string, string> = {
  "azure-native:iothub:IotHubResource": "Microsoft.Devices/IotHubs",
  "azure-native:operationalinsights:Workspace": "Microsoft.OperationalInsights/workspaces",
  "azure-native:security:IotSecuritySolution": "Microsoft.Security/iotSecuritySolutions",
  "azure-native:network:VirtualNetwork": "Microsoft.Network/virtualNetworks",
  "azure-native:network:NetworkSecurityGroup": "Microsoft.Network/networkSecurityGroups",
  "azure-native:network:BastionHost": "Microsoft.Network/bastionHosts",
  "azure-native:network:PublicIPAddress": "Microsoft.Network/publicIPAddresses",
  "azure-native:network:NetworkInterface": "Microsoft.Network/networkInterfaces",
  "azure-native:compute:VirtualMachine": "Microsoft.Compute/virtualMachines",
  "azure-native:monitor:ActionGroup": "Microsoft.Insights/actionGroups",
  "azure-native:deviceprovisioningservices:IotDpsResource": "Microsoft.Devices/provisioningServices",
  "azure-native:monitor:DataCollectionRule": "Microsoft.Insights/dataCollectionRules",
};

/** The name input azure-native uses for each resource's Azure name. */
function azureName(inputs: Record<string, unknown>, fallback: string): string {
  const key = Object.keys(inputs).find((k) => k !== "resourceGroupName" && /Name$/.test(k) && typeof inputs[k] === "string");
  return key ? String(inputs[key]) : fallback;
}

/** Deterministic fake outputs, shaped like Azure's, so the program's wiring can be followed. */
export function mockState(type: string, name: string, inputs: Record<string, unknown>): { id: string; state: Record<string, unknown> } {
  const plain = revealSecrets(inputs) as Record<string, unknown>;
  const rg = String(plain.resourceGroupName ?? "rg");
  const sub = `/subscriptions/${MOCK_SUBSCRIPTION}`;
  switch (type) {
    case "random:index/randomString:RandomString":
      return { id: name, state: { ...inputs, result: MOCK_SUFFIX } };
    case "azure-native:resources:ResourceGroup": {
      const n = String(plain.resourceGroupName ?? name);
      return { id: `${sub}/resourceGroups/${n}`, state: { ...inputs, name: n } };
    }
    case "azure-native:network:Subnet": {
      const n = String(plain.subnetName ?? name);
      return { id: `${sub}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/${String(plain.virtualNetworkName)}/subnets/${n}`, state: { ...inputs, name: n } };
    }
    case "tls:index/privateKey:PrivateKey":
      return { id: name, state: { ...inputs, privateKeyPem: mockPrivateKeyPem(), privateKeyOpenssh: mockPrivateKeyPem(), publicKeyOpenssh: mockPublicKeyOpenssh(name) } };
    case "random:index/randomBytes:RandomBytes": {
      const bytes = Buffer.alloc(Number(plain.length ?? 32), name);
      return { id: name, state: { ...inputs, base64: bytes.toString("base64"), hex: bytes.toString("hex") } };
    }
    case "tls:index/certRequest:CertRequest": {
      // The stand-in request carries only its subject's CN, so the signed stand-in keeps it.
      const cn = String((plain.subject as Record<string, unknown> | undefined)?.commonName ?? name);
      return { id: name, state: { ...inputs, certRequestPem: `-----BEGIN CERTIFICATE REQUEST-----\n${Buffer.from(`CN=${cn}`).toString("base64")}\n-----END CERTIFICATE REQUEST-----\n` } };
    }
    case "tls:index/locallySignedCert:LocallySignedCert": {
      const body = /-----BEGIN CERTIFICATE REQUEST-----\n([A-Za-z0-9+/=]+)\n/.exec(String(plain.certRequestPem ?? ""))?.[1];
      const subject = body === undefined ? "" : Buffer.from(body, "base64").toString("utf8");
      return { id: name, state: { ...inputs, certPem: mockSelfSignedCertPem(subject.startsWith("CN=") ? subject.slice(3) : name) } };
    }
    case "tls:index/selfSignedCert:SelfSignedCert": {
      const cn = String((plain.subject as Record<string, unknown> | undefined)?.commonName ?? name);
      // The mock certificate's notAfter (lib/plan/mockCert.ts).
      return { id: name, state: { ...inputs, certPem: mockSelfSignedCertPem(cn), validityEndTime: "2036-01-01T00:00:00Z" } };
    }
    case "pulumi-nodejs:dynamic:Resource": {
      const auth = plain.auth as { type?: string } | undefined;
      if (typeof plain.deviceId === "string" && auth?.type === "sas") {
        const key = Buffer.from(`mock-device-key-${plain.deviceId}`).toString("base64");
        const connectionString = `HostName=${String(plain.hubHostName)};DeviceId=${plain.deviceId};SharedAccessKey=${key}`;
        return { id: name, state: { ...inputs, primaryKey: key, secondaryKey: key, connectionString } };
      }
      return { id: name, state: { ...inputs } };
    }
    default: {
      const n = azureName(plain, name);
      const arm = ARM_TYPES[type] ?? `Mock.${type.split(":")[1] ?? "unknown"}/${type.split(":")[2] ?? "unknown"}`;
      const state: Record<string, unknown> = { ...inputs, name: n };
      if (type === "azure-native:iothub:IotHubResource") state.properties = { ...(plain.properties as object), hostName: `${n}.azure-devices.net` };
      if (type === "azure-native:deviceprovisioningservices:IotDpsResource") {
        state.properties = { ...(plain.properties as object), idScope: MOCK_ID_SCOPE, serviceOperationsHostName: `${n}.azure-devices-provisioning.net` };
      }
      if (type === "azure-native:operationalinsights:Workspace") state.customerId = "11111111-2222-3333-4444-555555555555";
      return { id: `${sub}/resourceGroups/${rg}/providers/${arm}/${n}`, state };
    }
  }
}

export { stackFileToRaw } from "../config/stackFile";

/**
 * Declares the program for `stack` with `raw` config under mocks. Resolves with the declared
 * resources and the stack outputs; rejects with the program's error (e.g. a config error).
 */
export interface DeclareOptions {
  /** Receives each resource as it is declared, so a caller sees what was declared before a failure. */
  sink?: DeclaredResource[];
  /**
   * Serialize dynamic providers as a real run does (default). The plan turns it off: serializing
   * a provider's closure takes about a second and the plan shows no provider code anyway.
   */
  serializeDynamicProviders?: boolean;
  /** The stack's outputs from its previous `up`, as its self StackReference reads them. Default: none (a new stack). */
  previousOutputs?: Record<string, unknown>;
  /** Replaces the mock state of a resource (e.g. a renewed certificate); undefined keeps the default. */
  stateOverride?: (type: string, name: string, inputs: Record<string, unknown>) => Record<string, unknown> | undefined;
}

/** The SDK module whose serializeFunction dynamic resources call (looked up at each call). */
interface ClosureModule {
  serializeFunction: (...args: unknown[]) => Promise<{ text: string; exportName: string }>;
}

export async function declareUnderMocks(program: () => unknown, stack: string, raw: RawConfig, options: DeclareOptions = {}): Promise<DeclaredStack> {
  const resources = options.sink ?? [];
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- an SDK-internal module, swapped only for the plan's speed
  const closure = require("@pulumi/pulumi/runtime/closure/serializeClosure") as ClosureModule;
  const serialize = closure.serializeFunction;
  if (options.serializeDynamicProviders === false) {
    closure.serializeFunction = async () => ({ text: "exports.handler = undefined; // not serialized by the plan", exportName: "handler" });
  }
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    const text = args.map(String).join(" ");
    if (text.startsWith("warning: [runtime] ")) warnings.push(text.slice("warning: [runtime] ".length));
    else warn(...args);
  };
  try {
    return { ...(await declare(program, stack, raw, resources, options)), warnings };
  } finally {
    closure.serializeFunction = serialize;
    console.warn = warn;
  }
}

async function declare(program: () => unknown, stack: string, raw: RawConfig, resources: DeclaredResource[], options: DeclareOptions): Promise<Omit<DeclaredStack, "warnings">> {
  const parents = new Map<string, string>();
  const constructed: string[] = [];
  const resourceOptions = new Map<string, DeclaredResource["options"]>();
  await pulumi.runtime.setMocks({
    newResource: (args) => {
      const key = `${args.type}::${args.name}`;
      if (args.type === "pulumi:pulumi:StackReference") {
        return { id: String((args.inputs as Record<string, unknown>).name), state: { name: (args.inputs as Record<string, unknown>).name, outputs: options.previousOutputs ?? {}, secretOutputNames: [] } };
      }
      resources.push({ type: args.type, name: args.name, parent: parents.get(key), inputs: args.inputs as Record<string, unknown>, custom: args.custom ?? true, options: resourceOptions.get(key) });
      const mocked = mockState(args.type, args.name, args.inputs as Record<string, unknown>);
      const override = options.stateOverride?.(args.type, args.name, args.inputs as Record<string, unknown>);
      return override ? { id: mocked.id, state: { ...mocked.state, ...override } } : mocked;
    },
    call: (args) => {
      if (args.token === "azure-native:iothub:listIotHubResourceKeysForKeyName") {
        if (args.inputs.keyName === "pulumi-dataplane") {
          return { keyName: "pulumi-dataplane", primaryKey: MOCK_DATAPLANE_KEY, secondaryKey: MOCK_DATAPLANE_KEY, rights: "RegistryRead, RegistryWrite, ServiceConnect" };
        }
        return { keyName: "iothubowner", primaryKey: MOCK_OWNER_KEY, secondaryKey: MOCK_OWNER_KEY, rights: "RegistryWrite, ServiceConnect, DeviceConnect" };
      }
      if (args.token === "azure-native:deviceprovisioningservices:listIotDpsResourceKeysForKeyName") {
        return { keyName: args.inputs.keyName, primaryKey: MOCK_DPS_KEY, secondaryKey: MOCK_DPS_KEY, rights: "ServiceConfig, EnrollmentRead, EnrollmentWrite, DeviceConnect, RegistrationStatusRead, RegistrationStatusWrite" };
      }
      return { ...args.inputs };
    },
  }, PROJECT, stack, false, "organization");
  pulumi.runtime.setAllConfig(raw as Record<string, string>);
  // A program error is caught inside the stack so the stack still completes on this monitor;
  // otherwise its late registrations leak into the next run's monitor.
  let failure: unknown;
  let secretOutputs: string[] = [];
  const outputs = await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation((t) => {
      const parent = t.opts.parent;
      const key = `${t.type}::${t.name}`;
      if (parent && pulumi.resourceType(parent) !== "pulumi:pulumi:Stack") {
        parents.set(key, `${pulumi.resourceType(parent)}::${pulumi.resourceName(parent)}`);
      }
      // instanceof, not isInstance: the brand isInstance reads is set after transformations run.
      if (!(t.resource instanceof pulumi.ComponentResource) && t.type !== "pulumi:pulumi:StackReference") constructed.push(key);
      const custom = t.opts as pulumi.CustomResourceOptions;
      const deps = custom.dependsOn === undefined ? [] : Array.isArray(custom.dependsOn) ? custom.dependsOn : [custom.dependsOn];
      resourceOptions.set(key, {
        protect: custom.protect,
        replaceOnChanges: custom.replaceOnChanges,
        ignoreChanges: custom.ignoreChanges,
        dependsOn: (deps as pulumi.Resource[]).map((d) => `${pulumi.resourceType(d)}::${pulumi.resourceName(d)}`),
      });
      return undefined;
    });
    try {
      const out = (await program()) as Record<string, unknown>;
      secretOutputs = await secretPaths(out);
      return out;
    } catch (e) {
      failure = e;
      return {};
    }
  });
  // Registration is asynchronous: drain the SDK's RPC queue so every resource has reached the
  // mock monitor (and nothing of this run leaks into the next one).
  await pulumi.runtime.disconnect();
  if (failure !== undefined) throw failure;
  // An input that fails to resolve (an apply that throws) fails a real `pulumi up`; under mocks
  // the SDK only leaves an unhandled rejection, and the resource never reaches the monitor.
  const registered = new Set(resources.map((r) => `${r.type}::${r.name}`));
  const unregistered = constructed.filter((k) => !registered.has(k));
  if (unregistered.length > 0) {
    throw new Error(`declared but never registered, because an input failed to resolve: ${unregistered.join(", ")}`);
  }
  return { resources, outputs: (outputs ?? {}) as Record<string, unknown>, secretOutputs };
}
