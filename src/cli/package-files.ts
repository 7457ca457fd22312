/** The package's root folder (holding package.json and schema/), the same from tsc's output and from the bundle (dist/cli/aad.cjs): both sit in dist/cli/. */
export const packageRoot = new URL('../../', import.meta.url);
