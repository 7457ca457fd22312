import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './files.js';

// What a task's last success left (`sources` and `generates`), one file per plan and task in
// `<home>/fingerprints/`: the digest of its inputs, and each file's stamp and content hash, so that an
// unchanged file (same size, mtime, ctime and inode) is not read again. Environment values are only in
// the digest, never stored.

/**
 * A file as it was seen: what stat said and the SHA-256 of its contents, as one string
 * `<size> <mtimeMs> <ctimeMs> <ino> <sha256 hex>` (10,000 strings parse and stay in memory far more
 * cheaply than 10,000 objects: the check of an unchanged tree is mostly this).
 */
export type FileStamp = string;

export interface FingerprintRecord {
  v: 1;
  /** The plan file and task, for whoever reads the folder. */
  plan: string;
  task: string;
  /** SHA-256 of the task's cmd, cwd, environment (values hashed), patterns and sources' contents. */
  inputs: string;
  /** Relative posix path → stamp, of the files `sources` matched when the task started. */
  sources: Record<string, FileStamp>;
  /** Relative posix path → stamp, of the files `generates` matched after it succeeded. */
  generates: Record<string, FileStamp>;
  /** When it was recorded (ISO). */
  at: string;
}

/** The folder of a home's fingerprints. */
export function fingerprintsDir(home: string): string {
  return join(home, 'fingerprints');
}

/** Where the fingerprint of `task` of the plan file `plan` (absolute) is kept. */
export function fingerprintFile(home: string, plan: string, task: string): string {
  const key = createHash('sha256').update(plan).update('\0').update(task).digest('hex').slice(0, 40);
  return join(fingerprintsDir(home), `${key}.json`);
}

/** The recorded fingerprint, or undefined when there is none or it cannot be read (the task then runs). */
export function readFingerprint(file: string): FingerprintRecord | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const r = JSON.parse(text) as FingerprintRecord;
    return r && r.v === 1 && typeof r.inputs === 'string' && typeof r.sources === 'object' && typeof r.generates === 'object' ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Records a fingerprint atomically (a reader sees the old one or the new one, never half of one). */
export function writeFingerprint(file: string, record: FingerprintRecord): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileAtomic(file, JSON.stringify(record));
}
