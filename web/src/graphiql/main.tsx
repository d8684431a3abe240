import './workers';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';

/** GraphiQL's fetcher contract, kept to what a plain POST needs. */
interface FetcherParams {
  query: string;
  operationName?: string | null;
  variables?: unknown;
}

const endpoint = new URL('/graphql', window.location.href).toString();

/** The key the dashboard page was given in this tab, if any (sessionStorage, same origin). */
function sessionKey(): string | null {
  try {
    return sessionStorage.getItem('usage-gateway.apiKey');
  } catch {
    return null;
  }
}

/*
 * POST with Content-Type: application/json: Apollo's CSRF prevention lets it
 * through (it is not a "simple" request), unlike a GET from the page. The
 * dashboard's key is used unless the Headers tab names another.
 */
async function fetcher(params: FetcherParams, opts?: { headers?: Record<string, string> }): Promise<unknown> {
  const own = Object.keys(opts?.headers ?? {}).some((h) => /^(authorization|x-api-key)$/i.test(h));
  const key = own ? null : sessionKey();
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...(opts?.headers ?? {}) },
    body: JSON.stringify(params),
  });
  return res.json();
}

const DEFAULT_QUERY = `# usage-gateway: without a key you see public, published data only.
# A key given to the dashboard page in this tab is used here too;
# or add {"Authorization": "Bearer <key>"} in the Headers tab.
{
  dataDashboard(visibility: PUBLIC) {
    totals { datasets downloads apiCalls reuses }
    top5 { downloads { title count } }
  }
}
`;

const container = document.getElementById('graphiql');
if (container) {
  createRoot(container).render(<GraphiQL fetcher={fetcher as never} defaultQuery={DEFAULT_QUERY} />);
}
