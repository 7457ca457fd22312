import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A worker's guard: one small bash process per worker, in its own session, that knows the process groups of the
 * tasks the worker runs (`+pgid lease grace` / `-pgid` lines on its stdin) and gets a tick from the worker each
 * time the worker renewed its leases in Redis. When its stdin closes (the worker died: kill -9, a crash) or no
 * line came for the shortest lease of its tasks (the worker is stopped, or cut off from Redis), it sends SIGTERM
 * to every group it knows, then SIGKILL after their longest grace: a task never outlives its worker's lease for
 * long, so that a retry elsewhere does not run beside it. One process for all the tasks: nothing is added to a
 * task's own start (a guard per task cost 6–8 ms a spawn here).
 */
const SCRIPT = `
declare -A lease grace
idle=3600000
wait_ms=$idle
while :; do
  printf -v secs '%d.%03d' $((wait_ms / 1000)) $((wait_ms % 1000))
  IFS= read -r -t "$secs" line; rc=$?
  if [ $rc -eq 0 ]; then
    case "$line" in
      +*) set -- \${line#+}; lease[$1]=$2; grace[$1]=$3 ;;
      -*) unset "lease[\${line#-}]" "grace[\${line#-}]" ;;
    esac
    wait_ms=$idle
    for p in "\${!lease[@]}"; do (( lease[$p] < wait_ms )) && wait_ms=\${lease[$p]}; done
    continue
  fi
  # A timeout with no task to guard is nothing; EOF, or a timeout with tasks, is the worker gone or cut off.
  if [ $rc -gt 128 ] && [ \${#lease[@]} -eq 0 ]; then continue; fi
  break
done
[ \${#lease[@]} -eq 0 ] && exit 0
most=0
for p in "\${!lease[@]}"; do
  kill -TERM -- "-$p" 2>/dev/null
  (( grace[$p] > most )) && most=\${grace[$p]}
done
printf -v secs '%d.%03d' $((most / 1000)) $((most % 1000))
sleep "$secs"
for p in "\${!lease[@]}"; do kill -KILL -- "-$p" 2>/dev/null; done
exit 3
`;

export class GroupGuard {
  private child: ChildProcess | undefined;
  private readonly groups = new Map<number, { leaseMs: number; graceMs: number }>();
  private closed = false;

  constructor(private readonly onNote: (message: string) => void) {
    this.start();
  }

  private start(): void {
    const child = spawn('bash', ['-c', SCRIPT], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    child.stdin!.on('error', () => {});
    child.on('error', (err) => this.onNote(`the guard could not start: ${err.message}`));
    child.once('exit', (code) => {
      if (this.closed || this.child !== child) return;
      // It fenced (the worker was stopped or cut off) or was killed: a new one guards what still runs.
      if (code === 3) this.onNote('the guard stopped the running tasks: this worker was stopped or cut off from Redis for longer than their lease');
      else this.onNote(`the guard ended (${code ?? 'killed'}): starting a new one`);
      this.start();
    });
    this.child = child;
    for (const [pgid, g] of this.groups) this.send(guardLine(pgid, g));
  }

  private send(line: string): void {
    this.child?.stdin?.write(`${line}\n`);
  }

  /** Guards a task's group: it is stopped when no tick came for `leaseMs`, and killed `graceMs` later. */
  add(pgid: number, leaseMs: number, graceMs: number): void {
    const g = { leaseMs, graceMs };
    this.groups.set(pgid, g);
    this.send(guardLine(pgid, g));
  }

  /** The task's group is gone: it is no longer guarded (its id may be reused). */
  remove(pgid: number): void {
    if (this.groups.delete(pgid)) this.send(`-${pgid}`);
  }

  /** The worker renewed its leases: the guard waits another lease. */
  tick(): void {
    if (this.groups.size > 0) this.send('t');
  }

  /** The worker ends: the guard ends with it (its tasks are over). */
  close(): void {
    this.closed = true;
    this.child?.stdin?.end();
  }
}

/** The line that tells the guard of a group: `+pgid lease grace`, in whole milliseconds of at least 100 (bash compares integers). */
function guardLine(pgid: number, g: { leaseMs: number; graceMs: number }): string {
  const ms = (x: number) => String(Math.max(100, Math.round(x)));
  return `+${pgid} ${ms(g.leaseMs)} ${ms(g.graceMs)}`;
}
