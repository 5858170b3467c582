import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  type ConcreteLunrQuery,
  LunrSearchEngine,
} from '@backstage/plugin-search-backend-node';
import { searchEngineRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';

/** Lunr's query builder, as the translator receives it. */
type LunrQuery = Parameters<ConcreteLunrQuery['lunrQueryBuilder']>[0];
type Terms = Parameters<LunrQuery['term']>[0];

/**
 * Edits a query token may be away from an indexed word and still match:
 * none up to 2 characters, one up to 5, two beyond (Elasticsearch's
 * `fuzziness: AUTO`).
 */
export function allowedEdits(token: string): number {
  if (token.length <= 2) return 0;
  return token.length <= 5 ? 1 : 2;
}

/**
 * Backstage's in-memory Lunr engine, matching typos in proportion to the
 * length of each word searched for.
 *
 * The stock engine lets every word of a query be two edits away from an
 * indexed word, and splits identifiers at `_`: a search for the column
 * `admitted_at` then also matches every document with a word of up to four
 * letters ("at" is two edits from "v2", "lab", "nhs", "data"), 29 of the
 * example portal's 43 documents. Here "at" must match exactly (it is a stop
 * word, so it only counts as a prefix), "admitted" may still be mistyped
 * twice. Exact words and prefixes rank as before.
 */
export class PortalLunrSearchEngine extends LunrSearchEngine {
  constructor(options: ConstructorParameters<typeof LunrSearchEngine>[0]) {
    super(options);
    const stock = this.translator;
    this.translator = query => {
      const translated = stock(query) as ConcreteLunrQuery;
      return {
        ...translated,
        lunrQueryBuilder: (q: LunrQuery) => {
          scaleEditDistance(q);
          translated.lunrQueryBuilder.call(q, q);
        },
      };
    };
  }
}

/** Make the fuzzy clauses of this one query follow `allowedEdits`. */
function scaleEditDistance(q: LunrQuery) {
  const term = q.term.bind(q);
  q.term = (terms: Terms, options: { editDistance?: number }) => {
    if (!options?.editDistance) return term(terms, options);
    const tokens: Terms[] = Array.isArray(terms) ? terms : [terms];
    for (const token of tokens) {
      const editDistance = Math.min(
        options.editDistance,
        allowedEdits(token.toString()),
      );
      if (editDistance > 0) term(token, { ...options, editDistance });
    }
    return q;
  };
}

/** The portal's search engine: {@link PortalLunrSearchEngine}. */
export const searchEngineModule = createBackendModule({
  pluginId: 'search',
  moduleId: 'portal-lunr-engine',
  register(reg) {
    reg.registerInit({
      deps: {
        engines: searchEngineRegistryExtensionPoint,
        logger: coreServices.logger,
      },
      async init({ engines, logger }) {
        engines.setSearchEngine(new PortalLunrSearchEngine({ logger }));
      },
    });
  },
});
