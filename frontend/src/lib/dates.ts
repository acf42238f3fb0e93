// Dates arrive as ISO strings: "2026-11-23" (a date) or "2026-11-23T08:00:00Z" (a moment).
// Moments are shown in Beijing time whatever the browser's zone (the platform's calendar is
// Beijing's: deadlines, the day a contract was signed, the year a reward counts in); dates
// are calendar days and shown as they are. "Today" is Beijing's, as the server counts it.

const ZONE = 'Asia/Shanghai';
const BEIJING_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
const BEIJING_TIME = new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function moment(value: string): Date | null {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "2026-11-23": a calendar date as it is, a moment as Beijing's date. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  if (DATE_ONLY.test(value)) return value;
  const date = moment(value);
  return date === null ? value : BEIJING_DATE.format(date);
}

/** "2026-11-23 16:05", Beijing time. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  if (DATE_ONLY.test(value)) return value;
  const date = moment(value);
  return date === null ? value : `${BEIJING_DATE.format(date)} ${BEIJING_TIME.format(date)}`;
}

/** Today's date in Beijing as an ISO string, for form defaults and filters. */
export function todayIso(): string {
  return BEIJING_DATE.format(new Date());
}
