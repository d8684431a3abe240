import type express from 'express';
import helmet from 'helmet';
import { WEB_CSP_DIRECTIVES } from './web.routes';

/**
 * helmet's usual headers on every response. The Content-Security-Policy is
 * the web pages' (WEB_CSP_DIRECTIVES), so the pages and the API send one
 * policy; the badge and widget routes set their own (docs/embed.md).
 */
export function securityHeaders(): express.RequestHandler {
  const directives = Object.fromEntries(Object.entries(WEB_CSP_DIRECTIVES).map(([k, v]) => [k, [...v]]));
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    // API responses are read cross-origin by portals' dashboards when CORS allows it.
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
}
