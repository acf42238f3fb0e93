import { useState } from 'react';

import type { BrokerName } from '@/api/types';
import { Select } from '@/components/ui';
import { useBrokerSearch } from '@/hooks/queries/accounts';
import { useT } from '@/i18n';
import { useDebounced } from '@/lib/useDebounced';

export interface BrokerPickerProps {
  value?: number;
  onChange?: (id: number | undefined, broker: BrokerName | undefined) => void;
  id?: string;
  exclude?: readonly number[];
  'aria-label'?: string;
}

/** Pick a verified broker by typing part of their name or agency (never their number). */
export function BrokerPicker({ value, onChange, exclude = [], ...props }: BrokerPickerProps) {
  const t = useT();
  const [typed, setTyped] = useState('');
  const q = useDebounced(typed, 250);
  const found = useBrokerSearch(q);
  const [chosen, setChosen] = useState<BrokerName | undefined>();
  const items = (found.data ?? []).filter((b) => !exclude.includes(b.id));
  const options = [...(chosen !== undefined && !items.some((b) => b.id === chosen.id) ? [chosen] : []), ...items];
  const label = (b: BrokerName) => `${b.display_name} · ${t(`brokerLevel.${b.level}`)} · ${b.agency_name ?? t('intake.directory.independent')}`;
  return (
    <Select<number>
      {...props}
      showSearch
      allowClear
      filterOption={false}
      value={value}
      onSearch={setTyped}
      loading={found.isFetching}
      placeholder={t('roles.brokerPicker.placeholder')}
      notFoundContent={q.trim() === '' ? t('roles.brokerPicker.type') : t('roles.brokerPicker.none')}
      onChange={(id: number | undefined) => {
        const broker = options.find((b) => b.id === id);
        setChosen(broker);
        onChange?.(id, broker);
      }}
      options={options.map((b) => ({ value: b.id, label: label(b) }))}
      style={{ width: '100%', maxWidth: 420 }}
      data-testid="broker-picker"
    />
  );
}
