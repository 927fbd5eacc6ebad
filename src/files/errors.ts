// The error of the streaming file pipeline (src/files): a message a person should read as it is, naming the file
// and, where one is at fault, the line. The `scar` CLI prints it as "scar: <message>" (exit 2); the editor's
// commands on files on disk show it in a notification.
import { t } from '../core/l10n';

export class FileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileError';
  }
}

/** "cannot read '<path>': <why>", with the common error codes in words. */
export function ioErrorMessage(path: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'ENOENT' ? t('no such file')
    : code === 'EISDIR' ? t('it is a directory')
    : code === 'EACCES' || code === 'EPERM' ? t('permission denied')
    : code === 'ENOTDIR' ? t('a part of the path is not a directory')
    : e instanceof Error ? e.message : String(e);
  return t('cannot read \'{0}\': {1}', path, why);
}

/** The message when a file changed between the pipeline's reads of it: `what` says how line `line` differs. */
export function changedWhileReading(file: string, line: number, what: 'cut short' | 'no longer parses' | 'no longer yields a pair'): FileError {
  switch (what) {
    case 'cut short': return new FileError(t('{0} changed while it was being read (line {1} is cut short)', file, line));
    case 'no longer parses': return new FileError(t('{0} changed while it was being read (line {1} no longer parses)', file, line));
    default: return new FileError(t('{0} changed while it was being read (line {1} no longer yields a pair)', file, line));
  }
}
