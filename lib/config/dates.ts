/** Calendar dates and ISO-8601 durations in config values. Pure. */

/** True for a real calendar date written YYYY-MM-DD (2026-02-30 is not one). Pure. */
export function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * Seconds in an ISO-8601 duration of the form PnDTnHnMnS (each part optional, at least one
 * present; seconds may have a fraction), the form the security agent's twin uses ("PT7M").
 * Years, months and weeks are refused: their length in seconds is not fixed or not used here.
 */
export function parseIsoDuration(text: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  const hasPart = m !== null && m.slice(1).some((g) => g !== undefined);
  if (m === null || !hasPart || text.endsWith("T")) {
    throw new RangeError(`"${text}" is not an ISO-8601 duration of the form PnDTnHnMnS (e.g. PT7M, PT5H, P1DT2H)`);
  }
  const [days, hours, minutes, seconds] = m.slice(1).map((g) => (g === undefined ? 0 : Number(g)));
  return ((days * 24 + hours) * 60 + minutes) * 60 + seconds;
}
