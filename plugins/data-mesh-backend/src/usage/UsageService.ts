/*
 * Usage as the Access tab and the retirement engine read it: per consumer
 * (through its access requests' roles) the reads of the last 30 days and
 * the newest read, the readers no request explains, and what the source
 * could not tell.
 */
import {
  type ProductUsage,
  holdsGrant,
} from '@datamesh/plugin-data-mesh-common';
import type { AccessRequestStore } from '../access/AccessRequestStore';
import { type UsageStore, utcDay } from './UsageStore';
import { requestRoles } from './unused';

const D = 24 * 3_600_000;
/** The period the Access tab shows. */
export const USAGE_DAYS = 30;

const iso = (t?: number) =>
  t === undefined ? undefined : new Date(t).toISOString();

/** What {@link UsageService.consumersStillReading} answers. @public */
export interface StillReading {
  /** `by-role`: `consumers` is exact; `table-level`: only `unattributedReads` is known; `unknown`: nothing collected. */
  source: ProductUsage['source'];
  /** Consumers holding access whose roles read the product since the time asked. */
  consumers: {
    consumer: string;
    requestId: string;
    reads: number;
    lastRead?: string;
  }[];
  /** Reads since then that no holding request explains (table-level: all of them). */
  unattributedReads: number;
  /** The named roles behind `unattributedReads` (by-role sources only). */
  otherReaders: { role: string; reads: number; lastRead?: string }[];
}

export class UsageService {
  constructor(
    private readonly o: {
      store: UsageStore;
      accessStore: AccessRequestStore;
      clock: { now(): number };
      unusedAfterMs: number;
    },
  ) {}

  /** The usage view of one product (`product` a lower-case entity ref). */
  async productUsage(product: string): Promise<ProductUsage> {
    const now = this.o.clock.now();
    const collected = await this.o.store.source(product);
    const readers = await this.o.store.readers(
      product,
      utcDay(now - (USAGE_DAYS - 1) * D),
    );
    const flags = await this.o.store.unused(product);
    const requests = await this.o.accessStore.list({ product });
    const source = collected?.source ?? 'unknown';
    const explained = new Set<string>();
    const consumers = requests
      .map(r => {
        const roles = requestRoles(r);
        roles.forEach(x => explained.add(x));
        const mine = readers.filter(x => roles.includes(x.reader));
        const last = Math.max(-1, ...mine.map(x => x.lastReadAt ?? -1));
        const flagged = flags.get(r.id);
        return {
          consumer: r.consumer,
          requestId: r.id,
          outputPort: r.outputPort,
          state: r.state,
          roles,
          ...(source === 'by-role'
            ? { reads: mine.reduce((n, x) => n + x.reads, 0) }
            : {}),
          ...(last >= 0 ? { lastRead: iso(last) } : {}),
          unused: r.state === 'active' && flagged !== undefined,
          ...(flagged !== undefined && r.state === 'active'
            ? { unusedSince: iso(flagged) }
            : {}),
        };
      })
      // past requests only while their roles still show reads
      .filter(c => holdsGrant(c.state) || c.reads || c.lastRead);
    const last = Math.max(-1, ...readers.map(x => x.lastReadAt ?? -1));
    const notes = [...(collected?.notes ?? [])];
    if (!collected) {
      notes.push(
        'no usage collected yet (or the warehouse adapter cannot read usage)',
      );
    } else if (source === 'table-level') {
      notes.push(
        'reads cannot be attributed to consumers here, so unused grants are not flagged',
      );
    }
    return {
      product,
      source,
      days: USAGE_DAYS,
      unusedAfterDays: Math.round(this.o.unusedAfterMs / D),
      reads: readers.reduce((n, x) => n + x.reads, 0),
      ...(last >= 0 ? { lastRead: iso(last) } : {}),
      consumers,
      otherReaders: readers
        .filter(x => x.reader !== '' && !explained.has(x.reader))
        .map(x => ({
          role: x.reader,
          reads: x.reads,
          ...(x.lastReadAt !== undefined
            ? { lastRead: iso(x.lastReadAt) }
            : {}),
        })),
      notes,
    };
  }

  /**
   * For the retirement engine: consumers holding access to `product` (a
   * lower-case entity ref) whose roles read it at or after `since` (epoch
   * ms; whole UTC days — usage is kept per day), and the reads nobody's
   * grant explains. Retirement should refuse while `consumers` is not
   * empty, and treat `unattributedReads` of a `table-level` source as
   * "someone still reads".
   */
  async consumersStillReading(
    product: string,
    since: number,
  ): Promise<StillReading> {
    const collected = await this.o.store.source(product);
    const rows = await this.o.store.since([product], utcDay(since));
    const holding = (await this.o.accessStore.list({ product })).filter(r =>
      holdsGrant(r.state),
    );
    const explained = new Set<string>();
    const consumers: StillReading['consumers'] = [];
    for (const r of holding) {
      const roles = requestRoles(r);
      roles.forEach(x => explained.add(x));
      const mine = rows.filter(x => roles.includes(x.reader));
      const reads = mine.reduce((n, x) => n + x.reads, 0);
      if (reads === 0) continue;
      const last = Math.max(-1, ...mine.map(x => x.lastReadAt ?? -1));
      consumers.push({
        consumer: r.consumer,
        requestId: r.id,
        reads,
        ...(last >= 0 ? { lastRead: iso(last) } : {}),
      });
    }
    const others = new Map<string, { reads: number; last: number }>();
    for (const x of rows) {
      if (x.reader === '' || explained.has(x.reader)) continue;
      const o = others.get(x.reader) ?? { reads: 0, last: -1 };
      o.reads += x.reads;
      o.last = Math.max(o.last, x.lastReadAt ?? -1);
      others.set(x.reader, o);
    }
    return {
      source: collected?.source ?? 'unknown',
      consumers,
      unattributedReads: rows
        .filter(x => !explained.has(x.reader))
        .reduce((n, x) => n + x.reads, 0),
      otherReaders: [...others].map(([role, o]) => ({
        role,
        reads: o.reads,
        ...(o.last >= 0 ? { lastRead: iso(o.last) } : {}),
      })),
    };
  }
}
