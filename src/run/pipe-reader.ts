import { Socket } from 'node:net';
import type { Readable } from 'node:stream';

/**
 * One buffer that every task's output pipe is read into. Node calls the `onread` callback of a socket right
 * after each read(2), on the main thread, one socket at a time, and each chunk is used up (masked, written to
 * the log, handed to the console as a string) before the callback returns, so the next read may overwrite it.
 */
const SHARED = Buffer.allocUnsafe(64 * 1024);

/** Reading a task's output pipe. */
export interface PipeReader {
  /** Stops reading: the task blocks once its pipe is full (backpressure). */
  pause(): void;
  resume(): void;
  /** Stops reading and closes the pipe (leftover processes that hold it must not hold up the attempt). */
  destroy(): void;
}

/**
 * Reads a child process's output pipe into the shared buffer, through net.Socket's `onread` option, instead
 * of Node's default of a new 64 KiB buffer per read. Those buffers live until a garbage collection (which
 * comes only after tens of MB of them), and the memory they leave is returned to the system and faulted in
 * anew: for 200 MB of output that cost ~15% of aad's time in page faults (perf), and the reads were slower.
 *
 * Node creates a child's pipes as sockets itself, without `onread`, so the pipe's handle is given to a
 * socket made here, as child_process does it (`new Socket({ handle })`); the socket Node made is left
 * unreadable, so that Node neither reads through it nor waits for it. Returns undefined where the handle is
 * not there (a failed spawn, or a Node that keeps it elsewhere): the caller then reads `data` events.
 * `onChunk` may return false to pause reading until resume().
 */
export function readPipeInPlace(pipe: Readable, onChunk: (chunk: Buffer) => boolean): PipeReader | undefined {
  const handle = (pipe as unknown as { _handle?: object | null })._handle;
  if (!handle || typeof (handle as { useUserBuffer?: unknown }).useUserBuffer !== 'function') return undefined;
  // Node's socket for this pipe gives its handle up (it is not read from, nor resumed by child_process at
  // exit), and closes when ours does: child_process waits for it before the child's 'close'.
  pipe.readable = false;
  (pipe as unknown as { _handle: object | null })._handle = null;
  const socket = new Socket({
    handle,
    readable: true,
    writable: false,
    onread: { buffer: SHARED, callback: (n: number) => onChunk(SHARED.subarray(0, n)) },
  } as ConstructorParameters<typeof Socket>[0] & { handle: object });
  // A read error (EIO and the like) ends the output as end of file would; the attempt's exit decides.
  socket.on('error', () => socket.destroy());
  socket.once('close', () => pipe.destroy());
  return {
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    destroy: () => socket.destroy(),
  };
}

/** Reads a pipe through `data` events (a new buffer per read), behind the same interface. */
export function readDataEvents(pipe: Readable, onChunk: (chunk: Buffer) => boolean): PipeReader {
  pipe.on('data', onChunk);
  return {
    pause: () => pipe.pause(),
    resume: () => pipe.resume(),
    destroy: () => pipe.destroy(),
  };
}
