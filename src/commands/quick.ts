// Start-up without yargs for the two runs people make most: `leakdiff --help` and an analysis of files with
// plain flags. Loading yargs and its help machinery (cliui, string-width's Intl.Segmenter, y18n) costs more
// CPU than node's own start-up, more than a small analysis. Each quick path answers only where its answer is
// certainly yargs' own (test/commands/quick.test.ts compares them over a table of argv), and returns null for
// anything else, which yargs (commands/parser.ts) then parses as always: every error, every unusual form.

import { ANALYZE_TAKES } from './analyze-options.js';
import type { HelpPage } from './help-text.js';
import type { Parsed } from './parser.js';

const HELP_FLAGS: ReadonlySet<string> = new Set(['--help', '-h']);
const PAGES: ReadonlySet<string> = new Set(['analyze', 'collect', 'inspect']);

/**
 * The help text yargs prints for `--help` or `<command> --help`, from help-text.ts, when yargs would print
 * that very text: wrapped at its full width (the terminal has at least HELP_COLUMNS columns, or stdout is
 * not a terminal) and in English. yargs picks its language from LC_ALL, LC_MESSAGES, LANG, LANGUAGE, in that
 * order (yargs-factory.js, guessLocale), without the encoding, and has no file for C or POSIX (English as
 * written) and only en.json for English. Null for anything else.
 */
export async function quickHelp(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, columns: number): Promise<string | null> {
  const page = argv.length === 1 && HELP_FLAGS.has(argv[0]) ? '' : argv.length === 2 && PAGES.has(argv[0]) && HELP_FLAGS.has(argv[1]) ? argv[0] : null;
  if (page === null) return null;
  const locale = (env.LC_ALL || env.LC_MESSAGES || env.LANG || env.LANGUAGE || 'en_US').replace(/[.:].*/, '');
  if (!/^(en(_|$)|C$|POSIX$)/.test(locale)) return null;
  // Loaded only for a help request: 20 kB of text an analysis does not read.
  const { HELP, HELP_COLUMNS } = await import('./help-text.js');
  return Math.min(100, columns) === HELP_COLUMNS ? HELP[page as HelpPage] : null;
}

/**
 * Words yargs may read as more than a file name or a value: command names (a command, or a typo of one that
 * analyzeCommand explains), a boolean's optional value, yargs' own commands.
 */
const SPECIAL_WORDS: ReadonlySet<string> = new Set(['analyze', 'collect', 'inspect', 'help', 'completion', 'true', 'false']);

/** Not empty or blank, not a special word. */
const plain = (word: string): boolean => word.trim() !== '' && !SPECIAL_WORDS.has(word);

/**
 * `leakdiff [analyze] FILE... [--flag value | --switch]...` as yargs' `analyze` would receive it: each flag by
 * its long name, a string flag's value as the next argument (repeated: an array, in order), a switch true;
 * the rest are the snapshots. Null, for yargs to parse, at the first thing not of that form: a short or
 * unknown flag, `--flag=value`, `--no-flag`, `--`, a value that starts with `-` (other than `-` itself), a
 * repeated switch, an empty or blank argument, a special word, a number as a snapshot, or no snapshot at all.
 */
export function quickAnalyze(argv: readonly string[]): Parsed | null {
  const tokens = argv[0] === 'analyze' ? argv.slice(1) : argv;
  const args: Record<string, unknown> = {};
  const snapshots: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (!token.startsWith('--')) {
      // A number is left to yargs, which may parse a positional argument as one (yargs-factory.js, parsePositionalNumbers).
      // `-` alone is standard input (read.ts STDIN); any other leading `-` is a flag yargs should see.
      if ((token.startsWith('-') && token !== '-') || !plain(token) || !Number.isNaN(Number(token))) return null;
      snapshots.push(token);
      continue;
    }
    const name = token.slice(2);
    const takes = ANALYZE_TAKES.get(name);
    if (takes === undefined) return null;
    if (takes === 'boolean') {
      if (args[name] !== undefined) return null;
      args[name] = true;
      continue;
    }
    const value = tokens[++i];
    if (value === undefined || (value.startsWith('-') && value !== '-') || !plain(value)) return null;
    const before = args[name];
    args[name] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value];
  }
  return snapshots.length === 0 ? null : { command: 'analyze', args: { ...args, snapshots } };
}
