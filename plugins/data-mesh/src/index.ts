/**
 * Backstage Data Mesh frontend for legacy apps: DataProduct entity page
 * cards, the lineage card, the data products page and catalog columns.
 * The new frontend system plugin is the default export of `./alpha`.
 *
 * @packageDocumentation
 */
export {
  dataMeshPlugin,
  DataProductsPage,
  EntityDataProductOverview,
  EntityDataProductAboutCard,
  EntityOutputPortsCard,
  EntityInputPortsCard,
  EntityDatasetsCard,
  EntityDataSharingAgreementCard,
  EntityDataProductLineageCard,
  EntityDataProductSlosContent,
  EntitySloHealthCard,
  EntitySloHealthChip,
  MyDataProductsPage,
  EntityDataProductInfrastructureCard,
  EntityDataProductAccessContent,
  EntityDataProductChangesContent,
  EntityDataProductGovernanceCard,
  EntityDataQualityCard,
  MyAccessPage,
} from './plugin';
export {
  dataProductsRouteRef,
  myAccessRouteRef,
  myDataProductsRouteRef,
  scaffolderTaskRouteRef,
} from './routes';
export {
  dataMeshApiRef,
  DataMeshClient,
  DataMeshUnreachableError,
} from './api';
export type {
  AccessRequestFilter,
  AccessRequestOperation,
  DataMeshApi,
  SloFleetFilter,
  SpecProblemsFilter,
} from './api';
export { DataProductAccessContent } from './components/access/DataProductAccessContent';
export { DataProductChangesContent } from './components/changes/DataProductChangesContent';
export { DataProductLifecycleBanner } from './components/lifecycle/DataProductLifecycleBanner';
export { MyAccess } from './components/access/MyAccess';
export {
  NeedsYouCard,
  type NeedsYouLinks,
} from './components/home/NeedsYouCard';
export { GovernanceStatusChip } from './components/governance/GovernanceStatusChip';
export {
  Compliance,
  CompliancePage,
} from './components/governance/CompliancePage';
export {
  CheckSpec,
  CheckSpecPage,
  MySpecProblemsCard,
  SPEC_PROBLEMS_PATH,
  SpecProblems,
  SpecProblemsPage,
  SpecProblemsSidebarItem,
} from './components/specProblems';
export { MESH_MAP_PATH, MeshMap, MeshMapPage } from './components/meshMap';
export { AccessInboxCard } from './components/access/AccessInboxCard';
export { DataProductSlosContent } from './components/slo/DataProductSlosContent';
export { SloObjectivesTable } from './components/slo/SloObjectivesTable';
export { SloHistoryChart } from './components/slo/SloHistoryChart';
export { SloObservationsList } from './components/slo/SloObservationsList';
export { SloStatusChip } from './components/slo/SloStatusChip';
export { SloHealthCard } from './components/slo/SloHealth';
export { MyDataProducts } from './components/slo/MyDataProducts';
export {
  InfrastructureCard,
  InfrastructureView,
} from './components/infra/InfrastructureCard';
export { InfrastructureStatusChip } from './components/infra/InfrastructureStatusChip';
export {
  InfrastructureDrift,
  InfrastructureDriftPage,
} from './components/infra/InfrastructureDrift';
export {
  dataProductColumns,
  createDataProductColumns,
  createDomainColumn,
  createDataProductTypeColumn,
  createCertifiedColumn,
} from './columns';
export { DataProductAboutCard } from './components/DataProductAboutCard';
export { OutputPortsCard } from './components/OutputPortsCard';
export { InputPortsCard } from './components/InputPortsCard';
export { DatasetsCard } from './components/DatasetsCard';
export { DataSharingAgreementCard } from './components/DataSharingAgreementCard';
export {
  DataProductLineageCard,
  LINEAGE_RELATIONS,
} from './components/DataProductLineageCard';
export type { DataProductLineageCardProps } from './components/DataProductLineageCard';
export { DataProductOverview } from './components/DataProductOverview';
export { DataProductsTable } from './components/DataProductsTable';
export {
  CertifiedBadge,
  ClassificationChip,
  PiiChip,
} from './components/common';
// Re-exported so an EntitySwitch can route DataProducts without a second import.
export {
  isDataProductEntity,
  DATA_PRODUCT_KIND,
} from '@datamesh/plugin-data-mesh-common';
