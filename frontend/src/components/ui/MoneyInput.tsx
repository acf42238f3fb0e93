import { InputNumber, type InputNumberProps } from 'antd';

import { useT } from '@/i18n';

export type MoneyInputProps = Omit<InputNumberProps<string>, 'stringMode' | 'precision' | 'onChange' | 'value'> & {
  /** Yuan as a decimal string, as the API carries money (never a float). */
  value?: string | null;
  onChange?: (value: string | null) => void;
};

/** Yuan to the fen, kept as a decimal string end to end. */
export function MoneyInput({ value, onChange, min = '0', ...props }: MoneyInputProps) {
  const t = useT();
  return (
    <InputNumber<string>
      stringMode
      precision={2}
      min={min}
      step="1000"
      suffix={t('money.yuan')}
      style={{ width: '100%' }}
      value={value ?? null}
      onChange={(next) => onChange?.(next === null || next === '' ? null : next)}
      {...props}
    />
  );
}
