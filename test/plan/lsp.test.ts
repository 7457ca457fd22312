// The editor experience promised by SPEC "Plan file": a plan carrying the modeline
// `# yaml-language-server: $schema=…` gets completion and diagnostics from schema/aad.schema.json.
// These tests drive the real yaml-language-server over LSP (stdio, JSON-RPC) — no mocks.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompletionItem, Diagnostic } from 'vscode-languageserver-protocol';
import { startYamlLanguageServer, type LspClient } from '../helpers/lsp-client.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const schemaPath = path.join(repoRoot, 'schema', 'aad.schema.json');
const schemaUrl = pathToFileURL(schemaPath).href;

const TOP_LEVEL_KEYS = ['version', 'goal', 'artifacts_dir', 'max_parallel', 'on_escalation', 'defaults'];
// Every task key but id/cmd/depends_on, i.e. exactly what `defaults` allows.
const DEFAULTABLE_KEYS = [
  'cwd',
  'env',
  'timeout_sec',
  'kill_grace_sec',
  'retries',
  'retry_backoff_sec',
  'outputs',
  'rollback',
  'rollback_timeout_sec',
  'rollback_on_cancel',
  'description',
];

let lsp: LspClient;
let docCounter = 0;

/**
 * A fresh document URI in `dir` (never written to disk: the server works on the opened text,
 * and only uses the URI to resolve a relative modeline).
 */
function docUriIn(dir: string, name: string): string {
  docCounter += 1;
  return pathToFileURL(path.join(dir, `${docCounter}-${name}.aad.yaml`)).href;
}

function labels(items: CompletionItem[]): string[] {
  return items.map((i) => i.label);
}

/** 0-based line of the (only) line of `lines` that contains `needle`. */
function lineOf(lines: string[], needle: string): number {
  const found = lines.flatMap((l, i) => (l.includes(needle) ? [i] : []));
  expect(found, `exactly one line contains ${JSON.stringify(needle)}`).toHaveLength(1);
  return found[0]!;
}

function summary(diags: Diagnostic[]): string {
  return diags.map((d) => `${d.range.start.line}:${d.range.start.character} ${d.message}`).join('\n');
}

beforeAll(async () => {
  lsp = await startYamlLanguageServer({ rootDir: repoRoot });
});

afterAll(async () => {
  await lsp?.dispose();
});

