/**
 * IoT Hub message budget for the security agent's streams: metered messages a day against the
 * hub's daily quota, and the bytes a day the same messages put into the workspace. Pure.
 */
import type { HubSku } from "../config/types";
import { parseIsoDuration } from "../config/dates";

/**
 * Microsoft documents that S-tier hubs meter device-to-cloud messages in "4 KB" chunks and the
 * free tier in "0.5 KB" chunks ("a 6-KB message is charged 2 messages"), without saying
 * whether KB is 1,000 or 1,024 bytes. We use decimal KB: only then do the figures the blog
 * "Azure Security Center for IoT on the Edge" works with all hold together (a 131 KB message
 * is 33 chunks and 720 of them a day are about 94 MB; 40 chunks of 4 KB 720 times a day are
 * about 115 MB; with 1,024 the volumes come out 97 MB and 118 MB). It is also the cautious
 * choice: a smaller chunk never gives fewer metered messages.
 */
export const KB = 1000;
export const METER_CHUNK_BYTES: Readonly<Record<HubSku, number>> = {
  F1: 0.5 * KB,
  S1: 4 * KB,
  S2: 4 * KB,
  S3: 4 * KB,
};

/** Daily quota of metered messages per unit (IoT Hub pricing page; F1 has exactly one unit). */
export const DAILY_QUOTA_PER_UNIT: Readonly<Record<HubSku, number>> = {
  F1: 8_000,
  S1: 400_000,
  S2: 6_000_000,
  S3: 300_000_000,
};

/** IoT Hub rejects larger device-to-cloud messages (the classic module's maximum, 262144, matches). */
export const MAX_D2C_MESSAGE_BYTES = 256 * 1024;

/** At or above this share of the daily quota the budget warns. */
export const WARN_SHARE = 0.8;

/** Log Analytics bills in GB of 10^9 bytes. */
const BYTES_PER_GB = 1e9;
const SECONDS_PER_DAY = 86_400;

/** One kind of message a device sends, e.g. the classic module's high-priority stream. */
export interface MessageStream {
  name: string;
  /** ISO-8601 duration between messages, e.g. "PT7M" (see parseIsoDuration). */
  every: string;
  /** Size of one message in bytes. */
  bytes: number;
}

export interface BudgetInput {
  hub: { sku: HubSku; units: number };
  devices: number;
  /** Streams each device sends; the classic module has three, the micro agent its own. */
  streams: MessageStream[];
}

export interface StreamBudget {
  name: string;
  /** Per device: the most messages that can fall in one UTC day at this interval. */
  messagesPerDay: number;
  chunksPerMessage: number;
  /** Per device. */
  meteredPerDay: number;
  /** Per device. */
  bytesPerDay: number;
}

interface BudgetFigures {
  streams: StreamBudget[];
  /** All devices. */
  meteredPerDay: number;
  quotaPerDay: number;
  /** meteredPerDay / quotaPerDay; above 1 is over quota. */
  share: number;
  /** What the same messages add to the workspace (an upper bound: Log Analytics bills a record's stored columns, typically smaller than the message). */
  ingestion: { bytesPerDay: number; gbPerDay: number };
}

export type BudgetResult = BudgetFigures & (
  | { level: "ok" }
  | { level: "warning"; message: string }
  | { level: "error"; message: string }
);

/**
 * Throws a RangeError for input that describes no real hub or agent (bad duration, size over
 * the D2C limit, F1 with more than one unit); returns `level: "error"` when the input is valid
 * but exceeds the quota, so callers can report it as a configuration error.
 */
export function messageBudget(input: BudgetInput): BudgetResult {
  const { sku, units } = input.hub;
  if (!Number.isInteger(units) || units < 1) throw new RangeError(`hub.units must be a whole number >= 1, got ${units}`);
  if (sku === "F1" && units !== 1) throw new RangeError(`hub.units: the F1 (free) tier has exactly 1 unit, got ${units}`);
  if (!Number.isInteger(input.devices) || input.devices < 0) throw new RangeError(`devices must be a whole number >= 0, got ${input.devices}`);

  const streams = input.streams.map((s) => streamBudget(s, sku));
  const meteredPerDay = input.devices * streams.reduce((sum, s) => sum + s.meteredPerDay, 0);
  const bytesPerDay = input.devices * streams.reduce((sum, s) => sum + s.bytesPerDay, 0);
  const quotaPerDay = DAILY_QUOTA_PER_UNIT[sku] * units;
  const share = meteredPerDay / quotaPerDay;
  const figures: BudgetFigures = { streams, meteredPerDay, quotaPerDay, share, ingestion: { bytesPerDay, gbPerDay: bytesPerDay / BYTES_PER_GB } };

  const summary = `${input.devices} device(s) send ${meteredPerDay.toLocaleString("en-US")} metered messages a day, ${percent(share)} of the ${sku} × ${units} quota of ${quotaPerDay.toLocaleString("en-US")}`;
  if (share > 1) {
    return { ...figures, level: "error", message: `${summary}: over quota; IoT Hub rejects messages for the rest of the day. Add units, a larger tier, or send less often.` };
  }
  if (share >= WARN_SHARE) {
    return { ...figures, level: "warning", message: `${summary}: at or above ${percent(WARN_SHARE)}, little room for more devices or retries.` };
  }
  return { ...figures, level: "ok" };
}

export function streamBudget(stream: MessageStream, sku: HubSku): StreamBudget {
  const seconds = parseIsoDuration(stream.every);
  if (seconds <= 0) throw new RangeError(`stream "${stream.name}": interval ${stream.every} must be longer than zero`);
  if (!Number.isInteger(stream.bytes) || stream.bytes < 1 || stream.bytes > MAX_D2C_MESSAGE_BYTES) {
    throw new RangeError(`stream "${stream.name}": bytes must be a whole number in [1, ${MAX_D2C_MESSAGE_BYTES}], got ${stream.bytes}`);
  }
  // The quota resets daily, so the bound that matters is the most sends one day can hold.
  const messagesPerDay = Math.ceil(SECONDS_PER_DAY / seconds);
  const chunksPerMessage = meteredChunks(stream.bytes, sku);
  return {
    name: stream.name,
    messagesPerDay,
    chunksPerMessage,
    meteredPerDay: messagesPerDay * chunksPerMessage,
    bytesPerDay: messagesPerDay * stream.bytes,
  };
}

/** Metered messages for one device-to-cloud message of `bytes` on a hub of tier `sku`. */
export function meteredChunks(bytes: number, sku: HubSku): number {
  return Math.max(1, Math.ceil(bytes / METER_CHUNK_BYTES[sku]));
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}
