import { ComponentProps } from 'react';
import {
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
} from '@backstage/catalog-model';
import { EntityCatalogGraphCard } from '@backstage/plugin-catalog-graph';

/** Props of {@link DataProductLineageCard}; any catalog-graph card prop. @public */
export type DataProductLineageCardProps = Partial<
  ComponentProps<typeof EntityCatalogGraphCard>
>;

/**
 * Lineage is the `dependsOn`/`dependencyOf` graph between DataProducts that
 * the catalog module derives from input ports.
 *
 * @public
 */
export const LINEAGE_RELATIONS = [RELATION_DEPENDS_ON, RELATION_DEPENDENCY_OF];

/**
 * Upstream and downstream data products, drawn by catalog-graph.
 *
 * The relation pair is given as (dependencyOf, dependsOn) so merged edges
 * point from the upstream product to its consumer: with left-to-right layout
 * data flows left to right, as lineage is usually read.
 *
 * @public
 */
export function DataProductLineageCard(props: DataProductLineageCardProps) {
  return (
    <EntityCatalogGraphCard
      title="Lineage"
      relations={LINEAGE_RELATIONS}
      relationPairs={[[RELATION_DEPENDENCY_OF, RELATION_DEPENDS_ON]]}
      kinds={['DataProduct']}
      maxDepth={2}
      direction="LR"
      showArrowHeads
      height={320}
      {...props}
    />
  );
}
