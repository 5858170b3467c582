/*
 * Which columns of a product are personal data. One rule for the
 * warehouse engine (a product with any gets a PII consumer role and, with
 * masked views, a masked schema), the readers of its tables, the
 * marketplace's "holds personal data" filter and the Input ports card.
 */
import type { DataProductEntityV1alpha1 } from '../model';

/**
 * A column marked as personal data (`pii: true`), with its dataset.
 * @public
 */
export interface PersonalDataColumn {
  /** The dataset's name as the spec writes it. */
  dataset: string;
  /** The column's name as the spec writes it. */
  column: string;
}

/**
 * The columns of `product` marked as personal data, dataset by dataset in
 * spec order; only those of `dataset` when it is given.
 * @public
 */
export function personalDataColumns(
  product: Pick<DataProductEntityV1alpha1, 'spec'>,
  dataset?: string,
): PersonalDataColumn[] {
  return (product.spec?.datasets ?? [])
    .filter(d => dataset === undefined || d.name === dataset)
    .flatMap(d =>
      // columns are required by the schema; a partial entity (a form, a
      // test) may still lack them
      (d.columns ?? [])
        .filter(c => c.pii)
        .map(c => ({ dataset: d.name, column: c.name })),
    );
}

/**
 * Whether `product` holds personal data: a column of any dataset is marked
 * as such. Only then does it have a PII consumer role, and only then does
 * reading it "in clear" mean anything.
 * @public
 */
export function holdsPersonalData(
  product: Pick<DataProductEntityV1alpha1, 'spec'>,
): boolean {
  return personalDataColumns(product).length > 0;
}
