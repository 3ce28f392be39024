// The Go text forms, in the order their sniffers are asked. Each sniff sees the first 64 KiB as text and
// answers only "mine" or "not mine"; once a sniff says "mine", its parser owns the file and reports damage.
import { parseGoroutineDump, sniffGoroutineDump } from './goroutine-dump.js';
import { parseGoroutineText, sniffGoroutineText } from './goroutine-text.js';
import { parseHeapText, sniffHeapText } from './heap-text.js';
const form = (name, sniff, parse) => ({ name, sniff: (head) => sniff(head) === 'my format', parse });
export const TEXT_FORMS = [
    form('heap?debug=1', sniffHeapText, parseHeapText),
    form('goroutine?debug=1', sniffGoroutineText, parseGoroutineText),
    form('goroutine?debug=2', sniffGoroutineDump, parseGoroutineDump),
];
//# sourceMappingURL=text-forms.js.map