/*
 * The SLO API endpoints measured, with the answer each request must give and
 * how many requests (and how long) each may take.
 */
import type { Expectation } from './load';
import type { Args } from './options';
import { DOMAINS, OWNER_GROUPS, domainOf, ownerOf, productName } from './world';

export interface EndpointVariant {
  variant: string;
  concurrency: number;
  maxRequests: number;
  maxMs: number;
  paths: [string, Expectation][];
}

/** The endpoint variants for a store of `n` products. */
export function variantsFor(
  n: number,
  args: Pick<Args, 'scale' | 'concurrency'>,
): EndpointVariant[] {
  const owners = Array.from({ length: Math.min(OWNER_GROUPS, n) }, (_, i) =>
    ownerOf(i),
  );
  const count = (f: (i: number) => boolean) => {
    let c = 0;
    for (let i = 0; i < n; i++) if (f(i)) c++;
    return c;
  };
  const products = Array.from(
    { length: n },
    (_, i) =>
      [`/products/default/${productName(i)}/slos`, { objectives: 3 }] as [
        string,
        Expectation,
      ],
  );
  const fleet: [string, Expectation][] = [['/slos', { total: n }]];
  const s = args.scale;
  return [
    {
      variant: 'one product',
      concurrency: args.concurrency,
      maxRequests: 1000 * s,
      maxMs: 15_000 * s,
      paths: products,
    },
    {
      variant: 'one product, 1 in flight',
      concurrency: 1,
      maxRequests: 200 * s,
      maxMs: 8_000 * s,
      paths: products,
    },
    {
      variant: 'fleet summary',
      concurrency: args.concurrency,
      maxRequests: 64 * s,
      maxMs: 20_000 * s,
      paths: fleet,
    },
    {
      variant: 'fleet summary, 1 in flight',
      concurrency: 1,
      maxRequests: 12 * s,
      maxMs: 8_000 * s,
      paths: fleet,
    },
    {
      variant: 'fleet ?owner=',
      concurrency: args.concurrency,
      maxRequests: 200 * s,
      maxMs: 10_000 * s,
      paths: owners.map(
        o =>
          [
            `/slos?owner=${encodeURIComponent(o)}`,
            { total: count(i => ownerOf(i) === o) },
          ] as [string, Expectation],
      ),
    },
    {
      variant: 'fleet ?domain=',
      concurrency: args.concurrency,
      maxRequests: 120 * s,
      maxMs: 10_000 * s,
      paths: DOMAINS.slice(0, Math.min(DOMAINS.length, n)).map(
        d =>
          [
            `/slos?domain=${encodeURIComponent(`domain:default/${d}`)}`,
            { total: count(i => domainOf(i) === d) },
          ] as [string, Expectation],
      ),
    },
  ];
}
