import { vi } from 'vitest';

/** A window `width` px wide, as far as matchMedia's max-width queries go (jsdom has no layout). */
export function windowWidth(width: number): void {
  vi.spyOn(window, 'matchMedia').mockImplementation((query: string) => {
    const max = /max-width:\s*([\d.]+)px/.exec(query);
    const list = {
      matches: max !== null && width <= Number(max[1]),
      media: query,
      onchange: null,
      addEventListener: vi.fn(),
      removeEventListener: vi.fn(),
      dispatchEvent: vi.fn(),
    };
    return list as unknown as MediaQueryList;
  });
}
