// A cut of the overview as the arguments "Select top style-consistent examples" takes (the same arguments a
// keybinding or a test passes), so that "Export this cut" runs that command's code and report. Pure.
import type { Cut } from '../../core/overview';

export function selectionArgs(cut: Cut): { criterion: 'threshold' | 'top-k' | 'ratio'; value: number } {
  if (cut.mode === 'threshold') return { criterion: 'threshold', value: cut.value };
  if (cut.mode === 'top-k') return { criterion: 'top-k', value: Math.round(cut.value) };
  return { criterion: 'ratio', value: cut.value / 100 };
}
