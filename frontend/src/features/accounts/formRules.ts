import type { FormRule } from '@/components/ui';
import type { Translate } from '@/i18n';
import { isValidCreditCode } from '@/lib/creditCode';

export function required(t: Translate, field: string): FormRule {
  return { required: true, whitespace: true, message: t('form.required', { field }) };
}

/** 统一社会信用代码: well-formed and its GB 32100-2015 check character matches. Empty is left to `required`. */
export function creditCodeRule(t: Translate): FormRule {
  return {
    validator: (_rule, value: unknown) =>
      typeof value !== 'string' || value === '' || isValidCreditCode(value)
        ? Promise.resolve()
        : Promise.reject(new Error(t('register.creditCode.invalid'))),
  };
}
