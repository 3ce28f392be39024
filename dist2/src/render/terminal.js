// The report in a terminal: marked with marked-terminal, loaded only here and only when a terminal is what
// we print to (it adds about 0.3 s to start-up). Colour follows NO_COLOR, FORCE_COLOR and --no-color; with
// colour off every style is the identity and cli-table3's head and border styles are emptied (measured:
// marked-terminal 7.3 tables emit colour codes even with NO_COLOR=1 otherwise), and any escape code that
// still slips through is stripped.
const STYLES = ['code', 'blockquote', 'html', 'heading', 'firstHeading', 'hr', 'listitem', 'table', 'paragraph', 'strong', 'em', 'codespan', 'del', 'link', 'href'];
const ANSI = /\u001b\[[0-9;]*m/g;
/**
 * Styles from a chalk instance at an explicit level: leakdiff decides about colour (wantsColor), not chalk's
 * own detection, which says no in CI and under some terminals even when FORCE_COLOR or a TTY says yes.
 */
async function styles(color) {
    if (!color)
        return Object.fromEntries(STYLES.map((s) => [s, (text) => text]));
    const { Chalk } = await import('chalk');
    const c = new Chalk({ level: 1 });
    return {
        code: c.yellow, blockquote: c.gray.italic, html: c.gray, heading: c.green.bold, firstHeading: c.magenta.underline.bold,
        hr: c.reset, listitem: c.reset, table: c.reset, paragraph: c.reset, strong: c.bold, em: c.italic,
        codespan: c.yellow, del: c.dim.gray.strikethrough, link: c.blue, href: c.blue.underline,
    };
}
export async function renderTerminal(markdown, opts) {
    const [{ Marked }, { markedTerminal }] = await Promise.all([import('marked'), import('marked-terminal')]);
    const options = {
        ...(await styles(opts.color)),
        width: Math.max(60, Math.min(opts.width, 140)),
        reflowText: true,
        emoji: false,
        tab: 2,
        tableOptions: opts.color ? {} : { style: { head: [], border: [] } },
    };
    const out = await new Marked(markedTerminal(options, { ignoreIllegals: true })).parse(markdown);
    return opts.color ? out : out.replace(ANSI, '');
}
/** Colour on a terminal unless NO_COLOR is set or --no-color given; FORCE_COLOR forces it on. */
export function wantsColor(env, isTTY, noColorFlag) {
    if (noColorFlag)
        return false;
    if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false')
        return true;
    if (env.NO_COLOR !== undefined && env.NO_COLOR !== '')
        return false;
    return isTTY;
}
//# sourceMappingURL=terminal.js.map