// One evaluation run judged against the ground truth. What counts as right is fixed here, before and apart
// from any diagnosis rule, and only reads leakdiff's JSON contract (DESIGN.md section 5):
// - a leak: verdict `leak`, and every expected leak found as its own finding with the expected culprit (or an
//   accepted alternative) and signature; no other finding at medium confidence or above; when neither the
//   culprit nor any alternative is named anywhere in the run's input files, no profile could have shown it,
//   and the right answer is the expected signature with no culprit named (naming another function sends a
//   team to the wrong code); so it is where the truth says the profiles cannot single the culprit out
//   (`fromProfiles: candidates`), though naming the culprit itself is right there too;
// - a control: verdict `no-leak` over the whole window; cut to a few snapshots, anything but `leak`;
// - cut to 2 snapshots, a leak must not be called `no-leak` and a control must not be called `leak`.

import type { Expected, Form } from './matrix.js';

export interface GotFinding {
  readonly culprit: string | null;
  readonly signature: string | null;
  readonly confidence: string;
  readonly kind: string;
}

export interface Got {
  readonly verdict: string;
  readonly findings: readonly GotFinding[];
}

export interface Judgement {
  readonly ok: boolean;
  /** A control called a leak. */
  readonly falseAlarm: boolean;
  /** What goes wrong, in a phrase; '' when right. */
  readonly why: string;
}

/** Closure and wrapper suffixes carry no identity (DESIGN.md section 2): `submit.func1.2` is `submit`. */
export function baseFunction(name: string): string {
  return name.replace(/(\.(func|gowrap|deferwrap)\d+(\.\d+)*)+$/, '');
}

const sameFunction = (a: string | null, b: string): boolean => a !== null && baseFunction(a) === baseFunction(b);
const serious = (f: GotFinding): boolean => f.confidence === 'high' || f.confidence === 'medium';

/**
 * `inInput(name)` says whether a function name occurs in any of the run's input files (the run's evidence);
 * by default every name does.
 */
export function judge(expected: Expected, form: Form, got: Got | { error: string }, inInput: (name: string) => boolean = () => true): Judgement {
  if ('error' in got) return { ok: false, falseAlarm: false, why: `error: ${got.error}` };
  const few = form.cut !== null;
  if (expected.verdict === 'no-leak') {
    const falseAlarm = got.verdict === 'leak';
    if (falseAlarm) return { ok: false, falseAlarm, why: 'false alarm: a control called a leak' };
    if (!few && got.verdict !== 'no-leak') return { ok: false, falseAlarm, why: `control not cleared: ${got.verdict}` };
    return { ok: true, falseAlarm, why: '' };
  }
  if (form.cut === 2)
    return got.verdict === 'no-leak' ? { ok: false, falseAlarm: false, why: 'a leak called no-leak' } : { ok: true, falseAlarm: false, why: '' };
  if (got.verdict !== 'leak') return { ok: false, falseAlarm: false, why: `a leak called ${got.verdict}` };
  const used = new Set<number>();
  const problems: string[] = [];
  for (const leak of expected.leaks) {
    const names = [leak.culprit, ...leak.also];
    const knowable = names.some((n) => inInput(baseFunction(n)));
    const named = (f: GotFinding): boolean => names.some((n) => sameFunction(f.culprit, n));
    const unnamed = (f: GotFinding): boolean => f.culprit === null && (f.signature ?? null) === leak.signature;
    const right = leak.fromProfiles === 'candidates' ? (f: GotFinding) => named(f) || unnamed(f) : knowable ? named : unnamed;
    const i = got.findings.findIndex((f, k) => !used.has(k) && right(f));
    if (i < 0) {
      const why =
        leak.fromProfiles === 'candidates'
          ? `${leak.culprit}, or ${leak.signature ?? 'its pattern'} with no culprit, not found`
          : knowable
            ? `culprit ${leak.culprit} not found`
            : `${leak.signature ?? 'finding'} with no culprit not found (${leak.culprit} is in no input file)`;
      problems.push(why);
      continue;
    }
    used.add(i);
    if ((got.findings[i].signature ?? null) !== leak.signature)
      problems.push(`signature ${got.findings[i].signature ?? 'none'}, expected ${leak.signature ?? 'none'}`);
  }
  const extra = got.findings.filter((f, k) => !used.has(k) && serious(f));
  if (extra.length > 0)
    problems.push(`${extra.length} extra finding${extra.length === 1 ? '' : 's'} (${extra.map((f) => f.culprit ?? 'no culprit').join(', ')})`);
  return { ok: problems.length === 0, falseAlarm: false, why: problems.join('; ') };
}
