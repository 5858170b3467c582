/*
 * The example mesh's reads, in the access registry. Each example product's
 * pipeline reads the example products its input ports name, so each such
 * edge of the lineage is recorded as access agreed before the portal
 * (`recordAgreement`, as the system) with what the reading product's spec
 * asks (`inputAccessAsks`: personal data in clear where its input port
 * says so): the downstream product's service role is granted the upstream
 * port, the upstream's Access tab lists its readers (and the Compliance
 * register those that read personal data in clear), the downstream's Input
 * ports card shows them active, and
 * retiring an upstream product meets the consumers that still read it —
 * as in a mesh that runs. Recorded once: a read already held (a restart,
 * a second replica) is left as it is.
 */
import { stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError } from '@backstage/errors';
import {
  type AccessAgreementRecordBody,
  type DataProductEntityV1alpha1,
  accessRef,
  inputAccessAsks,
} from '@datamesh/plugin-data-mesh-common';
import type { SloStartupContext } from '@datamesh/plugin-data-mesh-backend';

/** Where the history says these came from. */
const COMMENT =
  'example data: the example mesh reads along its lineage from the start';

/**
 * One agreement per input port of an example product that reads a port of
 * another example product, the downstream product as the consumer.
 * @public
 */
export function exampleAgreements(
  products: DataProductEntityV1alpha1[],
): AccessAgreementRecordBody[] {
  const examples = new Set(
    products.map(p => accessRef(stringifyEntityRef(p), 'dataproduct')),
  );
  return products.flatMap(product =>
    inputAccessAsks(product)
      .filter(ask => examples.has(ask.product))
      .map(({ inputPort: _, pii, ...ask }) => ({
        ...ask,
        // what the reading product's spec says it needs in clear
        ...(pii ? { pii: true } : {}),
        comment: COMMENT,
      })),
  );
}

/** What recording found. @public */
export interface ExampleAgreementsReport {
  recorded: number;
  /** Held already (recorded at an earlier start, or by another replica). */
  held: number;
  problems: string[];
}

/**
 * Record each agreement not held yet.
 * @public
 */
export async function recordExampleAgreements(
  access: SloStartupContext['access'],
  agreements: AccessAgreementRecordBody[],
): Promise<ExampleAgreementsReport> {
  const report: ExampleAgreementsReport = {
    recorded: 0,
    held: 0,
    problems: [],
  };
  for (const agreement of agreements) {
    try {
      await access.recordAgreement(agreement);
      report.recorded += 1;
    } catch (e) {
      if (e instanceof ConflictError && /already reads/.test(e.message)) {
        report.held += 1;
      } else {
        report.problems.push(
          `access of ${agreement.consumer} to ${agreement.product} (${
            agreement.outputPort
          }) not recorded: ${(e as Error).message}`,
        );
      }
    }
  }
  return report;
}
