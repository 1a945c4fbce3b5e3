/**
 * What a stack remembers between `pulumi up`s, and the day-two checks that need it. Pure.
 *
 * Some changes depend on what the stack *was*: a hub cannot move between F1 and S1-S3, a Bastion
 * cannot move between Developer and the dedicated SKUs in place, and a certificate rollover needs
 * the thumbprint the host runs. The program exports a {@link DayTwoRecord} as the stack output
 * `dayTwo` and reads its own previous value at the start of the next run (a StackReference to the
 * stack itself), before it declares anything else.
 */
import { PROJECT } from "./config";
import type { BastionSku, HubSku } from "./types";

export interface DayTwoRecord {
  hubSku: HubSku;
  bastionSku: BastionSku;
  /** Where the hub and the workspace live: neither can move. */
  hubRegion?: string;
  workspaceRegion?: string;
  /** Per device id (x509): the thumbprint the device runs, recorded after its delivery succeeded. */
  runningThumbprints: Record<string, string>;
}

export interface DayTwoDecision {
  /** Refusals, each naming the key, the change and how to proceed; nothing is declared then. */
  errors: string[];
  /** The Bastion moves between Developer and a dedicated SKU: replace it (delete first). */
  replaceBastion: boolean;
  /** The thumbprints to roll over from (empty on a first `up`). */
  runningThumbprints: Record<string, string>;
}

const hubFamily = (sku: HubSku): "free" | "standard" => (sku === "F1" ? "free" : "standard");
const bastionFamily = (sku: BastionSku): "developer" | "dedicated" => (sku === "Developer" ? "developer" : "dedicated");

/** Reads an untrusted previous output; anything malformed counts as no record. */
export function parseDayTwoRecord(value: unknown): Partial<DayTwoRecord> | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const thumbprints: Record<string, string> = {};
  if (typeof v.runningThumbprints === "object" && v.runningThumbprints !== null) {
    for (const [k, t] of Object.entries(v.runningThumbprints as Record<string, unknown>)) if (typeof t === "string" && /^[0-9A-F]{64}$/i.test(t)) thumbprints[k] = t;
  }
  return {
    hubSku: typeof v.hubSku === "string" ? (v.hubSku as HubSku) : undefined,
    bastionSku: typeof v.bastionSku === "string" ? (v.bastionSku as BastionSku) : undefined,
    hubRegion: typeof v.hubRegion === "string" ? v.hubRegion : undefined,
    workspaceRegion: typeof v.workspaceRegion === "string" ? v.workspaceRegion : undefined,
    runningThumbprints: thumbprints,
  };
}

/** Compares this run's choices with the previous record. */
export function dayTwoDecision(
  previous: Partial<DayTwoRecord> | undefined,
  next: { hubSku: HubSku; bastionSku: BastionSku; hubRegion?: string; workspaceRegion?: string },
): DayTwoDecision {
  const errors: string[] = [];
  // A hub or workspace cannot move. Replacing them under the same names would delete first and
  // then wait on the workspace name, which Azure keeps reserved for 14 days after deletion; and
  // the suffix is not keyed on the region, so existing stacks keep their names. A move is a
  // rebuild in a new stack.
  for (const [key, was, now] of [["hubRegion", previous?.hubRegion, next.hubRegion], ["workspaceRegion", previous?.workspaceRegion, next.workspaceRegion]] as const) {
    if (was !== undefined && now !== undefined && was !== now) {
      errors.push(
        `${PROJECT}:${key} = ${JSON.stringify(now)}: this stack's ${key === "hubRegion" ? "hub" : "workspace"} is in ${was}, and Azure cannot move it; ` +
        `replacing it under the same names would deadlock on the workspace name (reserved 14 days after deletion). Allowed: ${was}; ` +
        "a region change is a rebuild: create a new stack (pulumi stack init) in the new region, move the devices, then destroy this one (see docs/day-two.md)",
      );
    }
  }
  if (previous?.hubSku && hubFamily(previous.hubSku) !== hubFamily(next.hubSku)) {
    errors.push(
      `${PROJECT}:hubSku = ${JSON.stringify(next.hubSku)}: this stack's hub is ${previous.hubSku}, and Azure cannot change a hub between F1 and S1-S3; ` +
      `replacing it would empty its device registry under the same name. Allowed: ${previous.hubSku === "F1" ? "F1" : "S1, S2 or S3"}; ` +
      "to rebuild, create a new stack (pulumi stack init) with the new tier, move the devices, then destroy this one (see docs/day-two.md)",
    );
  }
  return {
    errors,
    replaceBastion: previous?.bastionSku !== undefined && bastionFamily(previous.bastionSku) !== bastionFamily(next.bastionSku),
    runningThumbprints: previous?.runningThumbprints ?? {},
  };
}
