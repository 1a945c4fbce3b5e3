/**
 * The dynamic provider of a DPS enrollment group (azure-native has no resource for DPS data-plane
 * objects). Same discipline as lib/iothub/providers.ts: no captured client or secret, a fresh
 * client from the resource's own (secret) inputs on every call, adoption only of what this
 * resource itself created, gone means gone (read returns nothing; delete accepts 404).
 */
import type * as pulumi from "@pulumi/pulumi";
import { canonical, DpsClient, type DpsClientOptions, type EnrollmentAttestation, type EnrollmentGroup, type EnrollmentGroupSpec } from "./client";

export interface EnrollmentGroupInputs {
  /** `<dps>.azure-devices-provisioning.net`. */
  readonly dpsHostName: string;
  /** Key of the DPS policy `keyName`; secret. */
  readonly dpsKey: string;
  readonly keyName: string;
  readonly enrollmentGroupId: string;
  /** The group's attestation; for symmetricKey it holds the group keys, so it is secret. */
  readonly attestation: EnrollmentAttestation;
  /** The linked hub's host name that registered devices land in. */
  readonly iotHubHostName: string;
  /** Initial twin tags: equal to the at-scale deployment's target tags. */
  readonly tags: Record<string, string>;
}

export interface EnrollmentGroupOutputs extends EnrollmentGroupInputs {
  readonly etag: string;
}

/** Inputs that must be marked secret in state and outputs. */
export const ENROLLMENT_GROUP_SECRET_OUTPUTS = ["dpsKey", "attestation"];

export type DpsClientFactory = (o: Pick<DpsClientOptions, "hostName" | "keyName" | "key">) => DpsClient;

const GROUP_ID = /^[a-z0-9-._:]{1,128}$/;

export function enrollmentGroupInputProblems(i: Partial<EnrollmentGroupInputs>): pulumi.dynamic.CheckFailure[] {
  const out: pulumi.dynamic.CheckFailure[] = [];
  if (typeof i.enrollmentGroupId !== "string" || !GROUP_ID.test(i.enrollmentGroupId)) {
    out.push({ property: "enrollmentGroupId", reason: `${JSON.stringify(i.enrollmentGroupId)}: allowed: 1-128 lower-case letters, digits and - . _ :` });
  }
  if (typeof i.dpsHostName !== "string" || !/^[a-z0-9-]+\.azure-devices-provisioning\.net$/.test(i.dpsHostName)) {
    out.push({ property: "dpsHostName", reason: "allowed: <name>.azure-devices-provisioning.net" });
  }
  const a = i.attestation;
  if (a?.type === "symmetricKey") {
    for (const k of ["primaryKey", "secondaryKey"] as const) {
      const v = a.symmetricKey?.[k] ?? "";
      const n = Buffer.from(v, "base64").length;
      // The value itself is a secret: the reason names the field, never the value.
      if (n < 16 || n > 64) out.push({ property: `attestation.symmetricKey.${k}`, reason: "allowed: base64 of 16 to 64 bytes" });
    }
  } else if (a?.type === "x509") {
    if (!/^-----BEGIN CERTIFICATE-----/.test(a.x509?.signingCertificates?.primary?.certificate ?? "")) {
      out.push({ property: "attestation.x509", reason: "allowed: the PEM of the CA certificate that signs device certificates" });
    }
  } else {
    out.push({ property: "attestation", reason: "allowed: type x509 or symmetricKey" });
  }
  return out;
}

export function enrollmentGroupSpec(i: EnrollmentGroupInputs): EnrollmentGroupSpec {
  return {
    enrollmentGroupId: i.enrollmentGroupId,
    attestation: i.attestation,
    capabilities: { iotEdge: true },
    initialTwin: { tags: i.tags, properties: { desired: {} } },
    provisioningStatus: "enabled",
    allocationPolicy: "hashed",
    iotHubs: [i.iotHubHostName],
    reprovisionPolicy: { updateHubAssignment: true, migrateDeviceData: true },
  };
}

