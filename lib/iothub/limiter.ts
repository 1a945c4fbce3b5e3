/**
 * Client-side pacing for the IoT Hub service API, so that a fleet of dynamic resources that
 * Pulumi runs in parallel stays under the hub's operation throttles instead of failing with 429.
 *
 * The documented throttles (Microsoft Learn, "IoT Hub quotas and throttling",
 * iot-hub-devguide-quotas-throttling; also in docs/data-plane.md):
 * - identity registry operations (create, retrieve, list, update, delete): 100/min/unit on F1,
 *   S1 and S2, 5,000/min/unit on S3;
 * - configurations and edge deployments (create, update, list, delete): 20/min/unit;
 * - twin updates: the figures below are conservative assumptions, not the documented table
 *   (unconfirmed offline), and so is counting `applyConfigurationContent` as twin updates.
 *
 * One limiter per hub and operation class per process: the registry lives on `globalThis`, so
 * every deserialized dynamic provider in the provider host (one per `__provider` text) shares it,
 * and nothing is captured by a provider's serialized closure.
 */

/** Which throttle an operation counts against. */
export type OperationClass = "registry" | "configuration" | "twin";

/** The hub's tier and units, which size its throttles. */
export interface HubThrottle {
  /** F1, S1, S2 or S3 (Basic tiers behave as the S tier of the same number for these classes). */
  readonly sku: string;
  readonly units: number;
}

/**
 * Operations per minute the hub allows for `cls`. Throws on an unknown tier or a unit count
 * below 1, so a typo cannot silently pace at the wrong rate.
 */
export function documentedRatePerMinute(throttle: HubThrottle, cls: OperationClass): number {
  const tier = /^[FBS]([123])?$/.exec(throttle.sku.toUpperCase());
  if (!tier) throw new Error(`unknown IoT Hub tier '${throttle.sku}'; allowed: F1, S1, S2, S3`);
  if (!Number.isInteger(throttle.units) || throttle.units < 1) throw new Error(`IoT Hub units must be a whole number, 1 or more, not ${throttle.units}`);
  const level = throttle.sku.toUpperCase() === "F1" ? 1 : Number(tier[1]);
  const u = throttle.units;
  switch (cls) {
    case "registry":
      return (level === 3 ? 5000 : 100) * u;
    case "configuration":
      return 20 * u;
    case "twin":
      // Unconfirmed: assumed higher of 10/s or 1/s/unit on F1/S1, 5/s/unit on S2, 50/s/unit on S3.
      return 60 * (level === 1 ? Math.max(10, u) : level === 2 ? 5 * u : 50 * u);
  }
}

/** Pace below the documented rate, so clock granularity and traffic shaping never reach the limit. */
export const PACING_SAFETY = 0.95;

/** Share of the one-minute throttle window a late pacer may catch up at once. */
export const CATCH_UP_SHARE = 0.02;

/**
 * A pacer: operations are let through one at a time, first come first served, one `intervalMs`
 * apart on a schedule. Timers that fire late may catch up on the schedule, but by at most
 * `catchUpMs`: a stalled event loop never releases more than that as a burst, and idle time is
 * not saved up.
 * `penalize` holds back every later operation (a 429's `Retry-After` applies to the whole hub,
 * not only to the request that got it).
 */
export class Pacer {
  private next = Number.NEGATIVE_INFINITY;
  private readonly queue: (() => void)[] = [];
  private running = false;

  constructor(
    readonly intervalMs: number,
    /** How far behind its schedule the pacer may catch up at once. Default 0 (never). */
    private readonly catchUpMs = 0,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    if (!(intervalMs >= 0)) throw new Error(`pacing interval must be 0 or more ms, not ${intervalMs}`);
  }

  /** Waits for this operation's turn; resolves with how long it waited. */
  acquire(): Promise<number> {
    const start = this.now();
    return new Promise<number>((resolve) => {
      this.queue.push(() => resolve(this.now() - start));
      void this.pump();
    });
  }

  /** No operation starts before `ms` from now. */
  penalize(ms: number): void {
    this.next = Math.max(this.next, this.now() + ms);
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const t = this.now();
        if (this.next > t) {
          await this.sleep(this.next - t);
          continue;
        }
        this.next = Math.max(this.next, t - this.catchUpMs) + this.intervalMs;
        this.queue.shift()!();
      }
    } finally {
      this.running = false;
    }
  }
}

/**
 * The interval between operations of class `cls`, for a hub whose time runs `timeScale` times
 * faster than real time (1 in production; tests and the bench speed the fake hub up).
 */
export function pacingIntervalMs(throttle: HubThrottle, cls: OperationClass, timeScale = 1): number {
  return 60_000 / (documentedRatePerMinute(throttle, cls) * PACING_SAFETY * timeScale);
}

const REGISTRY = Symbol.for("secure-iot-edge.iothub.pacers");

/** The process-wide pacer of one hub and operation class (created on first use). */
export function sharedPacer(hostName: string, throttle: HubThrottle, cls: OperationClass, timeScale = 1): Pacer {
  const g = globalThis as unknown as Record<symbol, Map<string, Pacer> | undefined>;
  const pacers = (g[REGISTRY] ??= new Map<string, Pacer>());
  const interval = pacingIntervalMs(throttle, cls, timeScale);
  const key = `${hostName.toLowerCase()}|${cls}|${interval}`;
  let p = pacers.get(key);
  if (!p) {
    // Catch-up of 2% of the hub's one-minute window keeps the worst case under the documented rate.
    p = new Pacer(interval, CATCH_UP_SHARE * (60_000 / timeScale));
    pacers.set(key, p);
  }
  return p;
}

/** The shortest time `ops` operations of each class can take on this hub: the pacing floor. */
export function pacingFloorSeconds(throttle: HubThrottle, ops: Partial<Record<OperationClass, number>>, timeScale = 1): number {
  let floor = 0;
  for (const [cls, n] of Object.entries(ops) as [OperationClass, number][]) {
    floor = Math.max(floor, (60 * n) / (documentedRatePerMinute(throttle, cls) * timeScale));
  }
  return floor;
}
