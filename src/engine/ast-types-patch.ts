/**
 * ast-types 0.16 (recast 0.23's, the last line for Node 20) crashes building a scope that holds
 * `catch {}` without a parameter (ES2019 optional catch binding): its scope scanner asserts that
 * the missing parameter is a Pattern. `Pattern.assert` is used nowhere but there, so a missing
 * pattern is let through and binds nothing, which is what an absent catch parameter means.
 */
import recast from 'recast';

const pattern = recast.types.namedTypes.Pattern as unknown as { assert(value: unknown, deep?: unknown): boolean };
const assert = pattern.assert.bind(pattern);
pattern.assert = (value: unknown, deep?: unknown) => (value === null || value === undefined ? true : assert(value, deep));