/**
 * Field by field: a new DPS, a new group id or another attestation type replace (DPS cannot turn
 * an x509 group into a symmetric-key one: unconfirmed, so the safe way); the id carries the
 * attestation type, so the new group exists before the old one is deleted.
 */
export function enrollmentGroupDiff(olds: EnrollmentGroupInputs, news: EnrollmentGroupInputs): pulumi.dynamic.DiffResult {
  const replaces: string[] = [];
  const changed: string[] = [];
  const differs = (k: keyof EnrollmentGroupInputs) => canonical(olds[k]) !== canonical(news[k]);
  for (const k of ["dpsHostName", "enrollmentGroupId"] as const) if (differs(k)) replaces.push(k);
  if (olds.attestation?.type !== news.attestation?.type) replaces.push("attestation");
  else if (differs("attestation")) changed.push("attestation");
  for (const k of ["keyName", "dpsKey", "iotHubHostName", "tags"] as const) if (differs(k)) changed.push(k);
  return { changes: replaces.length + changed.length > 0, replaces, deleteBeforeReplace: false };
}

/**
 * What a refresh takes from DPS: tags, hub and etag as DPS holds them. The attestation is kept as
 * declared unless DPS reports another type: DPS may answer an x509 group with certificate info
 * rather than the PEM, and a symmetric-key group without its keys (unconfirmed), which must not
 * read as drift on every refresh.
 */
export function refreshed(props: EnrollmentGroupOutputs, found: EnrollmentGroup): EnrollmentGroupOutputs {
  const foundType = found.attestation?.type;
  const attestation = foundType !== undefined && foundType !== props.attestation.type ? found.attestation : props.attestation;
  return { ...props, attestation, tags: found.initialTwin?.tags ?? {}, iotHubHostName: found.iotHubs?.[0] ?? props.iotHubHostName, etag: found.etag };
}

function clientFor(connect: DpsClientFactory, i: EnrollmentGroupInputs): DpsClient {
  return connect({ hostName: i.dpsHostName, keyName: i.keyName, key: i.dpsKey });
}

export function enrollmentGroupProviderWith(connect: DpsClientFactory): pulumi.dynamic.ResourceProvider<EnrollmentGroupInputs, EnrollmentGroupOutputs> {
  return {
    async check(_olds, news) {
      return { inputs: news, failures: enrollmentGroupInputProblems(news) };
    },
    async diff(_id, olds, news) {
      return enrollmentGroupDiff(olds, news);
    },
    async create(inputs) {
      const problems = enrollmentGroupInputProblems(inputs);
      if (problems.length > 0) throw new Error(`EnrollmentGroup '${inputs.enrollmentGroupId}': ${problems.map((p) => `${p.property}: ${p.reason}`).join("; ")}`);
      const created = await clientFor(connect, inputs).createOrUpdateEnrollmentGroup(enrollmentGroupSpec(inputs));
      return { id: `${inputs.dpsHostName}/${inputs.enrollmentGroupId}`, outs: { ...inputs, etag: created.etag } };
    },
    async read(id, props) {
      if (!props) return { id, props };
      const found = await clientFor(connect, props).getEnrollmentGroup(props.enrollmentGroupId);
      // Gone means gone: the next `up` recreates it.
      if (!found) return {};
      return { id, props: refreshed(props, found) };
    },
    async update(_id, _olds, news) {
      const updated = await clientFor(connect, news).createOrUpdateEnrollmentGroup(enrollmentGroupSpec(news), { ifMatch: "*" });
      return { outs: { ...news, etag: updated.etag } };
    },
    async delete(_id, props) {
      await clientFor(connect, props).deleteEnrollmentGroup(props.enrollmentGroupId);
    },
  };
}

function defaultClient(o: Pick<DpsClientOptions, "hostName" | "keyName" | "key">): DpsClient {
  return new DpsClient(o);
}

export const enrollmentGroupProvider = enrollmentGroupProviderWith(defaultClient);
