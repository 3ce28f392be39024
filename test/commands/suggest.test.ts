// "Did you mean" (src/commands/suggest.ts): a mistyped command reaches the default command as a file name; one
// that is no file and is within two edits of a command is refused with the command it was likely meant as.
import t from 'tap';
import { checkMistypedCommand, distance } from '../../src/commands/suggest.js';
import { UsageError } from '../../src/errors.js';
import { fixture } from '../helpers/paths.js';

t.test('distance: Levenshtein edits between two short strings', async (t) => {
  const cases: readonly (readonly [string, string, number])[] = [
    ['analyze', 'analyze', 0],
    ['inspct', 'inspect', 1],
    ['colect', 'collect', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
    ['max-heap-grwth', 'max-heap-growth', 1],
  ];
  for (const [a, b, d] of cases) t.equal(distance(a, b), d, `${a} → ${b}`);
});

t.test('checkMistypedCommand: near a command and no file is refused with the command; anything else goes on', async (t) => {
  t.throws(() => checkMistypedCommand('inspct'), new UsageError('unknown command "inspct"; did you mean "inspect"?'));
  t.throws(() => checkMistypedCommand('colect'), new UsageError('unknown command "colect"; did you mean "collect"?'));
  t.throws(() => checkMistypedCommand('analyse'), new UsageError('unknown command "analyse"; did you mean "analyze"?'));
  t.doesNotThrow(() => checkMistypedCommand(undefined), 'no argument');
  t.doesNotThrow(() => checkMistypedCommand(fixture('grpc-leak')), 'a directory that exists is input, whatever its name');
  t.doesNotThrow(() => checkMistypedCommand('snapshots-2026-11-26'), 'a missing file far from every command is left to the reader to report');
});
