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

  it('never writes a second "dependencies" key into a one-line manifest (it would drop express)', () => {
    const text = '{"name":"x","dependencies":{"express":"^4.18.0","mongoose":"^8.0.0"},"scripts":{"start":"node ."}}';
    const after = addDependencies(text, [{ name: 'pino', range: '^10.4.0', dev: false }]);
    expect(JSON.parse(after).dependencies).toEqual({ express: '^4.18.0', mongoose: '^8.0.0', pino: '^10.4.0' });
    expect(after.match(/"dependencies"/g)).toHaveLength(1);
    expect(after).toContain('"scripts":{"start":"node ."}}');
  });

  it('finds the section when top-level keys are indented less than the first nested line', () => {
    const text = '{\n"name": "x",\n"dependencies": {\n      "express": "^4"\n},\n"private": true\n}\n';
    const after = addDependencies(text, [{ name: 'ioredis', range: '^5.9.0', dev: false }]);
    expect(after.match(/"dependencies"/g)).toHaveLength(1);
    expect(JSON.parse(after)).toEqual({ name: 'x', dependencies: { express: '^4', ioredis: '^5.9.0' }, private: true });
    expect(after).toContain('\n      "express": "^4",\n      "ioredis": "^5.9.0"\n},');
  });

  it('adds a missing section to a one-line manifest on its one line, and keeps strings with braces intact', () => {
    const text = '{ "name": "x", "description": "a } b { c", "scripts": { "t": "echo \\"}\\"" } }\n';
    const after = addDependencies(text, [{ name: 'pino', range: '^10.4.0', dev: false }]);
    expect(JSON.parse(after)).toEqual({ ...JSON.parse(text), dependencies: { pino: '^10.4.0' } });
    expect(after.split('\n')).toHaveLength(2);
  });

  it('writes an entry into a hand-formatted section in its sorted place and spelling', () => {
    const add = (text: string) => addDependencies(text, [{ name: 'pino', range: '^10.4.0', dev: false }]);
    expect(add('{"name":"x","dependencies":{"express":"4"}}')).toBe('{"name":"x","dependencies":{"express":"4","pino":"^10.4.0"}}');
    expect(add('{"name":"x","dependencies":{ "express": "4", "zod": "3" }}')).toBe('{"name":"x","dependencies":{ "express": "4", "pino": "^10.4.0", "zod": "3" }}');
    // not sorted: at the end
    expect(add('{"dependencies":{"zod":"3","express":"4"}}')).toBe('{"dependencies":{"zod":"3","express":"4","pino":"^10.4.0"}}');
    expect(add('{"name":"x"}')).toBe('{"name":"x","dependencies":{"pino":"^10.4.0"}}');
  });
});
