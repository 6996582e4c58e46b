/**
 * Mnemo's Mantine theme: indigo, with the colours Mantine leaves below WCAG AA (4.5:1 for
 * text) moved just far enough to pass in both schemes, and close buttons that say what
 * they close.
 */
import {
  type CSSVariablesResolver,
  createTheme,
  darken,
  luminance,
  type MantineColorsTuple,
} from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'indigo',
  // Filled buttons and badges carry white text: shade 6 of indigo gives 4.3:1, shade 7 5.0:1.
  primaryShade: { light: 7, dark: 8 },
  defaultRadius: 'md',
  // Someone who asked for less motion gets none: also what lets a scan see a settled dialog.
  respectReducedMotion: true,
  components: {
    // Plain objects, not Modal.extend(…): that would put these components in the first script.
    Modal: { defaultProps: { closeButtonProps: { 'aria-label': 'Close dialog' } } },
    Drawer: { defaultProps: { closeButtonProps: { 'aria-label': 'Close panel' } } },
    Notification: { defaultProps: { closeButtonProps: { 'aria-label': 'Close notification' } } },
  },
});

const WHITE = '#ffffff';
/** WCAG AA for normal-sized text. */
const AA = 4.5;

/** WCAG contrast ratio of two opaque colours. */
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Halfway between two #rrggbb colours. */
function between(a: string, b: string): string {
  const channel = (hex: string, i: number) => Number.parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16);
  return `#${[0, 1, 2]
    .map((i) => Math.round((channel(a, i) + channel(b, i)) / 2))
    .map((c) => c.toString(16).padStart(2, '0'))
    .join('')}`;
}

/**
 * Filled buttons, badges and coloured text use the scheme's primary shade; where white
 * text on it (or it on white) falls below AA (red.7 3.8:1, teal.8 4.0:1), the first
 * darker shade that passes. Colours where none does (yellow, lime) keep Mantine's.
 */
function filledShades(name: string, shades: MantineColorsTuple, from: number): Record<string, string> {
  const shade = [from, 8, 9].find((i) => i >= from && contrast(shades[i] as string, WHITE) >= AA);
  if (shade === undefined || shade === from) return {};
  return {
    [`--mantine-color-${name}-filled`]: `var(--mantine-color-${name}-${shade})`,
    [`--mantine-color-${name}-filled-hover`]: `var(--mantine-color-${name}-${Math.min(shade + 1, 9)})`,
  };
}

/**
 * The light variant in the light scheme: shade 9 text on shade 1, hovering to halfway
 * between shades 1 and 2 (shade 2 leaves indigo at 4.3:1), the text darkened where even
 * that is not enough (teal.9 on teal.1 is 4.3:1).
 */
function lightVariant(name: string, shades: MantineColorsTuple): Record<string, string> {
  const hover = between(shades[1], shades[2]);
  let text = shades[9];
  for (let amount = 0.05; contrast(text, hover) < AA && amount < 0.5; amount += 0.05) {
    text = darken(shades[9], amount);
  }
  return {
    [`--mantine-color-${name}-light-hover`]: hover,
    [`--mantine-color-${name}-light-color`]: text,
  };
}

const isHexTuple = (shades: readonly string[]) => shades.every((shade) => /^#[0-9a-f]{6}$/i.test(shade));

/**
 * Per-scheme colours on top of Mantine's own (which this adds to, not replaces), each at
 * least 4.5:1 against the backgrounds it is shown on, also striped, hovered and selected
 * rows: dimmed text (Mantine's gray.6 on white is 3.3:1, dark.2 on dark.7 4.0:1),
 * placeholders (2.1:1 and 2.5:1), filled and light variants (above), and a focus ring that
 * stands out in the dark (the filled indigo is 2.9:1 against dark.7; indigo.4 is 5.5:1).
 */
export const cssVariablesResolver: CSSVariablesResolver = (resolved) => {
  const light: Record<string, string> = {
    '--mantine-color-dimmed': '#5c636b',
    '--mantine-color-placeholder': '#687078',
    '--mnemo-focus-ring': 'var(--mantine-color-indigo-7)',
    // A field's error text and the required mark: red.6 on white is 3.3:1, red.9 5.4:1.
    '--mantine-color-error': 'var(--mantine-color-red-9)',
  };
  const dark: Record<string, string> = {
    '--mantine-color-dimmed': '#a9a9a9',
    '--mantine-color-placeholder': '#9a9a9a',
    '--mnemo-focus-ring': 'var(--mantine-color-indigo-4)',
    // red.8 on dark.7 is 3.3:1; red.4 passes.
    '--mantine-color-error': 'var(--mantine-color-red-4)',
  };
  const primaryShade = resolved.primaryShade as { light: number; dark: number };
  for (const [name, shades] of Object.entries(resolved.colors) as [string, MantineColorsTuple][]) {
    if (name === 'dark' || !isHexTuple(shades)) continue;
    Object.assign(light, filledShades(name, shades, primaryShade.light), lightVariant(name, shades));
    Object.assign(dark, filledShades(name, shades, primaryShade.dark));
  }
  return { variables: {}, light, dark };
};
