import dayjs from 'dayjs';

// Dates arrive as ISO strings: "2026-11-23" (a date) or "2026-11-23T08:00:00Z" (a moment).
// They are shown in the browser's time zone, which for the platform's users is Beijing time.
// "Today" is always Beijing's, as the server counts it (what is in the future, what listing is
// in force), even in a browser elsewhere.

const BEIJING_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
});

/** "2026-11-23" */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  const date = dayjs(value);
  return date.isValid() ? date.format('YYYY-MM-DD') : value;
}

/** "2026-11-23 16:05" */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const date = dayjs(value);
  return date.isValid() ? date.format('YYYY-MM-DD HH:mm') : value;
}

/** Today's date in Beijing as an ISO string, for form defaults and filters. */
export function todayIso(): string {
  return BEIJING_DATE.format(new Date());
}
