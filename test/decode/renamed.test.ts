// The form is sniffed from content, never from the file name: every form, renamed to another form's name
// (or to no extension at all), decodes exactly as under its own name.
import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { runInspect } from '../../src/commands/inspect.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { scratch } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';

const MISLEADING = ['goroutine.pb.gz', 'heap.txt', 'profile', 'debug2.txt.gz', 'cpu.pprof'];

t.test('every form decodes the same under a misleading name', async (t) => {
  const dir = scratch(t);
  const originals = readdirSync(fixture('grpc-leak'))
    .filter((f) => /-02-/.test(f))
    .map((f) => fixture('grpc-leak', f));
  t.equal(originals.length, 5, 'one round: five forms');
  const inspect = (files: string[]) => runInspect({ files, json: true, limits: DEFAULT_LIMITS }).rows;
  const expected = inspect(originals);
  originals.forEach((file, i) => {
    const renamed = join(dir, `${i}-${MISLEADING[i]}`);
    copyFileSync(file, renamed);
    const [row] = inspect([renamed]);
    t.equal(row.form, expected[i].form, `${file.split('/').pop()} as ${MISLEADING[i]}: form`);
    t.equal(row.kind, expected[i].kind, 'kind');
    t.same(row.totals, expected[i].totals, 'totals');
  });
});
