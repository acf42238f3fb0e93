import { useSyncExternalStore } from 'react';

/** antd's breakpoints (px): a screen is "below md" when narrower than 768 px. */
export const BREAKPOINTS = { sm: 576, md: 768, lg: 992, xl: 1200 } as const;
export type Breakpoint = keyof typeof BREAKPOINTS;

function query(breakpoint: Breakpoint): string {
  return `(max-width: ${BREAKPOINTS[breakpoint] - 0.02}px)`;
}

/**
 * True while the window is narrower than the breakpoint: `useBelow('md')` on a phone.
 * Read from matchMedia synchronously, so the first render already has the right layout
 * (antd's Grid.useBreakpoint answers only after an effect).
 */
export function useBelow(breakpoint: Breakpoint): boolean {
  const media = query(breakpoint);
  return useSyncExternalStore(
    (onChange) => {
      const list = window.matchMedia(media);
      list.addEventListener('change', onChange);
      return () => list.removeEventListener('change', onChange);
    },
    () => window.matchMedia(media).matches,
    () => false,
  );
}
