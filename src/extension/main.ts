// TEMPORARY placeholder so the build and the integration harness work before the real extension lands.
// Engineer C owns src/extension and replaces this file.
import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // nothing yet
}

export function deactivate(): void {
  // nothing yet
}