describe('yaml-language-server with the aad schema', () => {
  it('pulls its settings from the client (schema store disabled: no network)', () => {
    expect(lsp.configSections()).toContain('yaml');
  });

  const elsewhere = path.join(os.tmpdir(), 'aad-lsp-test');
  // As in SPEC: a plan two folders below the repository root pointing up at the schema.
  const nested = path.join(repoRoot, 'examples', 'lsp-virtual');
  describe.each([
    ['an absolute file path', elsewhere, schemaPath],
    ['a file:// URL', elsewhere, schemaUrl],
    ['a path relative to the plan', nested, path.relative(nested, schemaPath)],
  ])('modeline with %s', (_what, dir, schemaRef) => {
    const modeline = `# yaml-language-server: $schema=${schemaRef}`;
    const docUri = (name: string) => docUriIn(dir, name);

    it('reports no diagnostics for the SPEC example plan', async () => {
      const text = [
        modeline,
        'version: 1',
        'goal: "Ship the release"',
        'artifacts_dir: dist-artifacts',
        'max_parallel: 4',
        'on_escalation: "./notify.sh"',
        'defaults:',
        '  timeout_sec: 600',
        '  retries: 1',
        'tasks:',
        '  - id: lint',
        '    cmd: [npx, eslint, .]',
        '  - id: build',
        '    cmd: "npm run build"',
        '    depends_on: [lint]',
        '    cwd: packages/app',
        '    env: { NODE_ENV: production, PORT: 8080, CI: true }',
        '    timeout_sec: 300',
        '    kill_grace_sec: 5',
        '    retries: 2',
        '    retry_backoff_sec: [1, 3, 10]',
        '    outputs: ["dist/**", "report.json"]',
        '    rollback: git',
        '    rollback_timeout_sec: 60',
        '    rollback_on_cancel: false',
        '    description: "Compile the app"',
        '',
      ].join('\n');
      const diags = await lsp.open(docUri('valid'), text);
      expect(diags, summary(diags)).toEqual([]);
    });

    it('completes the top-level keys on an empty line at column 0', async () => {
      const lines = [modeline, 'tasks:', '  - id: build', '    cmd: make', '', ''];
      const uri = docUri('complete-top');
      await lsp.open(uri, lines.join('\n'));
      const items = labels(await lsp.completion(uri, 4, 0));
      expect(items).toEqual(expect.arrayContaining(TOP_LEVEL_KEYS));
      // `tasks` is already there, and task keys do not belong at the top level.
      expect(items).not.toContain('tasks');
      expect(items).not.toContain('cmd');
      expect(items).not.toContain('timeout_sec');
    });

    it('completes the task keys on a new line inside a task mapping', async () => {
      const lines = [modeline, 'tasks:', '  - id: build', '    ', ''];
      const uri = docUri('complete-task');
      await lsp.open(uri, lines.join('\n'));
      const items = labels(await lsp.completion(uri, 3, 4));
      expect(items).toEqual(expect.arrayContaining(['cmd', 'depends_on', ...DEFAULTABLE_KEYS]));
      // `id` is already set; plan-level keys are not task keys.
      expect(items).not.toContain('id');
      for (const key of TOP_LEVEL_KEYS) expect(items).not.toContain(key);
    });

    it('completes only defaultable keys inside `defaults`', async () => {
      const lines = [modeline, 'defaults:', '  ', 'tasks:', '  - id: build', '    cmd: make', ''];
      const uri = docUri('complete-defaults');
      await lsp.open(uri, lines.join('\n'));
      const items = labels(await lsp.completion(uri, 2, 2));
      expect(items).toEqual(expect.arrayContaining(DEFAULTABLE_KEYS));
      for (const key of ['id', 'cmd', 'depends_on', 'tasks', 'goal']) expect(items).not.toContain(key);
    });

    it('puts diagnostics for wrong values and unknown keys on the offending lines', async () => {
      const lines = [
        modeline,
        'max_parallel: 0',
        'tasks:',
        '  - id: build',
        '    cmd: make',
        '    timeout_sec: "abc"',
        '    retries: -1',
        '    timout_sec: 5',
        '  - id: test',
        '    cmd: make test',
        '    retries: 1.5',
        '',
      ];
      const diags = await lsp.open(docUri('invalid'), lines.join('\n'));
      const why = summary(diags);

      const at = (line: number) => diags.filter((d) => d.range.start.line === line);
      const one = (needle: string): Diagnostic => {
        const line = lineOf(lines, needle);
        const found = at(line);
        expect(found, `one diagnostic on line ${line} (${needle})\n${why}`).toHaveLength(1);
        return found[0]!;
      };

      const maxParallel = one('max_parallel: 0');
      expect(maxParallel.message).toMatch(/minimum of 1/);
      expect(maxParallel.range.start.character).toBe('max_parallel: '.length);

      const timeout = one('timeout_sec: "abc"');
      expect(timeout.message).toMatch(/Incorrect type\. Expected "number"/);
      expect(timeout.range.start.character).toBe('    timeout_sec: '.length);

      const retries = one('retries: -1');
      expect(retries.message).toMatch(/minimum of 0/);
      expect(retries.range.start.character).toBe('    retries: '.length);

      const unknown = one('timout_sec: 5');
      expect(unknown.message).toMatch(/Property timout_sec is not allowed/);
      expect(unknown.range.start.character).toBe(4); // the key itself
      expect(unknown.range.end).toEqual({ line: unknown.range.start.line, character: 4 + 'timout_sec'.length });

      const fractional = one('retries: 1.5');
      expect(fractional.message).toMatch(/Expected "integer"/);

      // Nothing anywhere else: every diagnostic is one of the five above, all errors.
      expect(diags, why).toHaveLength(5);
      for (const d of diags) expect(d.severity, why).toBe(1);
    });
  });

  it('does not validate the same plan without the modeline (the modeline is the association)', async () => {
    const text = ['tasks:', '  - id: build', '    cmd: make', '    timout_sec: 5', '    retries: -1', ''].join('\n');
    const diags = await lsp.open(docUriIn(os.tmpdir(), 'no-modeline'), text);
    expect(diags, summary(diags)).toEqual([]);
  });
});
