import type { FormRule } from '@/components/ui';
import type { Translate } from '@/i18n';
import { isValidCreditCode } from '@/lib/creditCode';
import { isValidResidentId } from '@/lib/residentId';

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

/** 居民身份证号码: 18 characters with a matching GB 11643 check character. Empty is left to `required`. */
export function residentIdRule(t: Translate): FormRule {
  return {
    validator: (_rule, value: unknown) =>
      typeof value !== 'string' || value === '' || isValidResidentId(value)
        ? Promise.resolve()
        : Promise.reject(new Error(t('register.residentId.invalid'))),
  };
}

/** At least 8 characters with letters and digits, as the server requires. */
export function passwordRules(t: Translate, field: string): FormRule[] {
  return [
    required(t, field),
    { min: 8, message: t('register.password.tooShort', { min: 8 }) },
    { pattern: /[A-Za-z]/, message: t('register.password.weak') },
    { pattern: /\d/, message: t('register.password.weak') },
  ];
}
