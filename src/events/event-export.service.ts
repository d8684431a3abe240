/**
 * The raw event export: admin only, a window of stored events, filtered by
 * portal, as CSV records or JSON Lines text (event-rows.ts).
 */
import type { Caller } from '../domain/caller';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import { windowDays, type InstantWindow } from '../dates/date-input';
import type { LoggedEvent } from '../domain/logged-event';
import type { EventExportRepository } from '../store/event-export.repository';
import { eventCsv, eventJson } from './event-rows';

export class EventExportService {
  constructor(private readonly repo: EventExportRepository) {}

  /** Checks the caller now; reads lazily. */
  open(caller: Caller, window: InstantWindow, portal: string | null, signal?: AbortSignal) {
    if (caller.kind !== 'user') throw new GatewayError(ErrorCode.UNAUTHENTICATED, 'an API key is required');
    if (caller.role !== 'ADMIN') throw new GatewayError(ErrorCode.FORBIDDEN, 'the raw event export is for admins');
    const events = () => this.events(window, portal, signal);
    return {
      events,
      async *csv(): AsyncGenerator<Record<string, unknown>> {
        for await (const e of events()) yield eventCsv(e);
      },
      async *jsonl(): AsyncGenerator<string> {
        for await (const e of events()) yield `${JSON.stringify(eventJson(e))}\n`;
      },
    };
  }

  private async *events(window: InstantWindow, portal: string | null, signal?: AbortSignal): AsyncGenerator<LoggedEvent> {
    const { fromDay, toDay } = windowDays(window);
    const from = window.from?.getTime() ?? -Infinity;
    const to = window.to?.getTime() ?? Infinity;
    for await (const e of this.repo.events(fromDay, toDay, signal)) {
      const t = e.t.getTime();
      if (t < from || t >= to) continue;
      if (portal !== null && e.portalId !== portal) continue;
      yield e;
    }
  }
}
