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

/*
 * POST with Content-Type: application/json: Apollo's CSRF prevention lets it
 * through (it is not a "simple" request), unlike a GET from the page.
 */
async function fetcher(params: FetcherParams, opts?: { headers?: Record<string, string> }): Promise<unknown> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(opts?.headers ?? {}) },
    body: JSON.stringify(params),
  });
  return res.json();
}

const DEFAULT_QUERY = `# usage-gateway: without a key you see public, published data only.
# Add "Authorization": "Bearer <key>" in the Headers tab to see more.
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
