/**
 * One support module per package: its flavour follows the package (`type`, else CommonJS), not each
 * file's syntax. A CommonJS package whose files mix `require` and Babel-compiled `import` used to
 * ask for `lib/require-secret.js` twice with two contents (CommonJS and ES module): the run refused
 * both and left every change that needed it out. Each file still imports it in its own syntax.
 */
import { describe, expect, it } from 'vitest';
import { run } from '../../src/changeset/run.js';
import { resolveChain } from '../../src/cli/chain.js';
import { discover } from '../../src/engine/discover.js';
import { registry } from '../../transforms/index.js';
import { tree } from '../support/tmp.js';

const PACKAGE = JSON.stringify({ name: 'api', private: true, scripts: { start: 'babel-node src/server.js' }, dependencies: { express: '^4.21.2', jsonwebtoken: '^9.0.2' } });
const AUTH = `const jwt = require('jsonwebtoken');

const JWT_SECRET = process.env.JWT_SECRET || 'dev_jwt_secret';

module.exports = (token) => jwt.verify(token, JWT_SECRET);
`;
const SESSION = `import session from 'express-session';

export default session({ secret: process.env.SESSION_SECRET || 'keyboard cat', resave: false });
`;

describe('support module flavour', () => {
  it('a CommonJS package mixing require and import gets one CommonJS module, imported in each file\'s syntax', () => {
    const root = tree({ 'package.json': PACKAGE, 'src/auth.js': AUTH, 'src/session.js': SESSION, 'src/server.js': "require('./auth');\nrequire('./session');\n" });
    const chain = resolveChain({ transform: 'secret-fallbacks' }, registry);
    const changeset = run({ root, discovery: discover({ root, cwd: root, patterns: ['.'] }), chain });
    expect(changeset.errors).toEqual([]);
    const after = (path: string) => changeset.changes.find((c) => c.path === path)?.after;
    expect(after('src/auth.js')).toContain("const { requireSecret } = require('./lib/require-secret');");
    expect(after('src/session.js')).toContain("import { requireSecret } from './lib/require-secret.js';");
    const modules = changeset.changes.filter((c) => c.path.startsWith('src/lib/require-secret'));
    expect(modules.map((c) => c.path)).toEqual(['src/lib/require-secret.js']);
    expect(modules[0]!.after).toContain('module.exports');
  });
});
