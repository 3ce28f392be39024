// What a directory holds, to assert a run changed nothing the user gave it and left nothing behind: each
// entry's type and, for files, a hash of its bytes; symlinks by target, never followed.
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export function tree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const st = lstatSync(path);
    const key = prefix + name;
    if (st.isSymbolicLink()) out[key] = `link -> ${readlinkSync(path)}`;
    else if (st.isDirectory()) Object.assign(out, { [key]: 'dir' }, tree(path, `${key}/`));
    else if (st.isFile()) out[key] = `file ${createHash('sha1').update(readFileSync(path)).digest('hex')}`;
    else out[key] = st.isFIFO() ? 'fifo' : st.isCharacterDevice() ? `char ${st.rdev}` : 'other';
  }
  return out;
}
