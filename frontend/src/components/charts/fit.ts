import type { ChartOption } from './types';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Every chart laid out to fit a phone as well as a desk: the legend on its own line at the
 * top (scrolling sideways when it is long), the plot below it with room for its axis labels
 * (`containLabel`), so neither covers the other; no animation when the system asks for less
 * motion.
 */
export function fitOption(option: ChartOption, reducedMotion: boolean): ChartOption {
  const legend = isRecord(option.legend) ? { type: 'scroll', top: 0, left: 'center', ...option.legend } : option.legend;
  const grid = isRecord(option.grid) ? { ...option.grid, left: 8, right: 16, bottom: 8, top: legend === undefined ? 16 : 48, containLabel: true } : option.grid;
  return { ...option, legend, grid, animation: reducedMotion ? false : option.animation };
}
