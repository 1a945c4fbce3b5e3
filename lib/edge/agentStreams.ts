/**
 * What each device's security agent sends, as message streams for the budget. Pure.
 *
 * classic-module: the three streams its module twin configures (high priority, low priority,
 * snapshots), each message assumed as large as its configured maximum. micro-agent: its High,
 * Medium and Low priority intervals, each message of the assumed `microAgentMessageSizeBytes`
 * (the agent's sizes are not documented). defender-for-servers and none: nothing. Defender for
 * Endpoint reports to Defender for Cloud directly, not through the IoT Hub, so it uses none of the
 * hub's quota (its alerts reach the workspace through continuous export).
 */
import type { AgentConfig } from "../config/types";
import type { MessageStream } from "../plan/budget";

export function securityStreams(agent: AgentConfig): MessageStream[] {
  switch (agent.mode) {
    case "classic-module": {
      const bytes = agent.maxMessageSizeInBytes;
      return [
        { name: "high priority", every: agent.highPriorityMessageFrequency, bytes },
        { name: "low priority", every: agent.lowPriorityMessageFrequency, bytes },
        { name: "snapshot", every: agent.snapshotFrequency, bytes },
      ];
    }
    case "micro-agent": {
      const m = agent.microAgentIntervalsMinutes;
      const bytes = agent.microAgentMessageSizeBytes;
      return [
        { name: "high priority", every: `PT${m.high}M`, bytes },
        { name: "medium priority", every: `PT${m.medium}M`, bytes },
        { name: "low priority", every: `PT${m.low}M`, bytes },
      ];
    }
    case "defender-for-servers":
    case "none":
      return [];
  }
}
