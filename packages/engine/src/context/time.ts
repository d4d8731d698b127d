/** The time-of-request part of the decisioning context, all in UTC. */
export interface TimeContext {
  readonly current_timestamp: number;
  readonly current_time: string;
  readonly current_day: number;
}

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
// ECMAScript's time value limit: beyond it a Date is invalid.
const MAX_TIME = 8.64e15;

/**
 * `current_timestamp` (ms), `current_time` (`HHmm`, zero-padded) and `current_day`
 * (Monday = 1 … Sunday = 7) for a clock reading, as the reference derives them from a Date.
 */
export function timeContextOf(nowMs: number): TimeContext {
  if (!Number.isFinite(nowMs) || Math.abs(nowMs) > MAX_TIME) {
    throw new RangeError(`timeContextOf: ${nowMs} is not a valid clock reading`);
  }
  // A Date truncates its time value toward zero (and turns -0 into +0); do the same.
  const timestamp = Math.trunc(nowMs) + 0;
  const days = Math.floor(timestamp / MS_PER_DAY);
  const minuteOfDay = Math.floor((timestamp - days * MS_PER_DAY) / MS_PER_MINUTE);
  const hours = Math.floor(minuteOfDay / 60);
  const minutes = minuteOfDay % 60;
  // 1970-01-01 was a Thursday (4 when Monday is 1).
  const weekday = (((days + 3) % 7) + 7) % 7;
  return {
    current_timestamp: timestamp,
    current_time: `${hours < 10 ? "0" : ""}${hours}${minutes < 10 ? "0" : ""}${minutes}`,
    current_day: weekday + 1,
  };
}
