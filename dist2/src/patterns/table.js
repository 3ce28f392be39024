// The table of known Go leak signatures, from the most specific to the most generic. The order is for
// reading only: matches are sorted by specificity, score and id.
import { CHANNEL_BLOCKED, IO_BLOCKED, UNBOUNDED_COLLECTION } from './generic.js';
import { GRPC_CLIENTCONN_UNCLOSED, GRPC_SERVER_TRANSPORTS_HELD } from './grpc.js';
import { K8S_INFORMER_UNSTOPPED } from './kubernetes.js';
import { HTTP_CLIENT_NO_TIMEOUT, HTTP_RESPONSE_BODY_UNCLOSED, HTTP_SERVER_CONNS_HELD } from './nethttp.js';
import { CONTEXT_CANCEL_UNCALLED, SQL_ROWS_UNCLOSED, SYNC_WAIT_BLOCKED, TIME_TICKER_UNSTOPPED } from './stdlib.js';
export const SIGNATURES = Object.freeze([
    GRPC_CLIENTCONN_UNCLOSED,
    GRPC_SERVER_TRANSPORTS_HELD,
    HTTP_RESPONSE_BODY_UNCLOSED,
    HTTP_CLIENT_NO_TIMEOUT,
    HTTP_SERVER_CONNS_HELD,
    SQL_ROWS_UNCLOSED,
    K8S_INFORMER_UNSTOPPED,
    TIME_TICKER_UNSTOPPED,
    CONTEXT_CANCEL_UNCALLED,
    SYNC_WAIT_BLOCKED,
    CHANNEL_BLOCKED,
    IO_BLOCKED,
    UNBOUNDED_COLLECTION,
]);
//# sourceMappingURL=table.js.map