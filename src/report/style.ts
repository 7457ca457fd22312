import { styleText } from 'node:util';

type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan' | 'magenta' | 'blue' | 'gray';

/** Whether colours may be used on this stream: a TTY, and NO_COLOR unset (FORCE_COLOR forces them). */
export function colorEnabled(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && process.env.TERM !== 'dumb';
}

/** A painter that styles text when enabled and returns it unchanged otherwise. */
export function painter(enabled: boolean): (style: Style, text: string) => string {
  // aad has already decided: without validateStream, styleText asks the stream again and drops colours
  // whenever CI is set (Node's getColorDepth), even on a terminal the user is looking at.
  return enabled ? (style, text) => styleText(style, text, { validateStream: false }) : (_style, text) => text;
}
