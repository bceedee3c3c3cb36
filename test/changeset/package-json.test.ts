import { describe, expect, it } from 'vitest';
import { addDependencies } from '../../src/changeset/package-json.js';

describe('addDependencies', () => {
  it('inserts in sorted position when the section is sorted, keeping indentation and newline', () => {
    const text = '{\n    "name": "x",\n    "dependencies": {\n        "express": "^5.0.0",\n        "zod": "^4.0.0"\n    }\n}\n';
    expect(addDependencies(text, [{ name: 'pino', range: '^10.4.0', dev: false }])).toBe(
      '{\n    "name": "x",\n    "dependencies": {\n        "express": "^5.0.0",\n        "pino": "^10.4.0",\n        "zod": "^4.0.0"\n    }\n}\n',
    );
  });

  it('keeps CRLF and creates a missing section', () => {
    const text = '{\r\n  "name": "x"\r\n}\r\n';
    expect(addDependencies(text, [{ name: 'ioredis', range: '^5.9.0', dev: false }])).toBe(
      '{\r\n  "name": "x",\r\n  "dependencies": {\r\n    "ioredis": "^5.9.0"\r\n  }\r\n}\r\n',
    );
  });

  it('leaves a declared dependency alone, in any section', () => {
    const text = '{ "devDependencies": { "pino": "^9.0.0" } }';
    expect(addDependencies(text, [{ name: 'pino', range: '^10.4.0', dev: false }])).toBe(text);
  });

  it('inserts as text into a hand-formatted manifest without reformatting it', () => {
    const text = '{ "name": "x",\n  "dependencies": { "express": "^5" },\n  "scripts": {"start": "node ."} }\n';
    const after = addDependencies(text, [{ name: 'pino', range: '^10.4.0', dev: false }]);
    expect(JSON.parse(after).dependencies).toEqual({ express: '^5', pino: '^10.4.0' });
    expect(after).toContain('"scripts": {"start": "node ."} }');
  });
});
