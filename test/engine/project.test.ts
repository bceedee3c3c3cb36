/**
 * The engine's project view answers "does this file exist" from one listing per directory (import
 * resolution asks for many paths that do not exist); each answer must be the one a stat gives.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Project } from '../../src/engine/project.js';
import { tree } from '../support/tmp.js';

describe('Project.exists and readFile', () => {
  it('answers as a stat would: files, directories, symlinks, missing folders, unplain paths', () => {
    const root = tree({ 'src/a.js': 'a', 'src/lib/index.js': 'i', 'config/real.json': '{}', 'package.json': '{}' });
    mkdirSync(join(root, 'src/empty'));
    symlinkSync(join(root, 'config/real.json'), join(root, 'config/link.json'));
    symlinkSync(join(root, 'src/lib'), join(root, 'src/linked-dir'));
    const project = new Project(root, ['src/a.js']);
    expect(project.exists('src/a.js')).toBe(true);
    expect(project.exists('src/lib/index.js')).toBe(true); // not a file of the run, still a file
    expect(project.exists('src/lib')).toBe(false); // a directory
    expect(project.exists('src/empty')).toBe(false);
    expect(project.exists('src/b.js')).toBe(false);
    expect(project.exists('nowhere/b.js')).toBe(false);
    expect(project.exists('src/a.js/x')).toBe(false); // below a file
    expect(project.exists('config/link.json')).toBe(true); // a symlink to a file
    expect(project.exists('src/linked-dir/index.js')).toBe(true); // through a symlinked directory
    expect(project.exists('src/lib/../a.js')).toBe(true);
    expect(project.exists('package.json')).toBe(true);
    expect(project.readFile('config/link.json')).toBe('{}');
    expect(project.readFile('src/missing.js')).toBeUndefined();
    expect(project.readFile('src/lib')).toBeUndefined();
    expect(project.resolveImport('src/a.js', './lib')).toBe('src/lib/index.js');
  });

  it('asks the file system for a name the listing cannot vouch for: one differing only in case, or with non-ASCII characters', () => {
    // the listing of src/ is read once (below); files made after it are only seen through a stat,
    // so each is found only if that name is asked of the file system rather than of the listing
    const root = tree({ 'src/User.js': 'u' });
    const project = new Project(root, []);
    expect(project.exists('src/User.js')).toBe(true);
    expect(project.exists('src/other.js')).toBe(false);
    writeFileSync(join(root, 'src/user.js'), 'v'); // a case-insensitive file system would find User.js for it
    writeFileSync(join(root, 'src/mode\u0300le.js'), 'w'); // one that normalises Unicode would find another spelling
    writeFileSync(join(root, 'src/late.js'), 'x');
    expect(project.exists('src/user.js')).toBe(true);
    expect(project.exists('src/mode\u0300le.js')).toBe(true);
    expect(project.exists('src/late.js')).toBe(false); // a plain name: the listing answers, as a cached stat did
  });
});
