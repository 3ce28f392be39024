// marked-terminal 7 ships no types; @types/marked-terminal targets marked < 12. The one export we use:
declare module 'marked-terminal' {
  import type { MarkedExtension } from 'marked';
  export function markedTerminal(options?: Record<string, unknown>, highlightOptions?: Record<string, unknown>): MarkedExtension;
}
