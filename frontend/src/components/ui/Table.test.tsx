import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { windowWidth } from '@/test/media';
import { renderWithProviders } from '@/test/render';

import { BREAKPOINTS } from './responsive';
import { Table, type TableColumns } from './Table';

interface Row {
  id: number;
  name: string;
  amount: string;
}

const rows: Row[] = [
  { id: 1, name: '焊缝识别技术开发合同', amount: '1,000,000.00' },
  { id: 2, name: '高分子材料改性合同', amount: '250,000.00' },
];
const columns: TableColumns<Row> = [
  { key: 'name', title: '合同名称', dataIndex: 'name' },
  { key: 'amount', title: '合同金额', render: (_, row) => `${row.amount} 元` },
];

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Table', () => {
  it('is a table on a wide screen', () => {
    windowWidth(1440);
    renderWithProviders(<Table<Row> rowKey="id" columns={columns} dataSource={rows} />);
    expect(document.querySelector('.ant-table')).not.toBeNull();
    expect(screen.queryByTestId('table-card')).not.toBeInTheDocument();
  });

  it('shows each row as a card of titles and values below md, so a phone never scrolls sideways', () => {
    windowWidth(BREAKPOINTS.md - 378); // 390 px
    renderWithProviders(<Table<Row> rowKey="id" columns={columns} dataSource={rows} />);
    expect(document.querySelector('.ant-table')).toBeNull();
    const cards = screen.getAllByTestId('table-card');
    expect(cards).toHaveLength(2);
    expect(within(cards[0]!).getByText('合同名称')).toBeInTheDocument();
    expect(within(cards[0]!).getByText('焊缝识别技术开发合同')).toBeInTheDocument();
    expect(within(cards[1]!).getByText('250,000.00 元')).toBeInTheDocument();
  });

  it('keeps a table with a totals row a table on a phone', () => {
    windowWidth(390);
    renderWithProviders(<Table<Row> rowKey="id" columns={columns} dataSource={rows} pagination={false} summary={() => <Table.Summary.Row />} />);
    expect(document.querySelector('.ant-table')).not.toBeNull();
  });
});
