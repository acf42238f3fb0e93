import { App } from 'antd';
import { useCallback } from 'react';

import { useT } from '@/i18n';

import { applyProblem, type ProblemFeedbackTarget } from './problemFeedback';

/** antd's context-aware message API (themed and localised, unlike the static one). */
export function useMessage() {
  return App.useApp().message;
}

/**
 * const showError = useShowError();
 * useLogin().mutate(values, { onError: (e) => showError(e, { form, fields: ['username', 'password'] }) });
 */
export function useShowError() {
  const { message } = App.useApp();
  const t = useT();
  return useCallback(
    (error: unknown, target: Omit<ProblemFeedbackTarget, 'notify' | 't'> = {}) =>
      applyProblem(error, {
        ...target,
        t,
        notify: (text) => {
          void message.error(text);
        },
      }),
    [message, t],
  );
}
