// The shape of the code, asserted over its import statements (type-only imports and re-exports included: a
// type is knowledge too): data flows one way through the pipeline of DESIGN.md section 1, so a module imports
// only the shared model and modules of its own or an earlier stage, and no set of modules imports itself in a
// circle. The statements are read with TypeScript's own pre-processor, which sees every form of import.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import t from 'tap';
import ts from 'typescript';
import { ROOT } from '../helpers/paths.js';

const SRC = join(ROOT, 'src');

/**
 * The stages in pipeline order, each with the files that make it (paths relative to src/, a trailing `/` for a
 * whole folder). `shared` is what every stage may use: the model and the plumbing with no stage of its own.
 * A new file must be placed here: the test names it when it is not.
 */
const STAGES: readonly { readonly stage: string; readonly files: readonly string[] }[] = [
  { stage: 'shared', files: ['model.ts', 'errors.ts', 'limits.ts', 'units.ts', 'forms.ts', 'types/'] },
  { stage: 'read', files: ['read.ts'] },
  { stage: 'decode', files: ['decode/'] },
  { stage: 'normalize', files: ['normalize/'] },
  // The known leak patterns: a table of stack shapes matched against normalized stacks, read by correlate
  // (which frames a pattern names), diagnose and explain; it imports nothing of the pipeline.
  { stage: 'patterns', files: ['patterns/'] },
  { stage: 'series', files: ['series/'] },
  { stage: 'fit', files: ['fit/'] },
  { stage: 'correlate', files: ['correlate.ts', 'correlate/'] },
  { stage: 'diagnose', files: ['diagnose/', 'source/'] },
  { stage: 'explain', files: ['explain/'] },
  // Judging the explained analysis: the CI gates and the comparison with a baseline run, typed results that
  // the report shows and the CLI turns into an exit code.
  { stage: 'gate', files: ['gates.ts', 'compare.ts'] },
  { stage: 'render', files: ['render/', 'redact.ts'] },
  // The edges: commands that run the pipeline, turn its result into exit codes and files, or fetch its input.
  { stage: 'commands', files: ['cli.ts', 'config.ts', 'commands/', 'options.ts', 'write.ts', 'collect/'] },
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') ? [relative(SRC, p)] : [];
  });
}

function stageOf(file: string): number {
  return STAGES.findIndex((s) => s.files.some((f) => (f.endsWith('/') ? file.startsWith(f) : file === f)));
}

/** The src/ files a file imports, relative to src/ (`./x.js` in an import means `x.ts` here). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles
    .map((i) => i.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => relative(SRC, resolve(dirname(join(SRC, file)), name)).replace(/\.js$/, '.ts'));
}

const files = sources(SRC).sort();
const graph = new Map(files.map((f) => [f, importsOf(f)]));

t.test('every source file belongs to a pipeline stage', async (t) => {
  t.ok(files.length > 50, 'the sources are found');
  t.same(
    files.filter((f) => stageOf(f) < 0),
    [],
    'each src file has a stage (add a new one to STAGES in test/house/imports.test.ts)',
  );
});

t.test('every entry of STAGES names a file or folder that exists', async (t) => {
  const stale = STAGES.flatMap((s) => s.files).filter((f) => (f.endsWith('/') ? !files.some((x) => x.startsWith(f)) : !files.includes(f)));
  t.same(stale, [], 'no STAGES entry outlives its file (delete a moved or removed one from STAGES)');
});

t.test('every relative import names a source file', async (t) => {
  const missing = [...graph].flatMap(([f, deps]) => deps.filter((d) => !graph.has(d)).map((d) => `src/${f} imports src/${d}`));
  t.same(missing, [], 'every imported file exists');
});

t.test('no module imports a later stage, even for a type', async (t) => {
  const wrong: string[] = [];
  for (const [f, deps] of graph) {
    const from = stageOf(f);
    for (const d of deps) {
      const to = stageOf(d);
      if (from >= 0 && to > from) wrong.push(`src/${f} (${STAGES[from].stage}) imports src/${d} (${STAGES[to].stage})`);
    }
  }
  t.same(wrong, [], 'imports go to the same or an earlier stage');
});

/** Import circles, each as the files around it (Tarjan's strongly connected components of two or more files). */
function circles(g: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const part: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      on.delete(w);
      part.push(w);
    } while (w !== v);
    if (part.length > 1 || (g.get(v) ?? []).includes(v)) found.push(part.sort());
  };
  for (const v of g.keys()) if (!index.has(v)) visit(v);
  return found;
}

t.test('no import circle', async (t) => {
  const found = circles(graph).map((c) => c.map((f) => `src/${f}`).join(' <-> '));
  t.same(found, [], 'no set of src files imports itself in a circle, even for a type');
});

t.test('the circle finder finds circles (a check of the check)', async (t) => {
  const g = new Map([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a']],
    ['d', ['a']],
    ['e', ['e']],
  ]);
  t.same(circles(g), [['a', 'b', 'c'], ['e']]);
  t.same(
    circles(
      new Map([
        ['a', ['b']],
        ['b', []],
      ]),
    ),
    [],
  );
});
