/**
 * The rewritten code runs against the real pino and winston: console calls in a small program go
 * through console-to-logger (generated logger module, or the project's existing one), the program
 * runs in a child process, and the emitted JSON records must hold the error's message and stack
 * and the structured fields. The last record is logged right before `process.exit(1)`: it must
 * not be lost.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import consoleToLogger from '../../transforms/console-to-logger/index.js';
import type { AnyTransform } from '../../src/transform.js';
import { tempProject, type TempProject } from './project.js';

const program = (esm: boolean) => `${esm ? "import { EventEmitter } from 'node:events';" : "const { EventEmitter } = require('node:events');"}

function save(userId) {
  try {
    throw new Error('disk full');
  } catch (err) {
    console.error('Save failed:', err, { userId });
  }
}

save(42);
console.info('Order created', { orderId: 'o-1' });
const emitter = new EventEmitter();
emitter.on('error', console.error);
emitter.emit('error', new Error('emitted failure'));
console.warn(\`Slow query: \${12}ms\`, { ms: 12 });
console.error(new Error('lone error'));
console.error('Fatal:', new Error('about to exit'));
process.exit(1);
`;

interface Scenario {
  name: string;
  library: 'pino' | 'winston';
  esm: boolean;
  /** Where the error lands in a record: pino's error key, or the record itself for winston. */
  errorKey?: string;
  options?: Record<string, unknown>;
  files?: Record<string, string>;
}

const scenarios: Scenario[] = [
  { name: 'generated pino, CommonJS', library: 'pino', esm: false, errorKey: 'err' },
  { name: 'generated pino, ES module', library: 'pino', esm: true, errorKey: 'err' },
  { name: 'generated winston, CommonJS', library: 'winston', esm: false, options: { library: 'winston' } },
  { name: 'generated winston, ES module', library: 'winston', esm: true, options: { library: 'winston' } },
  {
    name: 'existing winston logger (seed 001), CommonJS',
    library: 'winston',
    esm: false,
    files: {
      'src/utils/logger.js': `const winston = require('winston');
module.exports = winston.createLogger({
  format: winston.format.combine(winston.format.errors({ stack: true }), winston.format.json()),
  transports: [new winston.transports.Console()],
});
`,
    },
  },
  {
    name: 'existing pino logger with errorKey and a sync destination, ES module',
    library: 'pino',
    esm: true,
    errorKey: 'error',
    files: {
      'src/lib/log.js':
        "import pino from 'pino';\n\nexport const log = pino({ errorKey: 'error' }, pino.destination({ dest: 1, sync: true }));\n",
    },
  },
];

const projects: TempProject[] = [];
afterAll(() => projects.forEach((project) => project.remove()));

function runScenario(scenario: Scenario) {
  const project = tempProject({
    'package.json': JSON.stringify({ name: 'app', ...(scenario.esm ? { type: 'module' } : {}) }),
    'src/app.js': program(scenario.esm),
    ...scenario.files,
  });
  projects.push(project);
  const results = project.transform(consoleToLogger as AnyTransform, scenario.options);
  const app = results.get('src/app.js');
  expect(app?.status).toBe('changed');
  const run = spawnSync(process.execPath, ['src/app.js'], { cwd: project.dir, encoding: 'utf8' });
  const records = run.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, any>);
  return { project, run, records, source: project.read('src/app.js') };
}

