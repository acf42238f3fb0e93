import type { FieldNode, FieldRef } from '@/api/types';
import { useLocale } from '@/i18n';

/** A field's name in the current language. */
export function useFieldName(): (field: Pick<FieldRef, 'name_zh' | 'name_en'>) => string {
  const { locale } = useLocale();
  return (field) => (locale === 'zh-CN' ? field.name_zh : field.name_en);
}

/** Find a field (or sub-field) of the taxonomy tree by id. */
export function findField(tree: readonly FieldNode[], id: number): FieldNode | undefined {
  for (const node of tree) {
    if (node.id === id) return node;
    const child = findField(node.children ?? [], id);
    if (child !== undefined) return child;
  }
  return undefined;
}
