import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { writeTree } from '../lib/synth/write-tree';

const tree = (entries: Record<string, string>) => new Map(Object.entries(entries));
const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));
const tempRoot = () => { const r = mkdtempSync(join(tmpdir(), 'write-tree-')); roots.push(r); return r; };

describe('writeTree', () => {
  test('removes stale files and folders and counts what changed', () => {
    const root = tempRoot();
    mkdirSync(join(root, 'poc', 'gone-app'), { recursive: true });
    writeFileSync(join(root, 'poc', 'gone-app', 'x.yaml'), 'old');
    mkdirSync(join(root, 'poc', 'app'), { recursive: true });
    writeFileSync(join(root, 'poc', 'app', 'same.yaml'), 'same');
    writeFileSync(join(root, 'poc', 'app', 'changed.yaml'), 'v1');

    const stats = writeTree(root, 'poc', tree({ 'app/same.yaml': 'same', 'app/changed.yaml': 'v2', 'app/new.yaml': 'n' }));

    expect(stats).toEqual({ written: 2, unchanged: 1, removed: 1 });
    expect(existsSync(join(root, 'poc', 'gone-app'))).toBe(false);
    expect(readdirSync(join(root, 'poc', 'app')).sort()).toEqual(['changed.yaml', 'new.yaml', 'same.yaml']);
    expect(readFileSync(join(root, 'poc', 'app', 'changed.yaml'), 'utf8')).toBe('v2');
    expect(readdirSync(root)).toEqual(['poc']); // no staging leftovers
  });

  test('leaves other sites alone', () => {
    const root = tempRoot();
    mkdirSync(join(root, 'lab'), { recursive: true });
    writeFileSync(join(root, 'lab', 'keep.yaml'), 'lab');
    writeTree(root, 'poc', tree({ 'a/b.yaml': 'x' }));
    expect(readFileSync(join(root, 'lab', 'keep.yaml'), 'utf8')).toBe('lab');
  });

  test('does not touch the tree when nothing changed', () => {
    const root = tempRoot();
    writeTree(root, 'poc', tree({ 'a/b.yaml': 'x' }));
    expect(writeTree(root, 'poc', tree({ 'a/b.yaml': 'x' }))).toEqual({ written: 0, unchanged: 1, removed: 0 });
  });
});
