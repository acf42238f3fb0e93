import dayjs from 'dayjs';

// Dates arrive as ISO strings: "2026-11-23" (a date) or "2026-11-23T08:00:00Z" (a moment).
// They are shown in the browser's time zone, which for the platform's users is Beijing time.

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

/** Today's date as an ISO string, for form defaults. */
export function todayIso(): string {
  return dayjs().format('YYYY-MM-DD');
}
