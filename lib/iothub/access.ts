/**
 * Least-privilege access of this program to the IoT Hub data plane (issue 12).
 *
 * - `sas` mode: a dedicated shared access policy with only the rights the data-plane resources
 *   use (RegistryRead, RegistryWrite, ServiceConnect; never DeviceConnect), instead of
 *   `iothubowner`. Declaring `authorizationPolicies` replaces the hub's whole list, so the
 *   built-in policies are declared too, with their documented rights.
 * - `entra` mode: no hub key at all; the providers get a Microsoft Entra token at run time
 *   (lib/iothub/entra.ts), and in prod the hub's local (SAS) auth is switched off unless
 *   something else still needs it (a Device Provisioning Service link does).
 *
 * Which SAS rights configurations (edge deployments) need is not documented per operation:
 * RegistryWrite + ServiceConnect is assumed to cover them (unconfirmed offline).
 */

/** The program's own policy name. */
export const DATA_PLANE_POLICY = "pulumi-dataplane";

/** Rights of a policy, in the ARM enum's spelling (azure-native `iothub.AccessRights`). */
export type PolicyRights =
  | "RegistryRead, RegistryWrite, ServiceConnect"
  | "RegistryWrite, ServiceConnect, DeviceConnect"
  | "ServiceConnect"
  | "DeviceConnect"
  | "RegistryRead"
  | "RegistryWrite";

/** Rights of the program's policy. */
export const DATA_PLANE_RIGHTS: PolicyRights = "RegistryRead, RegistryWrite, ServiceConnect";

export type DataPlaneAuth = "sas" | "entra";
export const DATA_PLANE_AUTH_MODES: readonly DataPlaneAuth[] = ["sas", "entra"];

/** The built-in policies every new hub has (Microsoft Learn, "Control access to IoT Hub with shared access signatures"). */
export const BUILT_IN_POLICIES: readonly { readonly keyName: string; readonly rights: PolicyRights }[] = [
  { keyName: "iothubowner", rights: "RegistryWrite, ServiceConnect, DeviceConnect" },
  { keyName: "service", rights: "ServiceConnect" },
  { keyName: "device", rights: "DeviceConnect" },
  { keyName: "registryRead", rights: "RegistryRead" },
  { keyName: "registryReadWrite", rights: "RegistryWrite" },
];

/** The hub's `authorizationPolicies`: the built-ins, kept, plus the program's own (sas mode only). */
export function hubAuthorizationPolicies(mode: DataPlaneAuth): { keyName: string; rights: PolicyRights }[] {
  const builtIns = BUILT_IN_POLICIES.map((p) => ({ ...p }));
  return mode === "sas" ? [...builtIns, { keyName: DATA_PLANE_POLICY, rights: DATA_PLANE_RIGHTS }] : builtIns;
}

/**
 * Whether the hub's local auth (SAS with hub-level policies) is switched off: only in prod, only
 * when the program itself uses Entra, and only when nothing else needs the hub's policies
 * (`localAuthNeeded`, e.g. a Device Provisioning Service linked through a policy's connection string).
 */
export function hubLocalAuthDisabled(o: { stage: string; mode: DataPlaneAuth; localAuthNeeded: boolean }): boolean {
  return o.stage === "prod" && o.mode === "entra" && !o.localAuthNeeded;
}
