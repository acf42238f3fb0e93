import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { Divider } from '@/components/ui';
import { renderWithProviders } from '@/test/render';

describe('the app providers', () => {
  it('let a titled divider wrap, so a long English title stays on a 390 px screen', () => {
    renderWithProviders(<Divider orientation="left">Directors, supervisors and senior managers (optional)</Divider>, { locale: 'en-US' });

    const divider = screen.getByRole('separator');
    expect(divider).toHaveStyle({ whiteSpace: 'normal' });
  });
});
