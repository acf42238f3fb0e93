import { Table as AntTable, type TableProps as AntTableProps } from 'antd';

import { EmptyState } from './EmptyState';

export type { TableColumnsType as TableColumns } from 'antd';

export type TableProps<Row extends object> = Omit<AntTableProps<Row>, 'rowKey'> & {
  /** Required: rows are keyed by a stable id, never by index. */
  rowKey: Extract<keyof Row, string> | ((row: Row) => string | number);
};

export function Table<Row extends object>({ locale, pagination, ...props }: TableProps<Row>) {
  return (
    <AntTable<Row>
      size="middle"
      locale={{ emptyText: <EmptyState compact />, ...locale }}
      pagination={pagination === false ? false : { showSizeChanger: false, pageSize: 20, ...pagination }}
      {...props}
    />
  );
}

/** Totals rows: <Table summary={() => <Table.Summary.Row>…}>. */
Table.Summary = AntTable.Summary;
