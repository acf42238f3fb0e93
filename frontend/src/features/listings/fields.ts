import type { FieldNode, FieldRef } from '@/api/types';
import { useFieldTree } from '@/hooks/queries/listings';
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

function byCode(tree: readonly FieldNode[], into = new Map<string, FieldNode>()): Map<string, FieldNode> {
  for (const node of tree) {
    into.set(node.code, node);
    byCode(node.children ?? [], into);
  }
  return into;
}

/** A taxonomy code ("materials.polymers") in words, in the current language; text that is
 *  not a code (a broker's own words for a field) comes back as it is. */
export function useFieldCodeName(): (code: string) => string {
  const tree = useFieldTree();
  const name = useFieldName();
  const codes = byCode(tree.data ?? []);
  return (code) => {
    const node = codes.get(code);
    return node === undefined ? code : name(node);
  };
}
