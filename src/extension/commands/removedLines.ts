// The side files of removed lines (`<name>.removed.jsonl`, scar.removedLinesFile "sibling"), written when the user
// saves the source document, from the removals still in effect (removalLedger.ts has the rules): the source and its
// side file on disk never hold the same line twice, whatever was undone, redone or reverted in between.
// - A command that removes lines (filter, remove duplicates) calls record() once its edit is applied.
// - Before the source is saved (onWillSaveTextDocument, so the side file is on disk before the lines leave the
//   source file), the side file gets the lines that came into effect since the last save and loses those this
//   session wrote there that are no longer in effect (an undone filter). Each update is one atomic rewrite.
// - Closing the document forgets its record: removals never saved never reach the side file (the source on disk
//   still holds those lines).
import * as fs from 'fs';
import { t } from '../../core/l10n';
import * as path from 'path';
import * as vscode from 'vscode';
import { writeFileAtomically } from '../../core/export';
import { applySideFilePlan, RemovalLedger } from './removalLedger';

interface DocumentRecord {
  sideFile: string;
  eol: string;
  ledger: RemovalLedger;
}

/** How many copies of each of `texts` the document holds, line by line. */
export function countLines(doc: vscode.TextDocument, texts: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) counts.set(text, 0);
  if (counts.size === 0) return counts;
  for (let i = 0; i < doc.lineCount; i++) {
    const text = doc.lineAt(i).text;
    const n = counts.get(text);
    if (n !== undefined) counts.set(text, n + 1);
  }
  return counts;
}

/** Rewrites `file` atomically by the plan; a file left empty is deleted (nothing was there to keep). */
async function rewriteSideFile(file: string, remove: readonly string[], append: readonly string[], eol: string): Promise<void> {
  let old = '';
  try {
    old = await fs.promises.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(t("cannot read '{0}': {1}", file, (e as Error).message));
    if (append.length === 0) return;
  }
  const text = applySideFilePlan(old, remove, append, eol);
  if (text === old) return;
  if (text.length === 0) {
    await fs.promises.unlink(file);
    return;
  }
  await writeFileAtomically(file, (w) => w.write(text));
}

export class RemovedLinesFiles implements vscode.Disposable {
  private readonly records = new Map<string, DocumentRecord>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly written = new vscode.EventEmitter<{ document: vscode.TextDocument; sideFile: string; appended: number; removed: number }>();
  /** Fires after a save updated a side file (for tests). */
  readonly onDidWrite = this.written.event;

  constructor() {
    this.subscriptions.push(
      vscode.workspace.onWillSaveTextDocument((e) => {
        const record = this.records.get(e.document.uri.toString());
        if (record && !record.ledger.empty) e.waitUntil(this.sync(e.document, record));
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => this.records.delete(doc.uri.toString())),
    );
  }

  /** The side file of a document on disk: `<dir>/<name>.removed.jsonl` (any extension is replaced). */
  static sideFileFor(fsPath: string): string {
    const ext = path.extname(fsPath);
    return path.join(path.dirname(fsPath), `${path.basename(fsPath, ext)}.removed.jsonl`);
  }

  /**
   * Records lines just removed from `doc` (a document on disk), to go to its side file at the next save.
   * `countsBefore` holds how many copies of each removed line the document had before the edit (countLines).
   */
  record(doc: vscode.TextDocument, removed: readonly string[], countsBefore: ReadonlyMap<string, number>): string {
    const key = doc.uri.toString();
    let record = this.records.get(key);
    if (!record) {
      record = { sideFile: RemovedLinesFiles.sideFileFor(doc.uri.fsPath), eol: '\n', ledger: new RemovalLedger() };
      this.records.set(key, record);
    }
    record.eol = doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    record.ledger.record(removed, (t) => countsBefore.get(t) ?? 0);
    return record.sideFile;
  }

  private async sync(doc: vscode.TextDocument, record: DocumentRecord): Promise<void> {
    const counts = countLines(doc, record.ledger.texts());
    const plan = record.ledger.planFor((t) => counts.get(t) ?? 0);
    if (plan.append.length === 0 && plan.remove.length === 0) return;
    try {
      await rewriteSideFile(record.sideFile, plan.remove, plan.append, record.eol);
      plan.commit();
      this.written.fire({ document: doc, sideFile: record.sideFile, appended: plan.append.length, removed: plan.remove.length });
    } catch (e) {
      void vscode.window.showErrorMessage(
        t('SCAR Lens: could not update {0} ({1}); the removed lines are not in it. Undo in {2} still brings them back.', path.basename(record.sideFile), (e as Error).message, path.basename(doc.uri.fsPath)),
      );
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.written.dispose();
    this.records.clear();
  }
}
