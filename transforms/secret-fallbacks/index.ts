import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { flavourOf, importSupportExport, supportModuleTarget, supportSpecifier, supportTemplates } from '../../src/ast/support-module.js';
import { harden } from '../../src/package-root.js';
import { defineTransform } from '../../src/transform.js';
import { literalText } from '../../src/ast/values.js';
import { findCandidates } from './candidates.js';

const { templates: TEMPLATES, isGenerated } = supportTemplates((name) => readFileSync(harden('transforms', 'secret-fallbacks', 'templates', name), 'utf8'), 'require-secret');

/** The exported helper's name; src/output/runtime-needs.ts reads calls of it (and of `requireSecret2`, ...). */
export const HELPER = 'requireSecret';

export default defineTransform({
  id: 'secret-fallbacks',
  title: 'Require secrets in production instead of falling back to a default in the code',
  description:
    'A secret-like environment variable read with a literal fallback (`process.env.JWT_SECRET || \'dev\'`, `??`, ' +
    '`process.env[\'X\']`, `const { X = \'dev\' } = process.env`) becomes `requireSecret(\'JWT_SECRET\', \'dev\')` from a ' +
    'generated module: the variable when set, the old default outside production, and an error at start-up in production.',
  seed: [
    { review: '002', finding: 'Environment Configuration & Secrets Management' },
    { review: '001', finding: 'Configuration Management' },
  ],
  skipReasons: {
    'not-a-secret':
      'the name mentions a secret word but names something else (a URL, a path, a duration, a prefix, a public or storage key), or the default is such a value',
    'default-not-literal':
      'the fallback is not a string literal (a call, a variable, a number): harden cannot tell whether it is a public value; make the variable required by hand if it is',
    'empty-default':
      'the fallback is an empty string, which usually marks an optional integration (off when unset); requiring it in production would stop servers that do not use it',
    'read-in-function':
      'the variable is read inside a function, so in production the error would be thrown when the function runs (a failing request, an unhandled rejection) instead of at start-up; read it once at module level (a config module) and run harden again',
    'several-variables':
      'the fallback follows several variables (`process.env.A || process.env.B || \'x\'`); requireSecret takes one name, so choose which one is required and rewrite by hand',
    'module-path-taken': 'a different file already exists where the generated require-secret module would go',
  },
  needs: ['process.env'],
  scope: 'file',
  standAloneSites: false,
  options: z.object({}),
  apply({ j, root, file, sites, request, project }) {
    const candidates = findCandidates(j, root);
    if (candidates.length === 0) return;
    const flavour = flavourOf(file);
    const { relative, target } = supportModuleTarget(project, file, flavour, 'require-secret');
    const existing = project.readFile(target);
    const taken = existing !== undefined && !isGenerated(existing);

    const wanted = [];
    for (const candidate of candidates) {
      if (candidate.refusal) {
        sites.skipped(candidate.node, candidate.refusal.reason, candidate.refusal.detail);
        continue;
      }
      if (taken || target === file.path) {
        sites.skipped(candidate.node, 'module-path-taken', target);
        continue;
      }
      const shown = JSON.stringify(literalText(candidate.literal) ?? '');
      if (!sites.changed(candidate.node, `${candidate.name}: required in production; ${shown} only outside production`)) continue;
      wanted.push(candidate);
    }
    if (wanted.length === 0) return;
    const local = importSupportExport(j, root, file, supportSpecifier(j, root, file, target), HELPER);
    for (const candidate of wanted) {
      const call = j.callExpression(j.identifier(local), [j.stringLiteral(candidate.name), candidate.literal]);
      if (candidate.replace.kind === 'expression') candidate.replace.path.replace(call);
      else candidate.replace.property.value.right = call;
    }
    request.file(relative, TEMPLATES[flavour]);
  },
});
