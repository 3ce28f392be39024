// --redact: strip what identifies people and machines from everything written before a report is shared:
// home directories, absolute build paths (kept to their last two elements), this machine's host names, and
// IP addresses other than loopback. Function names and module paths stay: they are the diagnosis.
/** /home/alice/, /Users/alice/, /root/ → ~/ */
const HOME = /(?:\/home\/[^/\s"'`|)]+|\/Users\/[^/\s"'`|)]+|\/root)(?=\/)/g;
/** An absolute path of three or more directories before a file: `/srv/build/1234/svc/cmd/main.go`. */
const DEEP_PATH = /(^|[\s"'`(|=])\/(?:[^/\s"'`|)]+\/){2,}([^/\s"'`|)]+\/[^/\s"'`|)]+)/g;
const IPV4 = /\b(?!127\.)(?:\d{1,3}\.){3}\d{1,3}\b/g;
export function makeRedactor(hostnames) {
    const hosts = hostnames.filter((h) => h.length >= 3 && h !== 'localhost').map((h) => new RegExp(`\\b${h.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'g'));
    return (text) => {
        let out = text.replace(HOME, '~').replace(DEEP_PATH, '$1…/$2').replace(IPV4, '<ip>');
        for (const h of hosts)
            out = out.replace(h, '<host>');
        return out;
    };
}
//# sourceMappingURL=redact.js.map