/** A pool worker: rebuilds the chain, then processes the chunks of files it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import type { AnyTransform } from '../transform.js';
import type { BaselineEntry } from './baseline.js';
import type { ChainSpec } from './pool.js';
import { Project } from './project.js';
import { processFile } from './run.js';
import type { ResolvedTransform } from './run-file.js';

const { root, files, baseline, chain: specs, keepText, registryModule } = workerData as {
  registryModule: string | undefined;
  root: string;
  files: string[];
  baseline: BaselineEntry[] | undefined;
  chain: ChainSpec[];
  keepText: boolean;
};

const registry: ReadonlyMap<string, AnyTransform> = registryModule
  ? ((await import(registryModule)) as { registry: ReadonlyMap<string, AnyTransform> }).registry
  : new Map();
const chain: ResolvedTransform[] = [];
for (const spec of specs) {
  const definition = spec.module
    ? ((await import(spec.module)) as { default: AnyTransform }).default
    : registry.get(spec.id);
  if (!definition) throw new Error(`worker: unknown transform ${spec.id}`);
  chain.push({ definition, options: spec.options, ...(spec.module ? { module: spec.module } : {}) });
}
const project = new Project(root, files, baseline);

parentPort!.on('message', ({ start, paths }: { start: number; paths: string[] }) => {
  const records = paths.map((path) => processFile(path, chain, project, undefined, keepText));
  parentPort!.postMessage({ start, records });
});
