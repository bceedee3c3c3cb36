/**
 * THE registry: the only list of transforms. `harden list`, `harden explain`, presets, docs and
 * the tests all read it; a meta-test checks it against the folders of transforms/.
 */
import type { AnyTransform } from '../src/transform.js';
import dedupeImports from './dedupe-imports/index.js';
import splitGodService from './split-god-service/index.js';

export const transforms: readonly AnyTransform[] = [dedupeImports as AnyTransform, splitGodService as AnyTransform];

export const registry: ReadonlyMap<string, AnyTransform> = new Map(transforms.map((t) => [t.id, t]));
