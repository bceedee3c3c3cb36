/**
 * File-level work on a pool of worker threads. Each worker loads the chain itself (by transform
 * id from the registry, or by module for a team's own transforms), keeps its own project cache,
 * and processes chunks of files on demand; records come back by index, so the Changeset is the
 * same whatever the scheduling. Project-level transforms and the Changeset are src/changeset/run.ts's, in this thread.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AnyTransform } from '../transform.js';
import { harden } from '../package-root.js';
import type { Project } from './project.js';
import { countCandidates, keepsText, processAll, processFile, projectOf, type FileRecord, type RunOptions } from './run.js';

/** What a worker needs to rebuild a chain: ids and validated options (and a module for custom ones). */
export interface ChainSpec {
  id: string;
  options: Record<string, unknown>;
  module?: string;
}

/** Below this many files admitted by the prefilter, starting workers costs more than it saves. */
export const MIN_FILES_FOR_WORKERS = 200;
const CHUNK = 32;

/**
 * Workers only where they pay: measured on a 2-core machine (docs/performance.md) the pool was
 * slower than one thread, so by default it starts from 4 cores; `--jobs` chooses explicitly.
 */
export function defaultJobs(): number {
  const cores = availableParallelism();
  return cores >= 4 ? cores : 1;
}

/**
 * The main thread's stack size (V8's default, 984 KB on 64-bit, or `--stack-size` in KB): workers
 * get the same, so a deeply nested file is "too deeply nested to process" with or without workers
 * (a worker's default is 4 MB: `--jobs 2` used to rewrite files that `--jobs 1` refused).
 */
const MAIN_STACK_MB = (() => {
  const flag = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].find((arg) => arg.startsWith('--stack-size='));
  const kb = flag ? Number(flag.slice('--stack-size='.length)) : 984;
  return (Number.isFinite(kb) && kb > 0 ? kb : 984) / 1024;
})();

function workerUrl(): URL {
  const here = fileURLToPath(import.meta.url);
  // Under the test runner this module is TypeScript; workers always run the built JavaScript.
  return here.endsWith('.ts') ? new URL(`file://${harden('dist', 'src', 'engine', 'worker.js')}`) : new URL('./worker.js', import.meta.url);
}

export interface ParallelRunOptions extends RunOptions {
  jobs: number;
  /**
   * The transform registry, and the module that exports it as `registry`: workers import it to
   * rebuild the chain by id (the engine does not know the transforms; the caller hands them in).
   * Without it, only transforms with their own `module` run on workers.
   */
  workerRegistry?: { module: string; transforms: ReadonlyMap<string, AnyTransform> };
  /** Use workers even for small runs (tests, benchmarks). */
  forceWorkers?: boolean;
  /**
   * Polled between files (in this thread) and every 50 ms (with workers): true stops the run with
   * RunInterrupted, the workers terminated, so Ctrl-C ends analysis within a file's time.
   */
  shouldStop?: () => boolean;
}

/** The run was stopped (Ctrl-C, SIGTERM) before every file was looked at; nothing was computed. */
export class RunInterrupted extends Error {
  constructor(
    readonly done: number,
    readonly total: number,
  ) {
    super(`interrupted during analysis (${done} of ${total} files looked at)`);
    this.name = 'RunInterrupted';
  }
}

/** The records of a whole run: the project read and one record per discovered file, in discovery order. */
export interface RunRecords {
  project: Project;
  records: FileRecord[];
}

/** In this thread, giving the event loop a turn between files so a signal handler can run. */
async function processInterruptible(options: ParallelRunOptions, project: Project, shouldStop: () => boolean): Promise<RunRecords> {
  const { discovery, chain, filter, onFile } = options;
  const keepText = keepsText(chain);
  const records: FileRecord[] = [];
  let turn = Date.now();
  for (const [index, path] of discovery.files.entries()) {
    if (Date.now() - turn >= 20) {
      await new Promise((resolve) => setImmediate(resolve));
      turn = Date.now();
    }
    if (shouldStop()) throw new RunInterrupted(index, discovery.files.length);
    records.push(processFile(path, chain, project, filter, keepText));
    onFile?.(path, index, discovery.files.length);
  }
  await new Promise((resolve) => setImmediate(resolve));
  if (shouldStop()) throw new RunInterrupted(discovery.files.length, discovery.files.length);
  return { project, records };
}

/**
 * Every discovered file through the chain: on worker threads when it pays (enough prefiltered
 * files, more than one job, transforms the workers can load again), else in this thread.
 */
export async function collectRecords(options: ParallelRunOptions): Promise<RunRecords> {
  const { root, discovery, chain, filter, jobs } = options;
  const specs: ChainSpec[] = chain.map((t) => ({ id: t.definition.id, options: t.options, ...(t.module ? { module: t.module } : {}) }));
  const workerCount = Math.min(jobs, Math.ceil(discovery.files.length / CHUNK));
  // a team's transform that workers cannot load again by id or module runs in this thread
  const loadable = chain.every((t) => options.workerRegistry?.transforms.get(t.definition.id) === t.definition || t.module !== undefined);
  // (the project that counts the candidates is the one a run in this thread goes on with: its reads are not repeated)
  const project = projectOf(options);
  const inThread =
    jobs <= 1 || filter !== undefined || workerCount <= 1 || !loadable || (!options.forceWorkers && countCandidates(project, discovery.files, chain) < MIN_FILES_FOR_WORKERS);
  if (inThread) {
    return options.shouldStop ? processInterruptible(options, project, options.shouldStop) : processAll(options, project);
  }

  const keepText = keepsText(chain);
  const records: FileRecord[] = new Array(discovery.files.length);
  let next = 0;
  let done = 0;
  const workers: Worker[] = [];
  let poll: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      if (options.shouldStop) {
        const stop = options.shouldStop;
        poll = setInterval(() => stop() && reject(new RunInterrupted(done, discovery.files.length)), 50);
      }
      for (let w = 0; w < workerCount; w += 1) {
        const worker = new Worker(workerUrl(), {
          resourceLimits: { stackSizeMb: MAIN_STACK_MB }, workerData: { root, files: discovery.projectFiles ?? discovery.files, baseline: discovery.baseline, chain: specs, keepText, registryModule: options.workerRegistry?.module } });
        workers.push(worker);
        const feed = () => {
          if (next >= discovery.files.length) return;
          const start = next;
          next = Math.min(discovery.files.length, next + CHUNK);
          worker.postMessage({ start, paths: discovery.files.slice(start, next) });
        };
        worker.on('message', (message: { start: number; records: FileRecord[] }) => {
          message.records.forEach((record, offset) => {
            records[message.start + offset] = record;
            options.onFile?.(record.path, message.start + offset, discovery.files.length);
          });
          done += message.records.length;
          if (done === discovery.files.length) resolve();
          else feed();
        });
        worker.on('error', reject);
        worker.on('exit', (code) => {
          if (done < discovery.files.length) reject(new Error(`a worker exited early (code ${code})`));
        });
        feed();
      }
    });
  } finally {
    clearInterval(poll);
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  if (options.shouldStop?.()) throw new RunInterrupted(done, discovery.files.length);
  return { project, records };
}
