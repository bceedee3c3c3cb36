/** harden's programmatic API: define transforms, run the engine, read the Changeset. */
export { defineTransform, SEED_REVIEWS } from './transform.js';
export type {
  AnyTransform,
  FileContext,
  FileInfo,
  PackageInfo,
  ProjectView,
  Requests,
  Sites,
  TransformDefinition,
} from './transform.js';
export { discover, findRoot } from './engine/discover.js';
export { run } from './changeset/run.js';
export type { Changeset, FileChange, FileOutcome } from './changeset/changeset.js';
export type { Site } from './engine/sites.js';
