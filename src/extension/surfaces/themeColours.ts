// Which theme colour (package.json contributes.colors) each decoration draws with, in one pure place, so that the
// decorations use them and a unit test (test/unit/themeColours.test.ts) checks their contrast (WCAG 2.1 AA) against
// the editor background of VS Code's default themes:
// - badge text (a foreground on its badge background, composited over the editor background): 4.5:1 (SC 1.4.3);
// - overview-ruler marks and gutter icons (media/band-*.svg, one colour for every theme): 3:1 against the editor
//   background (SC 1.4.11, non-text contrast).
export type DecorationKind = 'high' | 'mid' | 'low' | 'problem' | 'pending';

/** The foreground (text) and background colour ids of each kind of badge. */
export const BADGE_COLOURS: Readonly<Record<DecorationKind, { readonly foreground: string; readonly background: string }>> = {
  high: { foreground: 'scar.band.high.foreground', background: 'scar.band.high.background' },
  mid: { foreground: 'scar.band.mid.foreground', background: 'scar.band.mid.background' },
  low: { foreground: 'scar.band.low.foreground', background: 'scar.band.low.background' },
  problem: { foreground: 'scar.problem.foreground', background: 'scar.band.mid.background' },
  pending: { foreground: 'scar.band.mid.foreground', background: 'scar.band.mid.background' },
};

/** The overview-ruler marks' colour ids (non-text marks). */
export const RULER_COLOURS = { low: 'scar.band.low.foreground', problem: 'scar.problem.foreground' } as const;

/** The gutter icon of each kind that has one, a file in media/ (non-text marks; their colours are in the SVG). */
export const GUTTER_ICONS: Readonly<Partial<Record<DecorationKind, string>>> = {
  high: 'band-high.svg',
  mid: 'band-mid.svg',
  low: 'band-low.svg',
  problem: 'band-problem.svg',
};
