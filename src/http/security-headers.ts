import type express from 'express';
import helmet from 'helmet';

/** Which helmet Content-Security-Policy directives: the web pages' own if they export them. */
function cspDirectives(): Record<string, string[]> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const web = require('./web.routes') as { WEB_CSP_DIRECTIVES?: Readonly<Record<string, readonly string[]>> };
    if (web.WEB_CSP_DIRECTIVES) {
      return Object.fromEntries(Object.entries(web.WEB_CSP_DIRECTIVES).map(([k, v]) => [k, [...v]]));
    }
  } catch {
    // no web pages in this build
  }
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'worker-src': ["'self'", 'blob:'],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'frame-ancestors': ["'self'"],
  };
}

/** helmet's usual headers; CSP from the web pages (WEB_CSP_DIRECTIVES) or a same-origin default. */
export function securityHeaders(): express.RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: cspDirectives() },
    // API responses are read cross-origin by portals' dashboards when CORS allows it.
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
}
