/*
 * Benchmark: what the entities processor spends on a product a spec reader
 * handed over, sealed (checked when it was read, not again) against the
 * same hand-over without its seal (how one arrives from another replica or
 * from before a restart: inflated and checked as written, as every
 * hand-over was before the seal). Only the module's own work, outside the
 * catalog, in one process: the two variants alternate round by round.
 *
 *   npm run bench:catalog-handover -- [--n 2000] [--rounds 7]
 *
 * See bench/README.md ("The sealed hand-over"). A benchmark, not a test.
 */
import type { Entity } from '@backstage/catalog-model';
import type { LocationSpec } from '@backstage/plugin-catalog-common';
import type { CatalogProcessorResult } from '@backstage/plugin-catalog-node';
import type {
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import {
  DataProductEntitiesProcessor,
  DataProductSpecReaderProcessor,
} from '@datamesh/plugin-catalog-backend-module-data-mesh';
import { isDataProductSpecFile } from '@datamesh/plugin-data-mesh-common';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'yaml';
import { generateProducts } from './generate';
import { median } from '../median';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`--${name} takes a whole number above 0`);
  }
  return value;
}

/** Says nothing: the processors log only what is wrong, and nothing is here. */
const quiet: LoggerService = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => quiet,
};

/** The entities the module's reader emits for the spec files of a Location file. */
async function readHandOvers(
  locationFile: string,
): Promise<{ entity: Entity; location: LocationSpec }[]> {
  const dir = path.dirname(locationFile);
  const doc = parse(await fs.readFile(locationFile, 'utf8'));
  const reader = new DataProductSpecReaderProcessor({
    // file locations only: the reader reads them from disk
    reader: {} as UrlReaderService,
    logger: quiet,
  });
  const out: { entity: Entity; location: LocationSpec }[] = [];
  for (const target of doc.spec.targets as string[]) {
    const file = path.resolve(dir, target);
    if (!isDataProductSpecFile(file)) continue; // native entities: the catalog's reader
    const location = { type: 'file', target: file };
    const emit = (result: CatalogProcessorResult) => {
      if (result.type === 'entity')
        out.push({ entity: result.entity, location });
      if (result.type === 'error') throw result.error;
    };
    await reader.readLocation(location, false, emit, undefined as any, {
      get: async () => undefined,
      set: async () => {},
    });
  }
  return out;
}

/** As the catalog stores an emitted entity and hands it to the processors. */
function asStored(entity: Entity, location: LocationSpec): Entity {
  const copy = JSON.parse(JSON.stringify(entity)) as Entity;
  const { namespace, ...metadata } = copy.metadata;
  const ref = `${location.type}:${location.target}`;
  return {
    ...copy,
    metadata: {
      ...metadata,
      annotations: {
        'backstage.io/managed-by-location': ref,
        'backstage.io/managed-by-origin-location': ref,
        ...metadata.annotations,
      },
      namespace: namespace ?? 'default',
    },
  };
}

function unsealed(entity: Entity): Entity {
  const { sealed: _, ...spec } = entity.spec as Record<string, unknown>;
  return { ...entity, spec: spec as Entity['spec'] };
}

async function main() {
  const n = option('n', 2000);
  const rounds = option('rounds', 7);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-handover-'));
  try {
    const { locationFile } = await generateProducts(dir, n);
    const read = await readHandOvers(locationFile);
    const variants = {
      sealed: read.map(r => ({ ...r, entity: asStored(r.entity, r.location) })),
      unsealed: read.map(r => ({
        ...r,
        entity: unsealed(asStored(r.entity, r.location)),
      })),
    };
    const processor = new DataProductEntitiesProcessor({ logger: quiet });
    let errors = 0;
    const emit = (result: CatalogProcessorResult) => {
      if (result.type === 'error') errors++;
    };
    const pass = async (items: typeof variants.sealed) => {
      const started = performance.now();
      for (const { entity, location } of items) {
        // what the catalog asks of this processor for each entity
        await processor.validateEntityKind(entity);
        await processor.postProcessEntity(entity, location, emit);
      }
      return performance.now() - started;
    };
    console.log(
      `catalog-handover benchmark — node ${process.version}, ${
        os.cpus().length
      } × ${os.cpus()[0]?.model.split(' ')[0]}, ${
        read.length
      } hand-overs (of ${n} products; the rest are native entities), ${rounds} rounds after one warm-up`,
    );
    await pass(variants.unsealed);
    await pass(variants.sealed);
    const ms = { sealed: [] as number[], unsealed: [] as number[] };
    for (let round = 0; round < rounds; round++) {
      const order =
        round % 2
          ? (['sealed', 'unsealed'] as const)
          : (['unsealed', 'sealed'] as const);
      for (const name of order) {
        (global as any).gc?.();
        ms[name].push(await pass(variants[name]));
      }
    }
    if (errors > 0) throw new Error(`${errors} processing errors`);
    const perProduct = (name: keyof typeof ms) =>
      (median(ms[name]) * 1000) / read.length;
    for (const name of ['unsealed', 'sealed'] as const) {
      console.log(
        `  ${name.padEnd(9)} ${perProduct(name)
          .toFixed(0)
          .padStart(4)} µs a product (median of ${rounds}; rounds ${ms[name]
          .map(v => ((v * 1000) / read.length).toFixed(0))
          .join(', ')})`,
      );
    }
    const saved = perProduct('unsealed') - perProduct('sealed');
    // the generated mix at 5,000: the same share of spec files as here
    const at5000 = Math.round((5000 * read.length) / n);
    console.log(
      `  sealed / unsealed ${(
        perProduct('sealed') / perProduct('unsealed')
      ).toFixed(2)}; saved ${saved.toFixed(0)} µs a product, ${(
        (saved * at5000) /
        1e6
      ).toFixed(
        2,
      )} s of main-thread time at 5,000 products (${at5000} hand-overs)`,
    );
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
