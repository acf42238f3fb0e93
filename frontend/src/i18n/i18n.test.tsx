import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { LanguageSwitch } from '@/components/layout/LanguageSwitch';
import { renderWithProviders } from '@/test/render';

import { CATALOGUE_PARTS } from './catalogues';
import { enUS } from './en-US';
import { LOCALE_STORAGE_KEY } from './storage';
import { formatMessage } from './translate';
import type { MessageKey } from './types';
import { useT } from './useT';
import { SHELL_KEYS, zhCN } from './zh-CN';

function Probe() {
  const t = useT();
  return (
    <>
      <h1>{t('nav.home')}</h1>
      <p>{t('workspace.welcome', { name: 'Li' })}</p>
      <LanguageSwitch />
    </>
  );
}

describe('useT', () => {
  it('renders zh-CN by default and switches to en-US with the header toggle', async () => {
    const user = userEvent.setup({ delay: null });
    renderWithProviders(<Probe />);

    expect(screen.getByRole('heading')).toHaveTextContent('首页');
    expect(screen.getByText('欢迎，Li')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: '切换语言' }));

    expect(screen.getByRole('heading')).toHaveTextContent('Home');
    expect(screen.getByText('Welcome, Li')).toBeInTheDocument();
    expect(window.localStorage.getItem(LOCALE_STORAGE_KEY)).toBe('en-US');
    expect(document.documentElement.lang).toBe('en-US');

    await user.click(screen.getByRole('button', { name: 'Switch language' }));
    expect(screen.getByRole('heading')).toHaveTextContent('首页');
    expect(window.localStorage.getItem(LOCALE_STORAGE_KEY)).toBe('zh-CN');
  });

  it('starts in the language stored by an earlier visit', () => {
    window.localStorage.setItem(LOCALE_STORAGE_KEY, 'en-US');
    renderWithProviders(<Probe />);
    expect(screen.getByRole('heading')).toHaveTextContent('Home');
  });

  it('ignores a stored value that is not a locale', () => {
    window.localStorage.setItem(LOCALE_STORAGE_KEY, 'fr-FR');
    renderWithProviders(<Probe />);
    expect(screen.getByRole('heading')).toHaveTextContent('首页');
  });
});

describe('catalogues', () => {
  const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

  it('use the same placeholders in every language', () => {
    for (const key of Object.keys(zhCN) as MessageKey[]) {
      expect({ key, placeholders: placeholders(enUS[key]) }).toEqual({ key, placeholders: placeholders(zhCN[key]) });
    }
  });

  it('never define a key twice (a later part would silently win)', () => {
    const seen = new Map<string, string>(SHELL_KEYS.map((key) => [key, 'shell']));
    const duplicates: string[] = [];
    for (const [part, messages] of Object.entries(CATALOGUE_PARTS)) {
      for (const key of Object.keys(messages)) {
        const first = seen.get(key);
        if (first !== undefined) duplicates.push(`${key} (${first}, ${part})`);
        seen.set(key, part);
      }
    }
    expect(duplicates).toEqual([]);
  });

  it('have no empty message', () => {
    for (const catalogue of [zhCN, enUS]) {
      expect(Object.entries(catalogue).filter(([, text]) => text.trim() === '')).toEqual([]);
    }
  });

  it('formats placeholders and leaves unknown ones visible', () => {
    expect(formatMessage('{a} / {b}', { a: 1 })).toBe('1 / {b}');
  });
});
