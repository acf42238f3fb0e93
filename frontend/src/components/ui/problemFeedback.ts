import type { FormInstance } from 'antd';

import { ApiError, fieldPath } from '@/api/problem';
import type { Translate } from '@/i18n';
import { localiseServerText } from '@/i18n/serverText';

type NamePath = (string | number)[];

export interface ProblemFeedbackTarget {
  /** Where field errors go (the first is scrolled into view, clear of the sticky header);
   *  without a form every error is shown as a message. */
  form?: Pick<FormInstance, 'setFields'> & Partial<Pick<FormInstance, 'scrollToField'>>;
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
 * a translated message. Every text is in the UI's language (the server writes both),
 * and no internal field path ("ip_items.0.number") reaches the reader. Returns true when
 * at least one field got an error.
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
    const text = localiseServerText(fieldError.message);
    if (form === undefined || name.length === 0 || !isKnown(key)) {
      unplaced.push(text);
      continue;
    }
    const entry = byField.get(key) ?? { name, errors: [] };
    entry.errors.push(text);
    byField.set(key, entry);
  }

  const placed = [...byField.values()];
  if (form !== undefined && placed.length > 0) {
    form.setFields(placed);
    const [first] = placed;
    if (first !== undefined) form.scrollToField?.(first.name, { block: 'center', focus: true });
  }

  // When every error sits on its field the form says it all; otherwise say what the
  // problem is, with the errors that have no field to sit on. A validation problem's
  // detail lists the fields by their paths: it is not for people.
  if (placed.length === 0 || unplaced.length > 0) {
    const hasFieldErrors = (problem.errors ?? []).length > 0;
    const summary = hasFieldErrors
      ? placed.length > 0
        ? t('error.invalid.fieldsMarked')
        : t('error.invalid.title')
      : localiseServerText(problem.detail ?? problem.title);
    notify([summary, ...unplaced].join(t('error.separator')));
  }
  return placed.length > 0;
}
