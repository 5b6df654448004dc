// Starts `crosswire --lsp` for the files crosswire reads. The server does the work: it finds
// each file's crosswire.toml, asks VS Code to watch configs and ignore files, and offers the
// code actions and hovers; this only launches it and restarts it when asked.

import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";

/** The language ids of the files crosswire reads. */
const LANGUAGES = [
  "javascript",
  "javascriptreact",
  "typescript",
  "typescriptreact",
  "html",
  "vue",
  "svelte",
  "astro",
];

let client: LanguageClient | undefined;

/** The program to start: the setting `crosswire.path`, else `crosswire` on PATH. */
function program(): string {
  return vscode.workspace.getConfiguration("crosswire").get<string>("path") || "crosswire";
}

function createClient(): LanguageClient {
  const command = program();
  const serverOptions: ServerOptions = { command, args: ["--lsp"] };
  const clientOptions: LanguageClientOptions = {
    // Saved files and unsaved buffers alike (the server reads an untitled buffer by its
    // language id).
    documentSelector: LANGUAGES.flatMap((language) => [
      { scheme: "file", language },
      { scheme: "untitled", language },
    ]),
  };
  return new LanguageClient("crosswire", "crosswire", serverOptions, clientOptions);
}

/** Starts a new client; a server that cannot be started is said, not thrown. */
async function start(): Promise<void> {
  client = createClient();
  try {
    await client.start();
  } catch (error) {
    client = undefined;
    void vscode.window.showErrorMessage(
      `crosswire: cannot start \`${program()} --lsp\` (see the setting crosswire.path): ${error}`,
    );
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("crosswire.restart", async () => {
      await client?.stop();
      await start();
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("crosswire.path")) {
        await vscode.commands.executeCommand("crosswire.restart");
      }
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
