/**
 * Calls registered policies the way @pulumi/policy's runtime does: props sent through a protobuf
 * Struct, secrets unwrapped, unknown values guarded by the runtime's own proxy.
 */
import assert from "node:assert/strict";
import * as policyRuntime from "@pulumi/policy";
import * as policyDeserialize from "@pulumi/policy/deserialize";
import type { PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

// Runtime exports missing from @pulumi/policy's .d.ts (marked @internal upstream).
const { unknownCheckingProxy } = policyRuntime as unknown as {
  unknownCheckingProxy: (props: Record<string, unknown>) => Record<string, unknown>;
};
const { deserializeProperties } = policyDeserialize as unknown as {
  deserializeProperties: (props: Struct, proxySecrets: boolean) => Record<string, unknown>;
};

/** Props as a policy sees them: sent as a protobuf Struct, secrets unwrapped, unknowns guarded. */
export const asPolicyProps = (props: Record<string, unknown>): Record<string, unknown> =>
  unknownCheckingProxy(deserializeProperties(Struct.fromJavaScript(props as Parameters<typeof Struct.fromJavaScript>[0]), false));

export const urnOf = (type: string, name: string): string => `urn:pulumi:dev::secure-iot-edge::${type}::${name}`;

const noOptions = { protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 } };

function notApplicable(reason?: string): never {
  throw new Error(`not applicable: ${reason ?? ""}`);
}

export async function runResourcePolicy(
  policy: ResourceValidationPolicy,
  type: string,
  name: string,
  props: Record<string, unknown>,
): Promise<string[]> {
  const messages: string[] = [];
  const args: ResourceValidationArgs = {
    type,
    name,
    urn: urnOf(type, name),
    props: asPolicyProps(props),
    opts: noOptions,
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => ({}) as T,
    notApplicable,
  };
  const validations = policy.validateResource === undefined ? [] : [policy.validateResource].flat();
  for (const validate of validations) await validate(args, (message) => messages.push(message));
  return messages;
}

export interface StackEntry {
  type: string;
  name: string;
  props: Record<string, unknown>;
  /** property name -> names of the stack resources it takes values from */
  dependsOn?: Record<string, string[]>;
}

export async function runStackPolicy(policy: StackValidationPolicy, entries: StackEntry[]): Promise<Array<{ message: string; urn?: string }>> {
  const resources: PolicyResource[] = entries.map((e) => ({
    type: e.type,
    name: e.name,
    urn: urnOf(e.type, e.name),
    props: asPolicyProps(e.props),
    opts: noOptions,
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
  }));
  entries.forEach((e, i) => {
    for (const [property, names] of Object.entries(e.dependsOn ?? {})) {
      resources[i].propertyDependencies[property] = names.map((n) => {
        const target = resources.find((r) => r.name === n);
        assert.ok(target, `unknown dependency ${n}`);
        return target;
      });
    }
  });
  const violations: Array<{ message: string; urn?: string }> = [];
  await policy.validateStack(
    { resources, stackTags: new Map(), getConfig: <T extends object>() => ({}) as T, notApplicable },
    (message, urn) => violations.push({ message, urn }),
  );
  return violations;
}

