/**
 * The generated logger modules (templates) and the rewritten TypeScript call sites type-check
 * against the real pino and winston typings, strict, in an ES module package and a CommonJS one
 * (NodeNext resolution, so the import specifier harden writes must be right too).
 */
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import consoleToLogger from '../../transforms/console-to-logger/index.js';
import type { AnyTransform } from '../../src/transform.js';
import { tempProject, type TempProject } from './project.js';

const callSites = `import { EventEmitter } from 'node:events';

export async function handle(userId: string, load: () => Promise<number>): Promise<void> {
  try {
    await load();
  } catch (err) {
    console.error('Load failed:', err, { userId });
  }
  const order = { id: 7 };
  console.info('Order created', { orderId: order.id, userId });
  console.warn(\`Slow query for \${userId}\`);
  console.debug('Order details', order);
  const emitter = new EventEmitter();
  emitter.on('error', console.error);
  load().catch(console.warn);
  try {
    await load();
  } catch (error) {
    console.error(error);
    process.exit(1);
  }
}
`;

const projects: TempProject[] = [];
afterAll(() => projects.forEach((project) => project.remove()));

function typeErrors(dir: string, files: string[]): string[] {
  const program = ts.createProgram(
    files.map((file) => join(dir, file)),
    {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: ['node'],
      typeRoots: [join(dir, 'node_modules', '@types')],
      skipLibCheck: true,
    },
  );
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${d.file.fileName.slice(dir.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

describe('generated logger and rewritten call sites type-check', () => {
  for (const library of ['pino', 'winston'] as const) {
    for (const type of ['module', 'commonjs'] as const) {
      it(`${library}, "type": "${type}"`, () => {
        const project = tempProject({
          'package.json': JSON.stringify({ name: 'app', type }),
          'tsconfig.json': '{}',
          'src/handler.ts': callSites,
        });
        projects.push(project);
        const result = project.transform(consoleToLogger as AnyTransform, { library }).get('src/handler.ts');
        expect(result?.status).toBe('changed');
        const source = project.read('src/handler.ts');
        expect(source).not.toMatch(/console\./);
        expect(source).toContain(type === 'module' ? "from './lib/logger.js'" : "from './lib/logger'");
        expect(project.read('src/lib/logger.ts')).toContain(library === 'pino' ? "from 'pino'" : "from 'winston'");
        expect(typeErrors(project.dir, ['src/lib/logger.ts', 'src/handler.ts'])).toEqual([]);
      });
    }
  }

  it('reports errors (the check is not vacuous)', () => {
    const project = tempProject({
      'package.json': JSON.stringify({ name: 'app', type: 'module' }),
      'src/handler.ts': "import { pino } from 'pino';\nexport const logger = pino();\nlogger.nope('x');\n",
    });
    projects.push(project);
    expect(typeErrors(project.dir, ['src/handler.ts']).join('\n')).toContain("Property 'nope' does not exist");
  });
});
