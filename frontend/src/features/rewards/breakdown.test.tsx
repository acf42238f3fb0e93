import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { makeClaim } from '@/test/fixtures';
import { renderWithProviders } from '@/test/render';

import { BreakdownTable } from './BreakdownTable';

describe('the claim breakdown’s year so far', () => {
  it('shows what was awarded and what is pending apart, each saying what it counts', () => {
    const breakdown = { ...makeClaim().breakdown, already_this_year: '30000.00', awarded_this_year: '15000.00', pending_this_year: '12000.00' };
    renderWithProviders(<BreakdownTable breakdown={breakdown} />);
    expect(screen.getByTestId('breakdown-awarded')).toHaveTextContent('15,000.00');
    expect(screen.getByTestId('breakdown-pending')).toHaveTextContent('12,000.00');
    expect(screen.getByRole('img', { name: /已批准或已发放/ })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: /尚在审核中/ })).toBeInTheDocument();
    // What the cap reserved is named for what it is, not as rewards obtained.
    expect(screen.getByText('年度上限已占用')).toBeInTheDocument();
    expect(screen.getByText('本年已获奖补')).toBeInTheDocument();
  });

  it('on a claim made before the split, shows only what the cap reserved', () => {
    const breakdown = { ...makeClaim().breakdown, already_this_year: '30000.00' };
    renderWithProviders(<BreakdownTable breakdown={breakdown} />);
    expect(screen.queryByTestId('breakdown-awarded')).toBeNull();
    expect(screen.queryByText('本年已获奖补')).toBeNull();
    expect(screen.getByText('年度上限已占用')).toBeInTheDocument();
  });
});

describe('the claim breakdown’s policy', () => {
  it('is named in words with its version, not by its internal key', () => {
    renderWithProviders(<BreakdownTable breakdown={makeClaim().breakdown} />);
    expect(screen.getByText('福州市技术经纪人奖补政策（第 1 版）')).toBeInTheDocument();
    expect(screen.queryByText(/default/)).toBeNull();
  });

  it('falls back to the key on a claim made before names were kept', () => {
    renderWithProviders(<BreakdownTable breakdown={{ ...makeClaim().breakdown, policy_name: null }} />);
    expect(screen.getByText('default（第 1 版）')).toBeInTheDocument();
  });
});
