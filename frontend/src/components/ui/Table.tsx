import { Card, Collapse, Descriptions, List, Table as AntTable, type TableColumnType, type TableProps as AntTableProps } from 'antd';
import { isValidElement, type Key, type ReactNode } from 'react';

import { useT } from '@/i18n';

import { EmptyState } from './EmptyState';
import { useBelow } from './responsive';

export type { TableColumnsType as TableColumns } from 'antd';

export type TableProps<Row extends object> = Omit<AntTableProps<Row>, 'rowKey'> & {
  /** Required: rows are keyed by a stable id, never by index. */
  rowKey: Extract<keyof Row, string> | ((row: Row) => string | number);
};

const PAGE_SIZE = 20;

function keyOf<Row extends object>(rowKey: TableProps<Row>['rowKey'], row: Row): Key {
  if (typeof rowKey === 'function') return rowKey(row);
  return row[rowKey] as Key;
}

function valueAt(row: object, dataIndex: unknown): unknown {
  if (dataIndex === undefined || dataIndex === null) return undefined;
  const path = Array.isArray(dataIndex) ? (dataIndex as (string | number)[]) : [dataIndex as string | number];
  let value: unknown = row;
  for (const part of path) value = value === null || typeof value !== 'object' ? undefined : (value as Record<string | number, unknown>)[part];
  return value;
}

/** What a column shows for a row, as antd would put it in the cell. */
function cellOf<Row extends object>(column: TableColumnType<Row>, row: Row, index: number): ReactNode {
  const value = valueAt(row, column.dataIndex);
  if (column.render === undefined) return value === undefined || value === null ? null : (value as ReactNode);
  const rendered = column.render(value, row, index);
  if (rendered !== null && typeof rendered === 'object' && !isValidElement(rendered) && 'children' in rendered) return rendered.children;
  return rendered as ReactNode;
}

/** Leaf columns (a column group's children in order). */
function leaves<Row extends object>(columns: AntTableProps<Row>['columns']): TableColumnType<Row>[] {
  return (columns ?? []).flatMap((column) => ('children' in column ? leaves<Row>(column.children) : [column]));
}

/** Below md each row is a card: the columns' titles beside what the table would show. */
function RowCards<Row extends object>({ columns, dataSource, rowKey, loading, pagination, locale, expandable }: TableProps<Row>) {
  const t = useT();
  const shown = leaves(columns);
  const emptyText = typeof locale?.emptyText === 'function' ? locale.emptyText() : locale?.emptyText;
  // antd's List takes one position, not the table's list of them: leave it at its default.
  const paging = pagination === false || pagination === undefined ? {} : { ...pagination, position: undefined };
  return (
    <List<Row>
      loading={Boolean(loading)}
      dataSource={dataSource === undefined ? [] : [...dataSource]}
      rowKey={(row) => keyOf(rowKey, row)}
      locale={{ emptyText: emptyText ?? <EmptyState compact /> }}
      pagination={pagination === false ? false : { pageSize: PAGE_SIZE, size: 'small', showSizeChanger: false, ...paging, align: 'center' }}
      renderItem={(row, index) => (
        <List.Item style={{ paddingInline: 0, borderBlockEnd: 'none' }} data-testid="table-card">
          <Card size="small" style={{ width: '100%', overflowWrap: 'break-word', wordBreak: 'break-word' }}>
            <Descriptions
              size="small"
              column={1}
              colon={false}
              labelStyle={{ minWidth: 88, maxWidth: '40%' }}
              items={shown.map((column, columnIndex) => ({
                key: String(column.key ?? columnIndex),
                label: typeof column.title === 'function' ? null : column.title,
                children: cellOf(column, row, index),
              }))}
            />
            {expandable?.expandedRowRender === undefined ? null : (
              <Collapse
                ghost
                size="small"
                items={[{ key: 'more', label: t('common.details'), children: expandable.expandedRowRender(row, index, 0, true) }]}
              />
            )}
          </Card>
        </List.Item>
      )}
    />
  );
}

/**
 * A table on a wide screen; below md (phones) its rows as cards, so nothing scrolls
 * sideways. Tables with a totals row (`summary`) stay tables and scroll inside their card.
 */
export function Table<Row extends object>({ locale, pagination, scroll, ...props }: TableProps<Row>) {
  const narrow = useBelow('md');
  if (narrow && props.summary === undefined) return <RowCards<Row> locale={locale} pagination={pagination} {...props} />;
  return (
    <AntTable<Row>
      size="middle"
      locale={{ emptyText: <EmptyState compact />, ...locale }}
      pagination={pagination === false ? false : { showSizeChanger: false, pageSize: PAGE_SIZE, ...pagination }}
      scroll={scroll ?? (narrow ? { x: 'max-content' } : undefined)}
      {...props}
    />
  );
}

/** Totals rows: <Table summary={() => <Table.Summary.Row>…}>. */
Table.Summary = AntTable.Summary;
