/*
 * What a product asks to read its inputs. The New data product template
 * sends these requests when it makes the product, the Input ports card
 * offers them to its owners, and the example mesh records them as agreed:
 * one rule, so all three ask for the same thing.
 */
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { DataProductEntityV1alpha1 } from '../model';
import { type AccessRequestCreateBody, accessRef } from './index';

/** The longest purpose the API accepts. */
const PURPOSE_MAX = 2000;

/**
 * One request for an input port that reads another product's output port.
 * @public
 */
export type InputAccessAsk = Pick<
  AccessRequestCreateBody,
  'product' | 'outputPort' | 'consumer' | 'purpose'
> & {
  /** Personal data in clear: the input port says it needs it. */
  pii: boolean;
  /** The input port of the consuming product this request is for. */
  inputPort: string;
};

/**
 * The requests `product` needs to read its inputs: one per input port of
 * type data-product that names the upstream port, on behalf of the product
 * (its service role is the grantee), the input's description as the
 * purpose (else the product's), and personal data in clear only where the input says it needs
 * it (`personalDataInClear`). Refs are lower-case with kind and namespace.
 * @public
 */
export function inputAccessAsks(
  product: DataProductEntityV1alpha1,
): InputAccessAsk[] {
  const consumer = stringifyEntityRef(product).toLowerCase();
  const title = product.metadata.title ?? product.metadata.name;
  return (product.spec.inputPorts ?? []).flatMap(input => {
    if (input.type !== 'data-product') return [];
    if (!input.dataProduct || !input.outputPort) return [];
    let upstream: string;
    try {
      upstream = accessRef(input.dataProduct, 'dataproduct');
    } catch {
      return []; // the entity checks report a ref that does not parse
    }
    if (upstream === consumer) return [];
    // what the input is for, else what the product is
    const because = input.description ?? product.metadata.description;
    return [
      {
        inputPort: input.name,
        product: upstream,
        outputPort: input.outputPort,
        consumer,
        purpose: `Input of ${title}${because ? `: ${because}` : ''}`.slice(
          0,
          PURPOSE_MAX,
        ),
        pii: input.personalDataInClear === true,
      },
    ];
  });
}