describe('console-to-logger output against the real libraries', () => {
  for (const scenario of scenarios) {
    it(scenario.name, () => {
      const { run, records, source } = runScenario(scenario);
      expect(source, 'every console call was rewritten').not.toMatch(/console\./);
      expect(run.status, run.stderr).toBe(1);
      const text = (record: Record<string, any>) => String(record.msg ?? record.message);
      const find = (fragment: string) => {
        const record = records.find((r) => text(r).includes(fragment));
        expect(record, `a record containing "${fragment}" in ${JSON.stringify(records)}`).toBeDefined();
        return record!;
      };
      const errorOf = (record: Record<string, any>) => (scenario.library === 'pino' ? record[scenario.errorKey ?? 'err'] : record);
      const expectError = (record: Record<string, any>, message: string) => {
        const error = errorOf(record);
        expect(error, JSON.stringify(record)).toBeDefined();
        expect(String(error.message)).toContain(message);
        expect(String(error.stack)).toContain(`Error: ${message}`);
        expect(String(error.stack)).toMatch(/\n\s+at /);
      };

      const saved = find('Save failed');
      expectError(saved, 'disk full');
      expect(saved.userId).toBe(42);
      expect(find('Order created').orderId).toBe('o-1');
      expect(find('Slow query: 12ms').ms).toBe(12);
      expectError(find('emitted failure'), 'emitted failure');
      expectError(find('lone error'), 'lone error');
      expectError(find('Fatal'), 'about to exit');
      const levels = records.map((r) => r.level);
      expect(levels).toEqual(
        scenario.library === 'pino' ? [50, 30, 50, 40, 50, 50] : ['error', 'info', 'error', 'warn', 'error', 'error'],
      );
    });
  }

  it('keeps console.error before process.exit when the existing pino logger has its default (asynchronous) destination', () => {
    const project = tempProject({
      'package.json': JSON.stringify({ name: 'app', type: 'module' }),
      'src/app.js': program(true),
      'src/logger.js': "import pino from 'pino';\n\nexport const logger = pino();\n",
    });
    projects.push(project);
    const result = project.transform(consoleToLogger as AnyTransform).get('src/app.js');
    const exitSite = result && 'sites' in result ? result.sites.find((site) => site.reason === 'exit-after-async-log') : undefined;
    expect(exitSite?.line).toBe(18);
    const source = project.read('src/app.js');
    expect(source).toContain("console.error('Fatal:', new Error('about to exit'));\nprocess.exit(1);");
    expect(source.match(/console\./g)).toHaveLength(1);
  });

  const winstonLogger = (format: string) => `const winston = require('winston');
module.exports = winston.createLogger({
  format: ${format},
  transports: [new winston.transports.Console()],
});
`;
  const records = (stdout: string) =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, any>);

  it('leaves lone errors on the console when the existing winston format has no format.errors() (winston would write neither message nor stack)', () => {
    const project = tempProject({
      'package.json': JSON.stringify({ name: 'app' }),
      'src/app.js': program(false),
      'src/lib/logger.js': winstonLogger('winston.format.json()'),
    });
    projects.push(project);
    const result = project.transform(consoleToLogger as AnyTransform).get('src/app.js');
    const refused = result && 'sites' in result ? result.sites.filter((site) => site.reason === 'logger-drops-error').map((site) => site.line) : [];
    expect(refused).toEqual([14, 17]);
    const source = project.read('src/app.js');
    expect(source).toContain("emitter.on('error', console.error);");
    expect(source).toContain("console.error(new Error('lone error'));");
    const run = spawnSync(process.execPath, ['src/app.js'], { cwd: project.dir, encoding: 'utf8' });
    const saved = records(run.stdout).find((r) => String(r.message).includes('Save failed'));
    // message and error: winston copies the error's message and stack into the record itself
    expect(String(saved?.stack)).toContain('Error: disk full');
    expect(run.stderr).toContain('Error: lone error');
  });

  it('leaves every error on the console when the winston printf template does not print the stack', () => {
    const project = tempProject({
      'package.json': JSON.stringify({ name: 'app' }),
      'src/app.js': program(false),
      'src/lib/logger.js': winstonLogger(
        'winston.format.combine(winston.format.errors({ stack: true }), winston.format.printf(({ level, message }) => `${level}: ${message}`))',
      ),
    });
    projects.push(project);
    const result = project.transform(consoleToLogger as AnyTransform).get('src/app.js');
    const refused = result && 'sites' in result ? result.sites.filter((site) => site.reason === 'logger-drops-error') : [];
    expect(refused.map((site) => site.line)).toEqual([7, 14, 17, 18]);
    expect(refused[0]?.detail).toContain('does not print `stack`');
    expect(project.read('src/app.js')).toContain("logger.info('Order created', { orderId: 'o-1' });");
  });

  for (const existing of [true, false]) {
    it(`logs the stack of an unhandled rejection's reason (${existing ? "the project's winston logger" : 'generated winston logger'})`, () => {
      const project = tempProject({
        'package.json': JSON.stringify({ name: 'app' }),
        'src/app.js': `process.on('unhandledRejection', (reason) => {
  console.error('Unhandled rejection:', reason);
  process.exit(1);
});

Promise.reject(new Error('nobody caught me'));
`,
        ...(existing
          ? { 'src/lib/logger.js': winstonLogger('winston.format.combine(winston.format.errors({ stack: true }), winston.format.json())') }
          : {}),
      });
      projects.push(project);
      project.transform(consoleToLogger as AnyTransform, existing ? {} : { library: 'winston' });
      expect(project.read('src/app.js')).not.toContain('console.');
      const run = spawnSync(process.execPath, ['src/app.js'], { cwd: project.dir, encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(1);
      const record = records(run.stdout).find((r) => String(r.message).includes('Unhandled rejection'));
      expect(record, run.stdout).toBeDefined();
      expect(String(record!.stack)).toContain('Error: nobody caught me');
      expect(String(record!.stack)).toMatch(/\n\s+at /);
    });
  }
});
