/**
 * mongoose-lean's document API list comes from Mongoose itself: the committed entry for the
 * installed version must equal what that version's prototypes answer (regenerate with
 * `npm run document-api` after upgrading mongoose).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain .mjs script without typings
import { FILE, installed } from './document-api.mjs';

const data = JSON.parse(readFileSync(FILE, 'utf8')) as { versions: Record<string, Record<string, string[]>> };

describe('transforms/mongoose-lean/document-api.json', () => {
  it('has the entry of the installed mongoose, equal to what its prototypes answer', () => {
    const { version, entry } = installed() as { version: string; entry: Record<string, string[]> };
    expect(data.versions[version], `no entry for mongoose ${version}: run npm run document-api`).toEqual(entry);
  });

  it('keeps the names older majors still in use answer (.delete() and .remove() of Mongoose 5/6)', () => {
    const names = new Set(Object.values(data.versions).flatMap((entry) => Object.values(entry).flat()));
    for (const name of ['delete', 'remove', 'save', 'toObject', 'populate', 'isModified']) expect(names.has(name), name).toBe(true);
  });
});
