// "SCAR: Choose Ranker Model…" (scar.chooseModel): a quick pick of the bundled ranker, the folder in use, recently
// chosen folders and "Browse for a folder…", each with its model card (the item's detail; its button opens the card).
// The choice is written to the machine-scoped scar.modelPath in the user's settings (never the workspace's); the
// engine then loads the new model and the open files are scored again (scoringService.ts and liveScorer.ts follow the
// setting). A folder is checked before it is written, so a folder with a missing piece is refused with its name.
import * as path from 'path';
import * as vscode from 'vscode';
import { describeModelFolder, inspectModelFolder } from '../../core/modelFolder';
import type { Feature } from '../context';
import { t } from '../../core/l10n';

const RECENT_KEY = 'scar.recentModelFolders';
const RECENT_MAX = 5;

type Item = vscode.QuickPickItem & { folder?: string; browse?: true; card?: string };

const CARD_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('book'), tooltip: t('Open the model card') };

/** Opens a model card: a Markdown card as a preview, anything else (scar-model.json) as a document. */
async function openCard(card: string): Promise<void> {
  const uri = vscode.Uri.file(card);
  if (card.endsWith('.md')) await vscode.commands.executeCommand('markdown.showPreview', uri);
  else await vscode.window.showTextDocument(uri, { preview: true });
}

export const registerChooseModel: Feature = (ctx) => {
  const bundledDir = path.join(ctx.extension.extensionPath, 'models');
  const recent = (): string[] => ctx.extension.globalState.get<string[]>(RECENT_KEY, []).filter((f) => typeof f === 'string');

  const itemFor = (folder: string, current: string, label?: string): Item => {
    const d = describeModelFolder(folder === '' ? bundledDir : folder);
    const inUse = folder === current;
    return {
      label: `${inUse ? '$(check) ' : ''}${label ?? d.name}`,
      description: folder === '' ? t('bundled with SCAR Lens')
        : t('{0} · {1}', d.kind === 'official' ? t('official SCAR ranker') : d.kind === 'bundled' ? t('SCAR Lens ranker') : t('not a model folder'), folder),
      detail: d.error ? `$(error) ${d.error}` : d.summary,
      folder,
      card: d.card,
      buttons: d.card ? [CARD_BUTTON] : [],
    };
  };

  /** Checks the folder and writes the setting; returns the message shown, or throws with what is wrong. */
  const use = async (folder: string): Promise<string> => {
    const abs = folder === '' ? '' : path.resolve(folder);
    if (abs !== '') inspectModelFolder(abs); // throws naming the missing piece
    const name = describeModelFolder(abs === '' ? bundledDir : abs).name;
    // Machine-scoped: only the user's settings can hold it (a workspace cannot point the extension at a file it ships).
    await vscode.workspace.getConfiguration('scar').update('modelPath', abs === '' ? undefined : abs, vscode.ConfigurationTarget.Global);
    if (abs !== '') await ctx.extension.globalState.update(RECENT_KEY, [abs, ...recent().filter((f) => f !== abs)].slice(0, RECENT_MAX));
    const effective = ctx.config.current.modelPath;
    if (effective !== abs) {
      return t("SCAR Lens: {0} is set in your user settings, but this workspace's scar.modelPath ({1}) still applies here.", name, effective || t('the bundled ranker'));
    }
    return abs === '' ? t('SCAR Lens: scoring with {0} (bundled); open files are scored again.', name)
      : t('SCAR Lens: scoring with {0} from {1}; open files are scored again.', name, abs);
  };

  /**
   * With a folder argument ('' for the bundled ranker) it switches without asking (for keybindings and tests), and
   * resolves to the folder in use; without one it asks.
   */
  const choose = async (folderArg?: unknown): Promise<string | undefined> => {
    let folder: string | undefined = typeof folderArg === 'string' ? folderArg : folderArg instanceof vscode.Uri ? folderArg.fsPath : undefined;
    if (folder === undefined) {
      const current = ctx.config.current.modelPath;
      const items: Item[] = [itemFor('', current, t('Bundled ranker'))];
      const others = [current, ...recent()].filter((f, i, all) => f !== '' && all.indexOf(f) === i);
      for (const f of others) items.push(itemFor(f, current));
      items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
      items.push({ label: t('$(folder-opened) Browse for a folder…'), detail: t('A SCAR Lens ranker (ranker.onnx + featuriser.json) or an official SCAR ranker exported by training/export_official_scar.py (scar-model.json + tokenizer.json + its ONNX file)'), browse: true });
      const picked = await new Promise<Item | undefined>((resolve) => {
        const qp = vscode.window.createQuickPick<Item>();
        qp.title = t('SCAR: Choose Ranker Model');
        qp.placeholder = t('The ranker that scores JSONL files (saved in your user settings, for this machine)');
        qp.items = items;
        qp.matchOnDescription = true;
        qp.matchOnDetail = true;
        qp.onDidTriggerItemButton((e) => { if (e.item.card) void openCard(e.item.card); });
        qp.onDidAccept(() => { resolve(qp.selectedItems[0]); qp.hide(); });
        qp.onDidHide(() => { resolve(undefined); qp.dispose(); });
        qp.show();
      });
      if (!picked) return undefined;
      if (picked.browse) {
        const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: t('Use this ranker'), title: t('Folder of a SCAR ranker') });
        if (!chosen?.[0]) return undefined;
        folder = chosen[0].fsPath;
      } else {
        folder = picked.folder ?? '';
      }
    }
    try {
      void vscode.window.showInformationMessage(await use(folder));
      return ctx.config.current.modelPath;
    } catch (e) {
      void vscode.window.showErrorMessage(t('SCAR Lens: cannot use this ranker: {0}', (e as Error).message));
      return undefined;
    }
  };

  return [vscode.commands.registerCommand('scar.chooseModel', choose)];
};
