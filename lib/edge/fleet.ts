/** Pure pieces of the edge fleet: how devices are targeted and what their deployment contains. */
import type { StackConfig } from "../config/config";
import { AGENT_MODES } from "../config/agentModes";
import { buildManifest, type Manifest, type ManifestOptions } from "./manifest";

/** The twin tag every device of this stack carries, and the condition that selects on it. */
export function fleetTargeting(project: string, stage: string): { tags: Record<string, string>; targetCondition: string } {
  const stack = `${project}-${stage}`;
  return { tags: { stack }, targetCondition: `tags.stack='${stack}'` };
}

export function manifestOptions(config: StackConfig): ManifestOptions {
  const a = config.agent;
  return {
    iotEdgeVersion: config.edge.version,
    // defender-for-servers runs nothing on the edge runtime: its deployment is that of "none".
    securityAgent: AGENT_MODES[a.mode].hostInstall,
    storeAndForwardTtlSecs: config.edge.storeAndForwardTtlSecs,
    classic: {
      imageTag: a.classicImageTag,
      highPriorityMessageFrequency: a.highPriorityMessageFrequency,
      lowPriorityMessageFrequency: a.lowPriorityMessageFrequency,
      snapshotFrequency: a.snapshotFrequency,
      maxLocalCacheSizeInBytes: a.maxLocalCacheSizeInBytes,
      maxMessageSizeInBytes: a.maxMessageSizeInBytes,
      eventPriorities: a.eventPriorities,
    },
    microAgent: { priorityIntervalsMinutes: a.microAgentIntervalsMinutes },
    echoModule: a.echoModule,
    debugLogging: a.debugLogging,
  };
}

/** The deployment manifest for the stack's config. */
export function stackManifest(config: StackConfig): Manifest {
  return buildManifest(manifestOptions(config));
}
