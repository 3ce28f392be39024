// --redact (src/redact.ts): what identifies people and machines goes before a report is shared, one case per
// rule; function names and module paths stay, since they are the diagnosis.
import t from 'tap';
import { makeRedactor } from '../src/redact.js';

t.test('each rule, and what stays', async (t) => {
  const redact = makeRedactor(['build-42', 'localhost', 'db']);
  const cases: readonly (readonly [string, string, string])[] = [
    ['a home directory', 'main.go at /home/alice/src/svc/main.go:59', 'main.go at ~/src/svc/main.go:59'],
    [
      "root's home (the module cache of a container build)",
      '/root/go/pkg/mod/google.golang.org/grpc@v1.85.0/clientconn.go',
      '~/go/pkg/mod/google.golang.org/grpc@v1.85.0/clientconn.go',
    ],
    ['a deep build path kept to its last two elements', 'built in /srv/build/1234/svc/cmd/main.go', 'built in …/cmd/main.go'],
    ['an IP address', 'collected from 10.0.3.7:6060', 'collected from <ip>:6060'],
    ['loopback stays', 'collected from 127.0.0.1:6060', 'collected from 127.0.0.1:6060'],
    ["this machine's name", 'captured on build-42.', 'captured on <host>.'],
    ['localhost and names under three letters stay', 'localhost db', 'localhost db'],
    [
      'function names and module paths stay',
      'google.golang.org/grpc.(*addrConn).resetTransport google.golang.org/grpc/clientconn.go',
      'google.golang.org/grpc.(*addrConn).resetTransport google.golang.org/grpc/clientconn.go',
    ],
  ];
  for (const [rule, text, redacted] of cases) t.equal(redact(text), redacted, rule);
});
