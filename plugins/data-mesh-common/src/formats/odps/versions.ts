/*
 * What the ODPS reader accepts and the names it reads and writes; shared
 * with the exporter (export.ts), which writes the same names.
 */
/** ODPS versions this reader accepts (v0.9.0 is the official example's). @public */
export const ODPS_API_VERSIONS = ['v1.1.0', 'v1.0.0', 'v0.9.0'] as const;
/** ODCS versions accepted for contracts (v2 has a different structure). @public */
export const ODCS_API_VERSIONS = [
  'v3.1.0',
  'v3.0.2',
  'v3.0.1',
  'v3.0.0',
] as const;

/** Annotation keeping the ODPS product `id`, so an export reuses it. @public */
export const ANNOTATION_ODPS_ID = 'datamesh.dev/odps-id';

/**
 * The `customProperties` this package reads and writes, by where they sit.
 * Property names are matched ignoring case, `-` and `_` (`data_product_type`
 * is `dataProductType`).
 * @public
 */
export const ODPS_CUSTOM_PROPERTIES = {
  product: [
    'identifier', // catalog/warehouse name when it is not derivable from `name`
    'namespace', // catalog namespace, default `default`
    'owner', // entity ref of the owner; wins over `team`
    'dataProductType', // source-aligned | aggregate | consumer-aligned (also `type`; ODPS 1.1 has a top-level `type`)
    'certified', // boolean
    'slos', // list of ServiceLevelObjective objects; wins over contracts' slaProperties
    'dataSharingAgreement', // { purpose, approval, termination, instructions } beyond description.usage/limitations
    'infrastructure', // DataProductInfrastructure object
  ],
  outputPort: [
    'identifier',
    'dataset',
    'url',
    'instructions',
    'access', // PortAccessPolicy; roles default to the contract's roles[]
  ],
  inputPort: [
    'identifier',
    'type', // dataset | api | data-product
    'dataProduct', // upstream product ref: `dataproduct:default/x` or `x`
    'outputPort', // upstream output port name
    'personalDataInClear', // boolean: reads the upstream port's personal data unmasked
    'source', // free text for dataset/api inputs; defaults to contractId
    'description',
  ],
  column: ['pii'],
} as const;
