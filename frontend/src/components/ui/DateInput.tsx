import { DatePicker } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';

import { todayIso } from '@/lib/dates';

export interface DateInputProps {
  /** An ISO date, "2026-11-23", as the API carries dates. */
  value?: string | null;
  onChange?: (value: string | null) => void;
  id?: string;
  disabledFuture?: boolean;
  placeholder?: string;
  'aria-label'?: string;
}

/** A date picker whose value is the ISO date string, so forms hold what the API sends.
 *  Enter confirms a typed date and nothing more: it never submits the surrounding form, which
 *  would send it before the fields after the date are filled in. */
export function DateInput({ value, onChange, disabledFuture = false, ...props }: DateInputProps) {
  return (
    <DatePicker
      style={{ width: '100%' }}
      value={value ? dayjs(value) : null}
      onChange={(date: Dayjs | null) => onChange?.(date === null ? null : date.format('YYYY-MM-DD'))}
      disabledDate={disabledFuture ? (date) => date.isAfter(dayjs(todayIso()), 'day') : undefined}
      onKeyDown={(event) => {
        if (event.key === 'Enter') event.preventDefault();
      }}
      {...props}
    />
  );
}
