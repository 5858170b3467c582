export { dataProductAboutCard } from './aboutCard';
export { dataProductAgreementCard } from './agreementCard';
export { dataProductDatasetsCard } from './datasetsCard';
export { dataProductInfrastructureCard } from './infrastructureCard';
export { dataProductInputPortsCard } from './inputPortsCard';
export { dataProductLineageCard } from './lineageCard';
export { dataProductOutputPortsCard } from './outputPortsCard';
export { dataProductSloHealthCard } from './sloHealthCard';
