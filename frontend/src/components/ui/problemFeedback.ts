import type { FormInstance } from 'antd';

import { ApiError, fieldPath } from '@/api/problem';
import type { Translate } from '@/i18n';

type NamePath = (string | number)[];

export interface ProblemFeedbackTarget {
  /** Where field errors go; without a form every error is shown as a message. */
  form?: Pick<FormInstance, 'setFields'>;
  /**
   * The form's field names (dotted paths). Errors for other fields are shown
   * as a message instead of disappearing into a field that is not rendered.
   * Omit to put every field error on the form. "items.*" accepts any path under
   * "items." (a Form.List's rows).
   */
  fields?: readonly string[];
  /** Shows one line of text to the user (antd message.error). */
  notify: (text: string) => void;
  t: Translate;
}

/**
 * Show any error from an API call: RFC 9457 field errors onto the form
 * (form.setFields), the rest as one message; network and unknown failures as
 * a translated message. Returns true when at least one field got an error.
 */
export function applyProblem(error: unknown, { form, fields, notify, t }: ProblemFeedbackTarget): boolean {
  if (!(error instanceof ApiError)) {
    notify(error instanceof TypeError ? t('error.network') : t('error.unexpected'));
    return false;
  }

  const { problem } = error;
  const known = fields === undefined ? null : new Set(fields.filter((field) => !field.endsWith('.*')).map((field) => fieldPath(field).join('.')));
  const prefixes = (fields ?? []).filter((field) => field.endsWith('.*')).map((field) => `${field.slice(0, -2)}.`);
  const isKnown = (key: string) => known === null || known.has(key) || prefixes.some((prefix) => key.startsWith(prefix));
  const byField = new Map<string, { name: NamePath; errors: string[] }>();
  const unplaced: string[] = [];

  for (const fieldError of problem.errors ?? []) {
    const name = fieldPath(fieldError.field);
    const key = name.join('.');
    if (form === undefined || name.length === 0 || !isKnown(key)) {
      unplaced.push(fieldError.message);
      continue;
    }
    const entry = byField.get(key) ?? { name, errors: [] };
    entry.errors.push(fieldError.message);
    byField.set(key, entry);
  }

  if (form !== undefined && byField.size > 0) form.setFields([...byField.values()]);

  // When every error sits on its field the form says it all; otherwise say
  // what the problem is, with the errors that have no field to sit on.
  if (byField.size === 0 || unplaced.length > 0) {
    const summary = byField.size > 0 ? problem.title : (problem.detail ?? problem.title);
    notify([summary, ...unplaced].join('；'));
  }
  return byField.size > 0;
}
