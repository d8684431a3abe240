import type express from 'express';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';

/** Why a request's signal was aborted. */
export class RequestAborted extends GatewayError {
  constructor(readonly timedOut: boolean, timeoutMs: number) {
    super(
      ErrorCode.REQUEST_TIMEOUT,
      timedOut
        ? `the request exceeded its time budget of ${timeoutMs} ms (REQUEST_TIMEOUT_MS); ask for less`
        : 'the client closed the connection',
      { http: { status: 504 } },
    );
  }
}

/**
 * An AbortSignal for one HTTP request: aborted after `timeoutMs`, or as soon
 * as the client closes the connection before the response is complete.
 */
export function requestSignal(req: express.Request, res: express.Response, timeoutMs: number): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new RequestAborted(true, timeoutMs)), timeoutMs);
  timer.unref();
  const onClose = () => {
    if (!res.writableFinished) controller.abort(new RequestAborted(false, timeoutMs));
  };
  res.once('close', onClose);
  req.socket?.once('close', onClose);
  // The client may have left while the body was still being read.
  if (req.socket?.destroyed) controller.abort(new RequestAborted(false, timeoutMs));
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      res.off('close', onClose);
      req.socket?.off('close', onClose);
    },
  };
}
