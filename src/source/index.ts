// The source stage of a report: for each finding, the culprit's function as it is in the user's checkout
// (`--source DIR`) or the module cache, with per-line figures. Files are read here, once, before rendering;
// what is read is only what the findings name.

import { readFileSync } from 'node:fs';
import type { Finding } from '../diagnose/index.js';
import type { SeriesSet } from '../series/index.js';
import { candidates, type SourceRoots } from './locate.js';
import { sourceView, type SourceFile, type SourceView } from './view.js';

export { moduleCacheDir, type SourceRoots } from './locate.js';
export type { LineFigures, SourceLine, SourceView } from './view.js';

/** One view per finding, in the findings' order; null for a finding without a culprit. */
export function sourceViews(series: SeriesSet, findings: readonly Finding[], roots: SourceRoots): (SourceView | null)[] {
  const files = new Map<string, SourceFile>();
  const readOnce = (path: string, via: 'source' | 'module-cache'): SourceFile => {
    const file = files.get(path) ?? read(path, via);
    files.set(path, file);
    return file;
  };
  return findings.map((f) => {
    if (f.culprit === null) return null;
    const frame = series.frames[f.culprit.frame];
    const missing = `no file under ${roots.dirs.join(', ')} ends with a tail of ${frame.file}${roots.modCache === null || frame.origin !== 'library' ? '' : `, nor is it in the module cache ${roots.modCache}`}`;
    let first: SourceView | null = null;
    for (const at of candidates(frame, roots)) {
      const view = sourceView(series, f, readOnce(at.path, at.via), missing);
      if (view === null || view.stale === null) return view;
      first ??= view;
    }
    return first ?? sourceView(series, f, null, missing);
  });
}

/** A file that exists but cannot be read is said so in the report, with the system's reason. */
function read(path: string, via: 'source' | 'module-cache'): SourceFile {
  try {
    return { path, via, text: readFileSync(path, 'utf8'), error: null };
  } catch (err) {
    return { path, via, text: null, error: `${path} could not be read: ${(err as Error).message}` };
  }
}
