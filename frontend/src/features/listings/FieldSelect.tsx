import type { FieldNode } from '@/api/types';
import { TreeSelect } from '@/components/ui';
import { useFieldTree } from '@/hooks/queries/listings';
import { useT } from '@/i18n';

import { useFieldName } from './fields';

interface TreeOption {
  value: number;
  title: string;
  children?: TreeOption[];
}

export interface FieldSelectProps {
  value?: number | null;
  onChange?: (value: number | null) => void;
  id?: string;
  allowClear?: boolean;
  placeholder?: string;
  'aria-label'?: string;
}

/** The industry taxonomy as a tree: pick a field or one of its sub-fields. */
export function FieldSelect({ value, onChange, allowClear = false, placeholder, ...props }: FieldSelectProps) {
  const t = useT();
  const fields = useFieldTree();
  const name = useFieldName();
  const toOption = (node: FieldNode): TreeOption => ({
    value: node.id,
    title: name(node),
    children: node.children?.filter((child) => child.active).map(toOption),
  });
  return (
    <TreeSelect<number>
      {...props}
      value={value ?? undefined}
      onChange={(next: number | undefined) => onChange?.(next ?? null)}
      treeData={(fields.data ?? []).filter((node) => node.active).map(toOption)}
      loading={fields.isPending}
      allowClear={allowClear}
      showSearch
      treeNodeFilterProp="title"
      placeholder={placeholder ?? t('listing.field.placeholder')}
      style={{ width: '100%' }}
      notFoundContent={fields.isError ? t('error.load.title') : undefined}
    />
  );
}
