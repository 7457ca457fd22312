// `aad graph` and `aad run --dry-run`: secrets masked in commands, a multi-line cmd on one line, and the --json shape.
import path from 'node:path';
import { describe, it } from 'vitest';
import { runCli, tmpDir, writePlan } from '../helpers/cli.js';

const PLAN = [
  'goal: Ship it',
  'defaults:',
  '  env: { DEPLOY_TOKEN: tok-abc-123456 }',
  'tasks:',
  '  - id: setup',
  '    cmd: |',
  '      echo step one',
  '      echo step two',
  '  - id: deploy',
  `    cmd: 'curl -H "Authorization=tok-abc-123456" https://x'`,
  '    depends_on: [setup]',
  '  - id: env-secret',
  '    cmd: echo s3cr3t-from-env',
  '    depends_on: [setup]',
  '    description: uses s3cr3t-from-env',
  '  - id: argv',
  '    cmd: [printf, "%s\\n", tok-abc-123456]',
  '    depends_on: [deploy, env-secret]',
  '',
].join('\n');

/** aad's own environment holds a secret the plan's cmd repeats literally. */
const ENV = { MY_API_KEY: 's3cr3t-from-env' };

function workspace(yaml = PLAN) {
  const dir = tmpDir('aad-e2e-graph-');
  writePlan(dir, yaml);
  const home = path.join(dir, 'home');
  return { dir, aad: (args: string[]) => runCli([...args, '--home', home], { cwd: dir, env: ENV }) };
}

const GRAPH_JSON = {
  goal: 'Ship it',
  tasks: [
    { id: 'setup', cmd: 'echo step one\necho step two\n', deps: [], wave: 1 },
    { id: 'deploy', cmd: 'curl -H "Authorization=***" https://x', deps: ['setup'], wave: 2 },
    { id: 'env-secret', cmd: 'echo ***', deps: ['setup'], description: 'uses ***', wave: 2 },
    { id: 'argv', cmd: ['printf', '%s\n', '***'], deps: ['deploy', 'env-secret'], wave: 3 },
  ],
  waves: [['setup'], ['deploy', 'env-secret'], ['argv']],
  critical_path: ['setup', 'deploy', 'argv'],
  estimate: { ms: null, task_lengths: 3, max_parallel: 2, from_history: false },
};

describe.concurrent('aad graph and run --dry-run', () => {
  it('mask secret values written literally in a cmd or description, and show a multi-line cmd as its first line and …', async ({ expect }) => {
    const ws = workspace();
    const graph = await ws.aad(['graph', '--max-parallel', '2']);
    expect(graph).toMatchObject({ code: 0, stderr: '' });
    expect(graph.stdout).toBe(
      [
        'Goal: Ship it',
        '',
        'Tasks (4)',
        '  setup — echo step one …',
        '  ├─ deploy — curl -H "Authorization=***" https://x',
        '  │  └─ argv (after deploy, env-secret) — printf "%s\\n" ***',
        '  └─ env-secret — uses ***',
        '     └─ argv ↑',
        '',
        'Waves (3)',
        '  setup → [deploy, env-secret] → argv',
        '',
        'Critical path (3 tasks)',
        '  setup → deploy → argv',
        '',
        'Estimate  3 task-lengths (equal weights: no run history yet), at 2 in parallel',
        '',
      ].join('\n'),
    );
    const dry = await ws.aad(['run', '--dry-run', '--max-parallel', '2']);
    expect(dry).toMatchObject({ code: 0, stderr: '', stdout: graph.stdout });
  });

  it('--json prints the graph as JSON, the same for `graph --json` and `run --dry-run --json`, secrets masked', async ({ expect }) => {
    const ws = workspace();
    const [graph, dry] = await Promise.all([ws.aad(['graph', '--json', '--max-parallel', '2']), ws.aad(['run', '--dry-run', '--json', '--max-parallel', '2'])]);
    expect(graph).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(graph.stdout)).toEqual(GRAPH_JSON);
    expect(dry).toMatchObject({ code: 0, stderr: '', stdout: graph.stdout });
    for (const r of [graph, dry]) {
      expect(r.stdout).not.toContain('tok-abc-123456');
      expect(r.stdout).not.toContain('s3cr3t-from-env');
    }
  });

  it('--json gives the estimate in ms once earlier runs of the plan give durations, and keeps --only; a plan without goal has goal null', async ({ expect }) => {
    const ws = workspace('tasks:\n  - id: a\n    cmd: sleep 0.2\n  - id: b\n    cmd: "true"\n    depends_on: [a]\n');
    expect((await ws.aad(['run', '--quiet'])).code).toBe(0);
    const r = await ws.aad(['graph', '--json', '--max-parallel', '1']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const g = JSON.parse(r.stdout) as Omit<typeof GRAPH_JSON, 'estimate'> & { estimate: { ms: number } };
    expect(g).toMatchObject({ goal: null, waves: [['a'], ['b']], critical_path: ['a', 'b'], estimate: { task_lengths: null, max_parallel: 1, from_history: true } });
    expect(g.estimate.ms).toBeGreaterThanOrEqual(200);
    expect(Object.keys(g.tasks[0]!)).toEqual(['id', 'cmd', 'deps', 'wave']);
    const only = JSON.parse((await ws.aad(['graph', '--json', '--only', 'a'])).stdout) as typeof GRAPH_JSON;
    expect(only.tasks.map((t) => t.id)).toEqual(['a']);
    // A bad plan is still reported as text on stderr, exit 2, nothing on stdout.
    const bad = workspace('tasks: []\n');
    expect(await bad.aad(['graph', '--json'])).toMatchObject({ code: 2, stdout: '' });
  });
});
