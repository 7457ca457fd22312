import { CORE_SCHEMA, load } from 'js-yaml';

const MAX_DEPTH = 64;

/**
 * Parses plan text with js-yaml, ~8× faster than `yaml` but without positions, or returns undefined
 * when the text needs the careful path: any YAML error, an alias (anchors and merge keys go through
 * `yaml`, which bounds alias expansion), nesting deeper than 64 levels, or more than one document.
 * A plan that validates from this data needs no positions; any problem is reported by parsing again
 * with `yaml`, whose positions the messages need.
 */
export function fastParse(text: string): unknown {
  try {
    return load(text, { schema: CORE_SCHEMA, maxAliases: 0, maxDepth: MAX_DEPTH });
  } catch {
    return undefined;
  }
}
