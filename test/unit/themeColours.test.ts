// WCAG 2.1 AA contrast of SCAR Lens's theme colours against the editor background of VS Code's default themes:
// Light Modern (#FFFFFF), Dark Modern (#1F1F1F), High Contrast (#000000) and High Contrast Light (#FFFFFF).
// - Badge text: its foreground over its badge background, itself composited over the editor background: at least
//   4.5:1 (SC 1.4.3, text). Every foreground declared in package.json is drawn as badge text.
// - Overview-ruler marks and gutter icons: at least 3:1 against the editor background (SC 1.4.11, non-text).
// Contrast is (L1 + 0.05) / (L2 + 0.05) of the WCAG relative luminances; a colour with alpha is composited over
// what is under it first (as the editor draws it).
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { BADGE_COLOURS, GUTTER_ICONS, RULER_COLOURS } from '../../src/extension/surfaces/themeColours';
import { repoRoot } from '../util/paths';

type Rgba = [number, number, number, number];
type ThemeKind = 'light' | 'dark' | 'highContrast' | 'highContrastLight';

const EDITOR_BACKGROUNDS: Record<ThemeKind, string> = {
  light: '#FFFFFF', // Light Modern
  dark: '#1F1F1F', // Dark Modern
  highContrast: '#000000',
  highContrastLight: '#FFFFFF',
};
const THEMES = Object.keys(EDITOR_BACKGROUNDS) as ThemeKind[];
const TEXT_MIN = 4.5;
const NON_TEXT_MIN = 3;

function parseHex(hex: string): Rgba {
  const m = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(hex);
  assert.ok(m, `not a #RGB, #RGBA, #RRGGBB or #RRGGBBAA colour: ${hex}`);
  let h = m[1];
  if (h.length <= 4) h = [...h].map((c) => c + c).join('');
  const byte = (i: number): number => parseInt(h.slice(i, i + 2), 16) / 255;
  return [byte(0), byte(2), byte(4), h.length === 8 ? byte(6) : 1];
}

/** `top` drawn over the opaque `under`. */
function over(top: Rgba, under: Rgba): Rgba {
  const a = top[3];
  return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat(1) as Rgba;
}

/** WCAG 2.1 relative luminance of an opaque sRGB colour. */
function luminance(c: Rgba): number {
  const lin = (v: number): number => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
}

function contrast(a: Rgba, b: Rgba): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

interface ColourContribution { id: string; defaults: Record<ThemeKind, string> }
const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { contributes: { colors: ColourContribution[] } };
const declared = new Map(pkg.contributes.colors.map((c) => [c.id, c.defaults]));

function colourIn(id: string, theme: ThemeKind): string {
  const defaults = declared.get(id);
  assert.ok(defaults, `${id} is not declared in package.json contributes.colors`);
  assert.ok(defaults[theme], `${id} has no ${theme} default`);
  return defaults[theme];
}

describe('theme colours (WCAG 2.1 AA against the default themes)', () => {
  it('computes contrast as WCAG defines it', () => {
    assert.equal(contrast(parseHex('#000000'), parseHex('#FFFFFF')), 21);
    assert.equal(contrast(parseHex('#777777'), parseHex('#777777')), 1);
    // Reference values (WebAIM's checker): #767676 on white is 4.54, #777777 on white 4.48.
    assert.equal(contrast(parseHex('#767676'), parseHex('#FFFFFF')).toFixed(2), '4.54');
    assert.equal(contrast(parseHex('#777777'), parseHex('#FFFFFF')).toFixed(2), '4.48');
    // Alpha: black at 50% over white is #808080 (to the rounding of a byte).
    assert.ok(Math.abs(over(parseHex('#00000080'), parseHex('#FFFFFF'))[0] - 0x7f / 255) < 0.003);
  });

  it('every declared foreground is drawn as badge text, and every colour a decoration uses is declared', () => {
    const textColours = new Set(Object.values(BADGE_COLOURS).map((c) => c.foreground));
    for (const id of declared.keys()) {
      if (id.endsWith('.foreground')) assert.ok(textColours.has(id), `${id} is declared but no badge draws text with it`);
    }
    const used = [...Object.values(BADGE_COLOURS).flatMap((c) => [c.foreground, c.background]), ...Object.values(RULER_COLOURS)];
    for (const id of used) assert.ok(declared.has(id), `${id} is used but not declared`);
  });

  it(`badge text is at least ${TEXT_MIN}:1 against its badge, over the editor background, in every default theme`, () => {
    const failures: string[] = [];
    for (const [kind, { foreground, background }] of Object.entries(BADGE_COLOURS)) {
      for (const theme of THEMES) {
        const editor = parseHex(EDITOR_BACKGROUNDS[theme]);
        const badge = over(parseHex(colourIn(background, theme)), editor);
        const text = over(parseHex(colourIn(foreground, theme)), badge);
        const ratio = contrast(text, badge);
        if (ratio < TEXT_MIN) failures.push(`${kind} badge in ${theme}: ${colourIn(foreground, theme)} on ${colourIn(background, theme)} over ${EDITOR_BACKGROUNDS[theme]} is ${ratio.toFixed(2)}:1`);
      }
    }
    assert.deepEqual(failures, []);
  });

  it(`overview-ruler marks are at least ${NON_TEXT_MIN}:1 against the editor background in every default theme`, () => {
    const failures: string[] = [];
    for (const [kind, id] of Object.entries(RULER_COLOURS)) {
      for (const theme of THEMES) {
        const editor = parseHex(EDITOR_BACKGROUNDS[theme]);
        const ratio = contrast(over(parseHex(colourIn(id, theme)), editor), editor);
        if (ratio < NON_TEXT_MIN) failures.push(`${kind} ruler mark in ${theme}: ${ratio.toFixed(2)}:1`);
      }
    }
    assert.deepEqual(failures, []);
  });

  it(`gutter icons (one colour for every theme) are at least ${NON_TEXT_MIN}:1 against the editor background in every default theme`, () => {
    const failures: string[] = [];
    for (const [kind, file] of Object.entries(GUTTER_ICONS)) {
      const svg = fs.readFileSync(path.join(repoRoot, 'media', file!), 'utf8');
      const colours = [...svg.matchAll(/(?:fill|stroke)="(#[0-9a-fA-F]{3,8})"/g)].map((m) => m[1]);
      assert.ok(colours.length > 0, `${file} draws with no #hex fill or stroke`);
      assert.doesNotMatch(svg, /(?:fill|stroke)="(?!#|none)/, `${file}: colours must be #hex (or none) to be checked`);
      for (const c of new Set(colours)) {
        for (const theme of THEMES) {
          const editor = parseHex(EDITOR_BACKGROUNDS[theme]);
          const ratio = contrast(over(parseHex(c), editor), editor);
          if (ratio < NON_TEXT_MIN) failures.push(`${kind} gutter icon ${file} (${c}) in ${theme}: ${ratio.toFixed(2)}:1`);
        }
      }
    }
    assert.deepEqual(failures, []);
  });
});
