// The import picture stays the one ARCHITECTURE.md draws: http → chat → store, realtime → chat,
// shared (and the small top-level policy modules) used by all, nothing importing upward, and the
// browser code reaching only shared. Read from the TypeScript sources, every import, re-export
// and import() counted, type-only ones too: a type import is still a dependency a reader follows.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import ts from 'typescript';

/** The repository root, from dist/test/architecture/ where the compiled test runs. */
const root = fileURLToPath(new URL('../../../', import.meta.url));

type Layer = 'entry' | 'http' | 'realtime' | 'chat' | 'store' | 'embedded-db' | 'client' | 'shared' | 'base';

/** Which layers each layer may import (itself included). */
const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  // main.ts, server.ts and cluster-primary.ts compose everything.
  entry: ['entry', 'http', 'realtime', 'chat', 'store', 'embedded-db', 'shared', 'base'],
  http: ['http', 'chat', 'shared', 'base'],
  realtime: ['realtime', 'chat', 'shared', 'base'],
  chat: ['chat', 'store', 'shared', 'base'],
  // The store starts the embedded database when MONGO_URL is unset.
  store: ['store', 'embedded-db', 'shared', 'base'],
  // Self-contained; its standalone entry point reads its settings through config.ts.
  'embedded-db': ['embedded-db', 'base'],
  client: ['client', 'shared'],
  shared: ['shared'],
  base: ['base', 'shared'],
};

/** The top-level files that compose everything (the cluster primary starts the database too). */
const ENTRY_FILES = ['main.ts', 'server.ts', 'cluster-primary.ts'];

function layerOf(file: string): Layer {
  const [top, sub] = file.split('/').slice(1);
  if (sub === undefined) return ENTRY_FILES.includes(top!) ? 'entry' : 'base';
  if (top === 'http' || top === 'realtime' || top === 'chat' || top === 'store' || top === 'client') return top;
  if (top === 'embedded-db' || top === 'shared') return top;
  throw new Error(`${file}: no layer for src/${top}/; add it to this test and to ARCHITECTURE.md`);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'types' && dir === 'src' ? [] : sourceFiles(rel);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** The repository paths a file imports from this tree ('./x.js' and the browser's './x' alike). */
function localImports(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(path.join(root, file), 'utf8'), true, true);
  return info.importedFiles
    .map((ref) => ref.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => path.posix.join(path.posix.dirname(file), name).replace(/\.js$/, '') + '.ts');
}

function wrongArrows(): string[] {
  const wrong: string[] = [];
  for (const file of sourceFiles('src')) {
    const from = layerOf(file);
    for (const target of localImports(file)) {
      const arrow = `${file} -> ${target}`;
      if (!MAY_IMPORT[from].includes(layerOf(target))) wrong.push(arrow);
    }
  }
  return wrong;
}

describe('import arrows', () => {
  it('reads the whole tree', () => {
    const files = sourceFiles('src');
    assert.ok(files.length > 100, `only ${files.length} source files found under ${root}src`);
    assert.ok(localImports('src/server.ts').includes('src/chat/create-chat.ts'), 'server.ts imports read');
  });

  it('point only downward: http → chat → store, realtime → chat, shared used by all', () => {
    assert.deepEqual(wrongArrows(), []);
  });
});
