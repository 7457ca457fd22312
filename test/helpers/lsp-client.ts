// A minimal LSP client that drives the real yaml-language-server over stdio,
// for tests that check what an editor sees when it opens a plan file.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CompletionRequest,
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';

/** Settings answered to `workspace/configuration` and sent by `didChangeConfiguration`. */
export const YAML_SETTINGS = {
  validate: true,
  completion: true,
  hover: true,
  format: { enable: false },
  // No network: never fetch the schema store catalogue.
  schemaStore: { enable: false },
  schemas: {},
} as const;

const require = createRequire(import.meta.url);

/** The real server entry point shipped by the package (its `bin`). */
function serverBin(): string {
  const pkgJson = require.resolve('yaml-language-server/package.json');
  return path.join(path.dirname(pkgJson), 'bin', 'yaml-language-server');
}

export interface LspClient {
  /** Opens a document; resolves with the first diagnostics the server publishes for it. */
  open(uri: string, text: string, timeoutMs?: number): Promise<Diagnostic[]>;
  close(uri: string): Promise<void>;
  completion(uri: string, line: number, character: number): Promise<CompletionItem[]>;
  /** Sections the server asked for through workspace/configuration, in order. */
  configSections(): readonly string[];
  /** Everything the server wrote to stderr so far (for failure messages). */
  stderr(): string;
  dispose(): Promise<void>;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string, stderr: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${ms} ms waiting for ${what}; server stderr:\n${stderr()}`)),
      ms,
    );
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export async function startYamlLanguageServer(opts: { rootDir: string }): Promise<LspClient> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [serverBin(), '--stdio'], {
    cwd: opts.rootDir,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let errText = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    errText += chunk;
  });
  const stderr = () => errText;

  const conn: ProtocolConnection = createProtocolConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );

  // Diagnostics arrive as notifications; keep the latest per URI and wake up whoever waits.
  const waiters = new Map<string, Array<(d: Diagnostic[]) => void>>();
  conn.onNotification(PublishDiagnosticsNotification.type, (params) => {
    const list = waiters.get(params.uri);
    if (list && list.length > 0) {
      waiters.delete(params.uri);
      for (const w of list) w(params.diagnostics);
    }
  });
  // yaml-language-server pulls its settings (sections yaml, http, [yaml], editor) after
  // `initialized` and on every didChangeConfiguration: answer `yaml`, leave the rest unset.
  const configSections: string[] = [];
  let configPulled!: () => void;
  const firstConfigPull = new Promise<void>((resolve) => {
    configPulled = resolve;
  });
  conn.onRequest(ConfigurationRequest.type, (params) => {
    const answer = params.items.map((item) => {
      configSections.push(item.section ?? '');
      if (item.section === 'yaml') return YAML_SETTINGS;
      if (item.section === undefined) return { yaml: YAML_SETTINGS };
      return null;
    });
    configPulled();
    return answer;
  });
  // The server registers for didChangeConfiguration dynamically; accept.
  // Anything else it may ask gets MethodNotFound; other notifications are dropped.
  conn.onRequest(RegistrationRequest.type, () => undefined);
  conn.listen();

  // The handshake; if it fails, do not leave the server behind.
  try {
    const rootUri = pathToFileURL(path.resolve(opts.rootDir)).href;
    await withTimeout(
      conn.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri,
        workspaceFolders: [{ uri: rootUri, name: 'root' }],
        capabilities: {
          workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
          textDocument: {
            synchronization: { dynamicRegistration: false, didSave: false },
            completion: {
              dynamicRegistration: false,
              completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] },
            },
            hover: { contentFormat: ['markdown', 'plaintext'] },
            publishDiagnostics: { relatedInformation: true },
          },
        },
        initializationOptions: {},
      }),
      15_000,
      'initialize',
      stderr,
    );
    await conn.sendNotification(InitializedNotification.type, {});
    // Settings must be in place (schema store off) before any document is opened.
    await withTimeout(firstConfigPull, 15_000, 'the workspace/configuration request', stderr);
    await conn.sendNotification(DidChangeConfigurationNotification.type, { settings: { yaml: YAML_SETTINGS } });
  } catch (err) {
    conn.dispose();
    child.kill('SIGKILL');
    throw err;
  }

  return {
    async open(uri, text, timeoutMs = 15_000) {
      const diags = new Promise<Diagnostic[]>((resolve) => {
        const list = waiters.get(uri) ?? [];
        list.push(resolve);
        waiters.set(uri, list);
      });
      await conn.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri, languageId: 'yaml', version: 1, text },
      });
      return withTimeout(diags, timeoutMs, `diagnostics for ${uri}`, stderr);
    },
    async close(uri) {
      await conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    },
    async completion(uri, line, character) {
      const res = await withTimeout(
        conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line, character } }),
        15_000,
        `completion at ${line}:${character}`,
        stderr,
      );
      if (!res) return [];
      return Array.isArray(res) ? res : (res as CompletionList).items;
    },
    configSections: () => configSections,
    stderr,
    async dispose() {
      try {
        if (child.exitCode === null) {
          await withTimeout(conn.sendRequest(ShutdownRequest.type), 2_000, 'shutdown', stderr);
          await conn.sendNotification(ExitNotification.type);
        }
      } catch {
        // fall through to the kill below
      } finally {
        conn.dispose();
        // Give the server a moment to exit on its own after `exit`, then make sure.
        await Promise.race([exited, new Promise((r) => setTimeout(r, 500))]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
